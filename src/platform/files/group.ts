import { checkBuildpackApi } from '../api-version.js';
import { Fields } from './fields.js';
import { readToml, writeToml } from './toml-file.js';

/** One buildpack or extension of a group (FMT-GROUP). */
export interface GroupElement {
  readonly id: string;
  readonly version: string;
  readonly api: string;
  readonly homepage?: string;
  /** Only in order.toml / detection: optional entries. Never written to group.toml. */
  readonly optional?: boolean;
  /** Extensions only (set when read from `[[group-extensions]]`); never written (DT-25). */
  readonly extension?: boolean;
}

/** The group.toml contents: the buildpacks and (≥0.10) extensions that passed detection. */
export interface Group {
  readonly group: readonly GroupElement[];
  readonly groupExtensions: readonly GroupElement[];
}

function element(f: Fields, extension: boolean): GroupElement {
  const id = f.string('id');
  const version = f.optString('version') ?? '';
  const api = f.optString('api') ?? '';
  checkBuildpackApi(api, `${extension ? 'extension' : 'buildpack'} ${id}`, f.file); // VER-04: exit 12
  return { id, version, api, homepage: f.optString('homepage'), ...(extension ? { extension: true } : {}) };
}

/** Reads group.toml; ERR_TOML names the file and field, an unsupported API is ERR_BUILDPACK_API. */
export async function readGroup(file: string): Promise<Group> {
  const f = new Fields(file, await readToml(file));
  return {
    group: f.tables('group').map((e) => element(e, false)),
    groupExtensions: f.tables('group-extensions').map((e) => element(e, true)),
  };
}

/**
 * Writes group.toml with keys in the reference order (id, version, api, homepage). DT-25 [REF]: `optional`
 * and `extension` are never written; extensions go under `[[group-extensions]]`.
 */
export async function writeGroup(file: string, g: Group): Promise<void> {
  const enc = (e: GroupElement) => ({
    id: e.id,
    version: e.version,
    api: e.api,
    ...(e.homepage ? { homepage: e.homepage } : {}),
  });
  await writeToml(file, {
    group: g.group.map(enc),
    ...(g.groupExtensions.length > 0 ? { 'group-extensions': g.groupExtensions.map(enc) } : {}),
  });
}
