import type { LaunchProcess } from '../../platform/index.js';

/** A launch.toml process attributed to its buildpack. */
export interface BuildpackProcess extends LaunchProcess {
  readonly buildpackId: string;
}

/**
 * The merged process list across buildpacks (BL-11, BL-12, PR-03): a later buildpack's process replaces
 * the same type; the last `default = true` wins; a later non-default redefinition of the default type
 * clears the default (with a warning).
 */
export class ProcessMap {
  private readonly byType = new Map<string, BuildpackProcess>();
  private dflt: string | undefined;

  /** Adds one buildpack's processes; returns a warning when a default was cleared. */
  add(processes: readonly BuildpackProcess[]): string | undefined {
    let warning: string | undefined;
    for (const p of processes) {
      if (p.default) {
        this.dflt = p.type;
        warning = undefined;
      } else if (p.type === this.dflt) {
        this.dflt = undefined;
        warning = `redefining the following default process type with a process not marked as default: ${p.type}`;
      }
      this.byType.set(p.type, p);
    }
    return warning;
  }

  /** The buildpack-provided default process type (BL-12), if any. */
  get defaultType(): string | undefined {
    return this.dflt;
  }

  /** [REF] Processes sorted by type (BL-11, LY-26). */
  list(): BuildpackProcess[] {
    return [...this.byType.keys()].sort(compareStrings).map((k) => this.byType.get(k)!);
  }
}

/** Byte-wise string order (Go sort.Strings), independent of locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** REF rejects these characters in process types (they end up in /cnb/process/<type>). */
const FORBIDDEN = /[/><:|&\\]/;
/** BL-15 / FMT-14: the characters the spec allows. */
const ALLOWED = /^[A-Za-z0-9._-]+$/;

/**
 * Checks one buildpack's processes (BL-13, BL-15). Returns an error message for a hard failure (more than
 * one default; an empty type or one with characters REF rejects at export) and warnings for the softer
 * spec rules REF does not enforce (other characters, duplicate types: the last one wins).
 */
export function checkBuildpackProcesses(processes: readonly LaunchProcess[]): { error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const seen = new Set<string>();
  let defaults = 0;
  for (const p of processes) {
    if (p.type === '' || FORBIDDEN.test(p.type)) return { error: `invalid process type '${p.type}'`, warnings };
    if (!ALLOWED.test(p.type)) warnings.push(`process type '${p.type}' should contain only letters, digits, '.', '_' and '-'`);
    if (seen.has(p.type)) warnings.push(`process type '${p.type}' is defined more than once; the last definition wins`);
    seen.add(p.type);
    if (p.default) defaults++;
  }
  if (defaults > 1) return { error: "multiple default process types aren't allowed", warnings };
  return { warnings };
}
