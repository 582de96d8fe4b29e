import { Fields } from './fields.js';
import { readTomlIfExists } from './toml-file.js';
import { moduleRefFrom, type ModuleRef } from './order.js';

/** system.toml (FMT-SYSTEM, ≥0.15): buildpacks merged before and after every order group (DT-02). */
export interface SystemFile {
  readonly pre: readonly ModuleRef[];
  readonly post: readonly ModuleRef[];
  /** False when the file does not exist ([REF] a no-op). */
  readonly exists: boolean;
}

/** Parses system.toml contents read from `file`. */
export function parseSystem(file: string, table: Record<string, unknown>): SystemFile {
  const f = new Fields(file, table);
  const sys = f.optTable('system');
  const refs = (key: string) => sys?.optTable(key)?.tables('buildpacks').map((e) => moduleRefFrom(e)) ?? [];
  return { pre: refs('pre'), post: refs('post'), exists: true };
}

/** Reads system.toml; a missing file reads as empty ([REF]). Malformed TOML is ERR_TOML naming the file. */
export async function readSystem(file: string): Promise<SystemFile> {
  const raw = await readTomlIfExists(file);
  return raw ? parseSystem(file, raw) : { pre: [], post: [], exists: false };
}

/**
 * DT-02: inserts `system.pre` at the start and `system.post` at the end of every group. A system buildpack
 * whose ID already appears at the top level of the group is not inserted. ERRATA-10: `optional` in
 * system.toml is ignored ([REF]): system buildpacks are required.
 */
export function mergeSystem<T extends ModuleRef>(order: readonly (readonly T[])[], system: Pick<SystemFile, 'pre' | 'post'>): ModuleRef[][] {
  const required = (r: ModuleRef): ModuleRef => ({ id: r.id, version: r.version, optional: false });
  return order.map((group) => {
    const ids = new Set(group.map((e) => e.id));
    const pre = system.pre.filter((r) => !ids.has(r.id)).map(required);
    const post = system.post.filter((r) => !ids.has(r.id)).map(required);
    return [...pre, ...group, ...post];
  });
}
