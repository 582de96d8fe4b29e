import { join, resolve } from 'node:path';

/** [REF] §0: a buildpack or extension ID in a filesystem path has every `/` replaced by `_`. */
export function escapeId(id: string): string {
  return id.replaceAll('/', '_');
}

/** The root of a buildpack or extension: `<root>/<escaped-id>/<version>` (absolute; §13 item 14). */
export function moduleDir(root: string, id: string, version: string): string {
  return resolve(join(root, escapeId(id), version));
}
