import { Fields } from './fields.js';
import { readToml } from './toml-file.js';

/**
 * A reference to a buildpack or extension in an order (FMT-ORDER `[[order.group]]`, buildpack.toml
 * `[[order.group]]`, system.toml entries). `optional` defaults to false (FMT-01).
 */
export interface ModuleRef {
  readonly id: string;
  readonly version: string;
  readonly optional: boolean;
  /** True for image extensions (`[[order-extensions]]`); extensions are always optional ([REF] FMT-01). */
  readonly extension?: boolean;
  /** BP 0.12 `exec-env` on an order group entry (spec only; [REF] ignores it, ERRATA-09). */
  readonly execEnv?: readonly string[];
}

/** One group of an order: the references tried together. */
export type OrderGroup = readonly ModuleRef[];

/** An order: the groups tried in sequence (the first passing one wins, DT-11). */
export type Order = readonly OrderGroup[];

/** order.toml contents: buildpack groups and (≥0.10) extension groups. */
export interface OrderFile {
  readonly order: Order;
  readonly orderExtensions: Order;
}

/** Reads one `{id, version, optional}` reference; `id` is required (FMT-01). */
export function moduleRefFrom(f: Fields, extension = false): ModuleRef {
  const id = f.string('id');
  if (id === '') f.fail('id', 'must not be empty');
  const execEnv = f.has('exec-env') ? f.stringArray('exec-env') : undefined;
  return {
    id,
    version: f.optString('version') ?? '',
    optional: extension ? true : f.bool('optional'),
    ...(extension ? { extension: true } : {}),
    ...(execEnv ? { execEnv } : {}),
  };
}

/** Reads `[[<key>]] [[<key>.group]]` tables (order.toml, buildpack.toml `[[order]]`). */
export function orderFrom(f: Fields, key: string, extension = false): Order {
  return f.tables(key).map((g) => g.tables('group').map((e) => moduleRefFrom(e, extension)));
}

/** Parses an order table already read from `file`. */
export function parseOrder(file: string, table: Record<string, unknown>): OrderFile {
  const f = new Fields(file, table);
  return { order: orderFrom(f, 'order'), orderExtensions: orderFrom(f, 'order-extensions', true) };
}

/**
 * Reads order.toml (FMT-ORDER). A missing file is ERR_IO and malformed TOML or fields ERR_TOML, each
 * naming the file. `[[order-extensions]]` entries are marked `extension` and `optional` (FMT-01).
 */
export async function readOrder(file: string): Promise<OrderFile> {
  return parseOrder(file, await readToml(file));
}

/** "id@version", as REF prints a group element. */
export function refString(r: { readonly id: string; readonly version: string }): string {
  return `${r.id}@${r.version}`;
}
