import { Fields } from './fields.js';
import { readTomlIfExists, stringifyToml, writeToml } from './toml-file.js';

/** One build argument (`[[build.args]]` / `[[run.args]]`) of extend-config.toml. */
export interface ExtendArg {
  readonly name: string;
  readonly value: string;
}

/** extend-config.toml (extension output, GE-09): build args per Dockerfile kind. */
export interface ExtendConfig {
  readonly build: readonly ExtendArg[];
  readonly run: readonly ExtendArg[];
}

/** The build args the lifecycle itself provides (XT-02); user-supplied ones with these names are overridden (GE-09). */
export const RESERVED_BUILD_ARGS: readonly string[] = ['base_image', 'build_id', 'user_id', 'group_id'];

/**
 * Parses extend-config.toml contents read from `file`. GE-09: each arg needs a non-empty string `name` and a
 * string `value`; anything else is ERR_TOML naming the file and the field.
 */
export function parseExtendConfig(file: string, raw: Record<string, unknown>): ExtendConfig {
  const f = new Fields(file, raw);
  const args = (kind: 'build' | 'run'): ExtendArg[] =>
    (f.optTable(kind)?.tables('args') ?? []).map((a) => {
      const name = a.string('name');
      if (name === '') a.fail('name', 'must not be empty');
      return { name, value: a.string('value') };
    });
  return { build: args('build'), run: args('run') };
}

/** Reads extend-config.toml; a missing file reads as no args. */
export async function readExtendConfig(file: string): Promise<ExtendConfig> {
  const raw = await readTomlIfExists(file);
  return raw ? parseExtendConfig(file, raw) : { build: [], run: [] };
}

/** Encodes extend-config.toml (`[[build.args]]`, `[[run.args]]`; empty kinds omitted). */
export function extendConfigToToml(c: ExtendConfig): Record<string, unknown> {
  return {
    ...(c.build.length > 0 ? { build: { args: c.build.map((a) => ({ name: a.name, value: a.value })) } } : {}),
    ...(c.run.length > 0 ? { run: { args: c.run.map((a) => ({ name: a.name, value: a.value })) } } : {}),
  };
}

/** Writes extend-config.toml atomically (tests, and extensions written in TypeScript). */
export async function writeExtendConfig(file: string, c: ExtendConfig): Promise<void> {
  await writeToml(file, extendConfigToToml(c));
}

/** The TOML text of `c` (for messages and tests). */
export function extendConfigText(c: ExtendConfig): string {
  return stringifyToml(extendConfigToToml(c));
}
