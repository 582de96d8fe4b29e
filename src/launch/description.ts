import type { EnvAction } from '../env/index.js';

/**
 * The launch description: everything the native launcher (phases/launcher, C) needs, pre-digested at
 * export time from `<layers>/config/metadata.toml` and the launch layer directories, so the launcher
 * parses no TOML (DESIGN "The launcher is the one native part"). Encoded by `encodeLaunchDescription`
 * into `<layers>/config/launch.desc` (docs/launcher.md). Paths in ops are relative to `<layers>` and use
 * `/`; the launcher joins them with the run-time `CNB_LAYERS_DIR`.
 */
export interface LaunchDescription {
  /** `<app>` at export time; the launcher uses it only when `CNB_APP_DIR` is unset. */
  readonly appDir: string;
  /** `buildpack-default-process-type` (informational: the default is selected by ENTRYPOINT, LN-06). */
  readonly defaultType?: string;
  /** `[[buildpacks]]` in metadata order, for the LN-14 buildpack API check. */
  readonly buildpacks: readonly DescBuildpack[];
  readonly processes: readonly DescProcess[];
  /** Ordered operations; the launcher applies each kind in file order (see `DescOp`). */
  readonly ops: readonly DescOp[];
}

/** A buildpack of the image: its ID and Buildpack API. */
export interface DescBuildpack {
  readonly id: string;
  readonly api: string;
}

/** A buildpack-provided process (FMT-METADATA), with the API-dependent decisions made (LN-03/LN-04). */
export interface DescProcess {
  readonly type: string;
  readonly buildpackId: string;
  /** `command[0]` executable, then always-passed arguments. */
  readonly command: readonly string[];
  /** Default arguments. */
  readonly args: readonly string[];
  /** LN-03/LN-04: true for BP≥0.9 processes, else the metadata `direct` value. */
  readonly direct: boolean;
  /** LN-03: with Platform ≥0.10, `replace` means user args replace `args` (BP≥0.9 or a multi-element command). */
  readonly argsMode: 'replace' | 'append';
  /** LN-02: "" means `<app>`. */
  readonly workingDir: string;
  readonly isDefault: boolean;
  /** LN-01 (≥0.15): eligible execution environments; empty means all. */
  readonly execEnv: readonly string[];
}

/** What a `scan` op asks the launcher to read at run time from a layer absent at export (EP-05 reuse). */
export type ScanKind = 'root' | 'env' | 'execd' | 'profile';

/**
 * One ordered operation. `scope` is "" for every process (including user-provided ones) or a process
 * type (EF-10 `env.launch/<type>/`, LN-09 `exec.d/<type>/`, LN-11 `profile.d/<type>/`).
 * - `root`: prepend `<layers>/<path>` to `name` with the OS path list separator (LN-08, ENV-12).
 * - `env`: one env file (EF-01..EF-07): `value` verbatim, `delim` from `<NAME>.delim` ("" if none).
 * - `execd` / `profile`: one program / script, `<layers>/<path>` (LN-09 / LN-11, ERRATA-11 order).
 * - `scan`: a reused layer `<layers>/<path>` whose files are read by the launcher at run time.
 */
export type DescOp =
  | { readonly kind: 'root'; readonly name: string; readonly path: string }
  | { readonly kind: 'env'; readonly scope: string; readonly action: EnvAction; readonly name: string; readonly value: string; readonly delim: string }
  | { readonly kind: 'execd'; readonly scope: string; readonly path: string }
  | { readonly kind: 'profile'; readonly scope: string; readonly path: string }
  | { readonly kind: 'scan'; readonly what: ScanKind; readonly path: string };

/** The description's location inside `<layers>` (it travels in the config layer, EP-10). */
export const LAUNCH_DESCRIPTION_PATH = 'config/launch.desc';
