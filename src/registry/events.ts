/** What a registry operation did; tests count these, and the exporter may log them. */
export type RegistryEvent =
  | 'blob-head'
  | 'blob-exists'
  | 'blob-get'
  | 'mount-attempt'
  | 'mount'
  | 'upload-start'
  | 'upload-attempt'
  | 'upload'
  | 'manifest-head'
  | 'manifest-get'
  | 'manifest-put'
  | 'manifest-delete';

/** Receives events; the detail names the repository and digest/tag (never credentials). */
export type RegistryEvents = (event: RegistryEvent, detail: { repository: string; digest?: string; tag?: string }) => void;

/** Counters of registry events, keyed by event. */
export class RegistryCounters {
  readonly counts = new Map<RegistryEvent, number>();

  /** The hook to pass as `events`. */
  readonly hook: RegistryEvents = (e) => {
    this.counts.set(e, (this.counts.get(e) ?? 0) + 1);
  };

  /** How many times `event` happened. */
  get(event: RegistryEvent): number {
    return this.counts.get(event) ?? 0;
  }

  /** Forgets all counts. */
  reset(): void {
    this.counts.clear();
  }
}
