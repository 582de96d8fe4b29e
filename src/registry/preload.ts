import { limitConcurrency, type Limiter } from '../stream/index.js';

/** A preload to start: its single-flight key (`blobKey`) and the upload itself. */
export interface PreloadJob {
  readonly key: string;
  run(): Promise<void>;
}

/**
 * Blob uploads started before the image is written (issue "Performance": the exporter hands each layer over
 * as soon as it is compressed, so uploads overlap with compressing the others). Bounded (`concurrency` at
 * once). Each started upload is kept, keyed like the write's single-flight map, until a write `take`s it:
 * that write then awaits it instead of sending HEAD/POST/PATCH again, and a failure surfaces from the write
 * with the upload's own typed error. A preload never rejects towards its starter, and its promise always
 * has a handler, so a failure nobody takes is never an unhandled rejection. One still running when its
 * signal aborts is forgotten at once (a later write does the work itself); a finished one is kept.
 */
export class BlobPreloads {
  private readonly started = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  /** Started and not yet settled, with the signal each was started with. */
  private readonly running = new Map<string, { p: Promise<void>; signal: AbortSignal | undefined }>();
  private readonly watched = new WeakSet<AbortSignal>();
  private readonly limit: Limiter;

  constructor(concurrency: number) {
    this.limit = limitConcurrency(concurrency);
  }

  /**
   * Starts a preload. `resolve` finds the key and the job (it may read the layer's digest); it returns
   * undefined, or throws, when there is nothing to preload; then the write does all the work as usual.
   * Nothing starts for a key already started, or once `signal` is aborted.
   */
  start(resolve: () => Promise<PreloadJob | undefined>, signal?: AbortSignal): void {
    const registered = (async () => {
      const job = await resolve();
      if (!job || this.started.has(job.key) || signal?.aborted) return;
      const p = this.limit(() => (signal?.aborted ? Promise.reject(signal.reason) : job.run()));
      this.started.set(job.key, p);
      this.running.set(job.key, { p, signal });
      void p.then(
        () => this.settled(job.key, p),
        () => this.settled(job.key, p),
      );
      // Aborted while running: forgotten at once (a write that follows must not take the abort as its error).
      // One listener per signal, however many layers share it.
      if (signal && !this.watched.has(signal)) {
        this.watched.add(signal);
        signal.addEventListener('abort', () => this.forget(signal), { once: true });
      }
    })().catch(() => undefined);
    this.pending.add(registered);
    void registered.then(() => this.pending.delete(registered));
  }

  /** Resolves once every started preload is registered under its key (their uploads may still run). */
  async ready(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** The preload of `key`, handed over once: removed from the set, so a later write checks the registry again. */
  take(key: string): Promise<void> | undefined {
    const p = this.started.get(key);
    if (p) this.started.delete(key);
    return p;
  }

  private settled(key: string, p: Promise<void>): void {
    if (this.running.get(key)?.p === p) this.running.delete(key);
  }

  private forget(signal: AbortSignal): void {
    for (const [key, r] of this.running) {
      if (r.signal !== signal) continue;
      this.running.delete(key);
      if (this.started.get(key) === r.p) this.started.delete(key);
    }
  }

  /** How many preloads are registered and not yet taken (tests, logs). */
  get size(): number {
    return this.started.size;
  }
}
