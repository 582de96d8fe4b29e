import { join } from 'node:path';
import { LifecycleError } from '../errors/index.js';
import { ApiVersion, checkBuildpackApi, Fields, orderFrom, readToml, type Order, type TomlTable } from '../platform/index.js';
import { moduleDir } from './paths.js';
import { inferTargets, stacksFrom, targetsFrom, type BuildpackTarget, type StackEntry } from './targets.js';

/** `[[buildpack.licenses]]` / `[[extension.licenses]]`. */
export interface License {
  readonly type?: string;
  readonly uri?: string;
}

/** What buildpack.toml and extension.toml have in common (FMT-BPTOML, FMT-EXTTOML). */
interface DescriptorBase {
  /** The declared Buildpack API, as written (e.g. "0.10"). */
  readonly api: string;
  /** The parsed, supported API (VER-04 checked on read). */
  readonly apiVersion: ApiVersion;
  readonly id: string;
  readonly version: string;
  readonly name?: string;
  readonly homepage?: string;
  readonly description?: string;
  readonly keywords: readonly string[];
  readonly licenses: readonly License[];
  /** `clear-env = true`: no `<platform>/env` variables in this module's environment (ENV-08). */
  readonly clearEnv: boolean;
  /** Declared execution environments (BP 0.12; both ERRATA-09 forms); empty means all. */
  readonly execEnv: readonly string[];
  /** `[[targets]]` as declared (BP≥0.10). */
  readonly declaredTargets: readonly BuildpackTarget[];
  /** Targets to match against (FMT-21): declared ones, else inferred from stacks or bin/build. */
  readonly targets: readonly BuildpackTarget[];
  readonly metadata?: TomlTable;
  /** Absolute root directory (`<buildpacks>/<escaped-id>/<version>`). */
  readonly dir: string;
  /** The descriptor file path (for messages). */
  readonly file: string;
}

/** A buildpack descriptor (buildpack.toml). */
export interface BuildpackDescriptor extends DescriptorBase {
  readonly kind: 'buildpack';
  /** SBOM media types the buildpack may write (BP≥0.7). */
  readonly sbomFormats: readonly string[];
  /** Deprecated `[[stacks]]` (BP<0.10). */
  readonly stacks: readonly StackEntry[];
  /** `[[order]]` of a composite buildpack (FMT-22); empty for a component buildpack. */
  readonly order: Order;
}

/** An image extension descriptor (extension.toml). */
export interface ExtensionDescriptor extends DescriptorBase {
  readonly kind: 'extension';
}

/** Either kind of module descriptor. */
export type ModuleDescriptor = BuildpackDescriptor | ExtensionDescriptor;

/** True for a composite buildpack (one with `[[order]]`). */
export function isComposite(d: ModuleDescriptor): d is BuildpackDescriptor {
  return d.kind === 'buildpack' && d.order.length > 0;
}

/** ERRATA-09: `[buildpack] exec-env = ["a"]` (REF) or `[[buildpack.exec-env]] name = "a"` (spec). */
function execEnvFrom(f: Fields): string[] {
  const v = f.table['exec-env'];
  if (v === undefined) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return f.tables('exec-env').map((t) => t.string('name'));
}

async function parseCommon(file: string, raw: TomlTable, dir: string, section: 'buildpack' | 'extension', ref?: { id: string; version: string }) {
  const top = new Fields(file, raw);
  const info = top.optTable(section) ?? new Fields(file, {}, section);
  const id = info.optString('id') ?? ref?.id ?? '';
  const version = info.optString('version') ?? ref?.version ?? '';
  const apiText = top.optString('api');
  const apiVersion = checkBuildpackApi(apiText, `${section} ${id}@${version}`, file); // VER-04: exit 12
  const stacks = stacksFrom(top);
  const declaredTargets = targetsFrom(top);
  const targets = declaredTargets.length > 0 ? declaredTargets : await inferTargets(dir, stacks);
  const name = info.optString('name');
  const homepage = info.optString('homepage');
  const description = info.optString('description');
  const metadata = top.optRawTable('metadata');
  const common = {
    api: apiText ?? '',
    apiVersion,
    id,
    version,
    ...(name !== undefined ? { name } : {}),
    ...(homepage ? { homepage } : {}),
    ...(description !== undefined ? { description } : {}),
    keywords: info.stringArray('keywords'),
    licenses: info.tables('licenses').map((l) => ({ type: l.optString('type'), uri: l.optString('uri') })),
    clearEnv: info.bool('clear-env'),
    execEnv: execEnvFrom(info),
    declaredTargets,
    targets,
    ...(metadata ? { metadata } : {}),
    dir,
    file,
  };
  return { top, info, stacks, common };
}

