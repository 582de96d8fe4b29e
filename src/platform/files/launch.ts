import type { ApiVersion } from '../api-version.js';
import { Fields } from './fields.js';
import { readTomlIfExists, type TomlTable } from './toml-file.js';

/** A deprecated (BP 0.7) `[[bom]]` entry of launch.toml or build.toml (legacy BOM). */
export interface LegacyBomEntry {
  readonly name: string;
  readonly version?: string;
  readonly metadata?: TomlTable;
}

/** A `[[processes]]` entry of launch.toml, normalized across Buildpack APIs (BL-14, FMT-LAUNCH). */
export interface LaunchProcess {
  readonly type: string;
  /** `command[0]` is the executable, the rest are always-passed arguments (FMT-15). BP<0.9: one element. */
  readonly command: readonly string[];
  /** Default arguments the user may override. */
  readonly args: readonly string[];
  /** BP<0.9 only (default false). Undefined for BP≥0.9, whose processes are always direct. */
  readonly direct?: boolean;
  readonly default: boolean;
  /** BP≥0.8 (the builder drops it with a warning for older buildpacks). */
  readonly workingDir?: string;
  /** BP≥0.12: execution environments the process applies to; undefined means all. */
  readonly execEnv?: readonly string[];
}

/** A `[[labels]]` entry. */
export interface LaunchLabel {
  readonly key: string;
  readonly value: string;
}

/** A `[[slices]]` entry: app sub-path globs (FMT-16). */
export interface LaunchSlice {
  readonly paths: readonly string[];
}

/** `<layers>/<bp>/launch.toml` (buildpack → lifecycle). */
export interface LaunchToml {
  readonly labels: readonly LaunchLabel[];
  readonly processes: readonly LaunchProcess[];
  readonly slices: readonly LaunchSlice[];
  readonly bom: readonly LegacyBomEntry[];
}

/** Reads `[[bom]]` entries (legacy BOM). */
export function readLegacyBom(f: Fields): LegacyBomEntry[] {
  return f.tables('bom').map((b) => {
    const version = b.optString('version');
    const metadata = b.optRawTable('metadata');
    return { name: b.optString('name') ?? '', ...(version ? { version } : {}), ...(metadata ? { metadata } : {}) };
  });
}

function readProcess(p: Fields, bpApi: ApiVersion): LaunchProcess {
  const type = p.string('type');
  let command: string[];
  let direct: boolean | undefined;
  if (bpApi.lessThan('0.9')) {
    // BL-14: BP<0.9 command is a string; direct defaults to false.
    command = [p.string('command')];
    direct = p.bool('direct', false);
  } else {
    // BL-14: BP≥0.9 command is an array of strings; the key `direct` is not allowed.
    if (p.has('direct')) p.fail('direct', 'is not supported by buildpack API ' + bpApi.toString() + ' (processes are always direct)');
    if (!Array.isArray(p.table['command'])) p.fail('command', p.has('command') ? 'expected an array of strings' : 'is required');
    command = p.stringArray('command');
  }
  if (command.length === 0 || command[0] === '') p.fail('command', 'must not be empty');
  const workingDir = p.optString('working-dir');
  const execEnv = bpApi.atLeast('0.12') && p.has('exec-env') ? p.stringArray('exec-env') : undefined;
  return {
    type,
    command,
    args: p.stringArray('args'),
    ...(direct !== undefined ? { direct } : {}),
    default: p.bool('default', false),
    ...(workingDir ? { workingDir } : {}),
    ...(execEnv ? { execEnv } : {}),
  };
}

/** Parses launch.toml text already decoded as TOML, for a buildpack of API `bpApi` (errors are ERR_TOML). */
export function launchTomlFromToml(file: string, raw: TomlTable, bpApi: ApiVersion): LaunchToml {
  const f = new Fields(file, raw);
  return {
    labels: f.tables('labels').map((l) => ({ key: l.string('key'), value: l.optString('value') ?? '' })),
    processes: f.tables('processes').map((p) => readProcess(p, bpApi)),
    slices: f.tables('slices').map((s) => ({ paths: s.stringArray('paths') })),
    bom: readLegacyBom(f),
  };
}

/** Reads launch.toml; undefined when the buildpack did not write one. */
export async function readLaunchToml(file: string, bpApi: ApiVersion): Promise<LaunchToml | undefined> {
  const raw = await readTomlIfExists(file);
  return raw === undefined ? undefined : launchTomlFromToml(file, raw, bpApi);
}
