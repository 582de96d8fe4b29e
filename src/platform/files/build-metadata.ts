import type { ApiVersion } from '../api-version.js';
import { Fields } from './fields.js';
import type { LaunchLabel, LaunchSlice, LegacyBomEntry } from './launch.js';
import { readToml, writeToml, type TomlTable } from './toml-file.js';

/** A process in `<layers>/config/metadata.toml` (FMT-METADATA), in its version-independent form. */
export interface MetadataProcess {
  readonly type: string;
  /** Full command: `command[0]` executable, then always-passed arguments (BP≥0.9 semantics). */
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly direct: boolean;
  /** [REF] The contributing buildpack (FMT-09, ERRATA-23); the launcher needs it for LN-03/04. */
  readonly buildpackId: string;
  readonly workingDir?: string;
  /** ≥0.15: absent means `["*"]` (FMT-08). */
  readonly execEnv?: readonly string[];
}

/** A `[[buildpacks]]` or `[[extensions]]` entry (FMT-08: id, version and api are required). */
export interface MetadataBuildpack {
  readonly id: string;
  readonly version: string;
  readonly api: string;
  readonly homepage?: string;
}

/** `<layers>/config/metadata.toml`: builder → exporter → image → launcher. */
export interface BuildMetadata {
  readonly buildpackDefaultProcessType?: string;
  readonly buildpacks: readonly MetadataBuildpack[];
  readonly extensions: readonly MetadataBuildpack[];
  /** [REF] Labels from launch.toml, in buildpack order (BL-17, ERRATA-23). */
  readonly labels: readonly LaunchLabel[];
  /** Sorted by type [REF] (BL-11). */
  readonly processes: readonly MetadataProcess[];
  readonly slices: readonly LaunchSlice[];
  /** Legacy BOM; written only for Platform API <0.9. */
  readonly bom: readonly LegacyBomEntry[];
}

function processToToml(p: MetadataProcess, api: ApiVersion): TomlTable {
  // BL-18 [REF]: <0.10 writes command as a string and moves extra elements to the front of args.
  const arrayCommand = api.atLeast('0.10');
  return {
    type: p.type,
    command: arrayCommand ? [...p.command] : (p.command[0] ?? ''),
    args: arrayCommand ? [...p.args] : [...p.command.slice(1), ...p.args],
    direct: p.direct,
    'buildpack-id': p.buildpackId,
    ...(p.workingDir ? { 'working-dir': p.workingDir } : {}),
    // FMT-08 (0.15): exec-env is ["*"] for a process that applies everywhere.
    ...(api.atLeast('0.15') ? { 'exec-env': p.execEnv && p.execEnv.length > 0 ? [...p.execEnv] : ['*'] } : {}),
  };
}

function bpToToml(b: MetadataBuildpack): TomlTable {
  return { id: b.id, version: b.version, api: b.api, ...(b.homepage ? { homepage: b.homepage } : {}) };
}

/** Encodes metadata.toml for Platform API `api` (command form BL-18, exec-env FMT-08, legacy bom <0.9). */
export function buildMetadataToToml(md: BuildMetadata, api: ApiVersion): TomlTable {
  return {
    ...(md.buildpackDefaultProcessType ? { 'buildpack-default-process-type': md.buildpackDefaultProcessType } : {}),
    buildpacks: md.buildpacks.map(bpToToml),
    ...(md.extensions.length > 0 ? { extensions: md.extensions.map(bpToToml) } : {}),
    ...(md.labels.length > 0 ? { labels: md.labels.map((l) => ({ key: l.key, value: l.value })) } : {}),
    processes: md.processes.map((p) => processToToml(p, api)),
    ...(md.slices.length > 0 ? { slices: md.slices.map((s) => ({ paths: [...s.paths] })) } : {}),
    ...(api.lessThan('0.9') && md.bom.length > 0
      ? { bom: md.bom.map((b) => ({ name: b.name, ...(b.metadata ? { metadata: b.metadata } : {}) })) }
      : {}),
  };
}

/** Writes `<layers>/config/metadata.toml` atomically. */
export async function writeBuildMetadata(file: string, md: BuildMetadata, api: ApiVersion): Promise<void> {
  await writeToml(file, buildMetadataToToml(md, api));
}

function readBp(f: Fields): MetadataBuildpack {
  const homepage = f.optString('homepage');
  return { id: f.string('id'), version: f.optString('version') ?? '', api: f.optString('api') ?? '', ...(homepage ? { homepage } : {}) };
}

function readProcess(p: Fields): MetadataProcess {
  // Both forms are accepted: a string (<0.10) or an array (≥0.10).
  const raw = p.table['command'];
  const command = typeof raw === 'string' ? [raw] : p.stringArray('command');
  const workingDir = p.optString('working-dir');
  const execEnv = p.has('exec-env') ? p.stringArray('exec-env') : undefined;
  return {
    type: p.string('type'),
    command,
    args: p.stringArray('args'),
    direct: p.bool('direct', false),
    buildpackId: p.optString('buildpack-id') ?? '',
    ...(workingDir ? { workingDir } : {}),
    ...(execEnv ? { execEnv } : {}),
  };
}

/** Parses metadata.toml (either command form); errors are ERR_TOML naming the file and field. */
export function buildMetadataFromToml(file: string, raw: TomlTable): BuildMetadata {
  const f = new Fields(file, raw);
  const dflt = f.optString('buildpack-default-process-type');
  return {
    ...(dflt ? { buildpackDefaultProcessType: dflt } : {}),
    buildpacks: f.tables('buildpacks').map(readBp),
    extensions: f.tables('extensions').map(readBp),
    labels: f.tables('labels').map((l) => ({ key: l.string('key'), value: l.optString('value') ?? '' })),
    processes: f.tables('processes').map(readProcess),
    slices: f.tables('slices').map((s) => ({ paths: s.stringArray('paths') })),
    bom: f.tables('bom').map((b) => {
      const metadata = b.optRawTable('metadata');
      return { name: b.optString('name') ?? '', ...(metadata ? { metadata } : {}) };
    }),
  };
}

/** Reads `<layers>/config/metadata.toml`. */
export async function readBuildMetadata(file: string): Promise<BuildMetadata> {
  return buildMetadataFromToml(file, await readToml(file));
}

/** `<layers>/config/metadata.toml` for a given `<layers>`. */
export function buildMetadataPath(layersDir: string): string {
  return `${layersDir.replace(/\/+$/, '')}/config/metadata.toml`;
}