/**
 * Parses buildpack.toml text already read from `file` in buildpack root `dir`. Throws ERR_BUILDPACK_API
 * (exit 12) for a missing or unsupported `api`, ERR_TOML naming file and field for malformed fields.
 */
export async function parseBuildpackDescriptor(file: string, raw: TomlTable, dir: string, ref?: { id: string; version: string }): Promise<BuildpackDescriptor> {
  const { top, info, stacks, common } = await parseCommon(file, raw, dir, 'buildpack', ref);
  return { kind: 'buildpack', ...common, sbomFormats: info.stringArray('sbom-formats'), stacks, order: orderFrom(top, 'order') };
}

/** Parses extension.toml (FMT-EXTTOML); an `[[order]]` is rejected (FMT-24). */
export async function parseExtensionDescriptor(file: string, raw: TomlTable, dir: string, ref?: { id: string; version: string }): Promise<ExtensionDescriptor> {
  const { top, common } = await parseCommon(file, raw, dir, 'extension', ref);
  if (top.has('order')) top.fail('order', 'an extension cannot contain an order (FMT-24)');
  return { kind: 'extension', ...common };
}

async function readDescriptorFile(file: string, what: string): Promise<TomlTable> {
  try {
    return await readToml(file);
  } catch (e) {
    if (e instanceof LifecycleError && e.code === 'ERR_IO') {
      throw new LifecycleError('ERR_IO', `${what}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/**
 * Reads `<buildpacksDir>/<escaped-id>/<version>/buildpack.toml` (§0 path escaping). A missing directory or
 * file is ERR_IO naming the buildpack and file; an unsupported API is ERR_BUILDPACK_API (exit 12).
 */
export async function readBuildpackDescriptor(buildpacksDir: string, id: string, version: string): Promise<BuildpackDescriptor> {
  const dir = moduleDir(buildpacksDir, id, version);
  const file = join(dir, 'buildpack.toml');
  return parseBuildpackDescriptor(file, await readDescriptorFile(file, `buildpack ${id}@${version}`), dir, { id, version });
}

/** Reads `<extensionsDir>/<escaped-id>/<version>/extension.toml` (same rules as buildpacks). */
export async function readExtensionDescriptor(extensionsDir: string, id: string, version: string): Promise<ExtensionDescriptor> {
  const dir = moduleDir(extensionsDir, id, version);
  const file = join(dir, 'extension.toml');
  return parseExtensionDescriptor(file, await readDescriptorFile(file, `extension ${id}@${version}`), dir, { id, version });
}

/**
 * Reads the descriptor of a group element of either kind from its root directory (`buildpacksDir` or
 * `extensionsDir` by `extension`).
 */
export function readModuleDescriptor(
  dirs: { readonly buildpacks: string; readonly extensions?: string },
  ref: { readonly id: string; readonly version: string; readonly extension?: boolean },
): Promise<ModuleDescriptor> {
  if (ref.extension) {
    if (!dirs.extensions) throw new LifecycleError('ERR_INVALID_ARGS', `extension ${ref.id}@${ref.version}: no extensions directory given`);
    return readExtensionDescriptor(dirs.extensions, ref.id, ref.version);
  }
  return readBuildpackDescriptor(dirs.buildpacks, ref.id, ref.version);
}

/**
 * BP 0.12 / DT-24: true when the module applies to execution environment `execEnv`: it declares none
 * ([REF] all), declares `*`, or declares `execEnv`. Declarations are honoured only for BP≥0.12 ([REF]).
 */
export function supportsExecEnv(d: ModuleDescriptor, execEnv: string): boolean {
  if (d.apiVersion.lessThan('0.12') || d.execEnv.length === 0) return true;
  return d.execEnv.includes('*') || d.execEnv.includes(execEnv);
}
