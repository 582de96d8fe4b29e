/** Platform API knowledge: versions, the flag catalog and input resolution, file formats. */
export * from './api-version.js';
export { InputResolver, parseGoBool, type FlagDef, type FlagSpec, type FlagKind, type ParsedArgs } from './inputs.js';
export { catalogFlags, COMMON_FLAGS } from './flag-catalog.js';
export { Fields } from './files/fields.js';
export { parseToml, readToml, readTomlIfExists, stringifyToml, writeToml, type TomlTable } from './files/toml-file.js';
export { readGroup, writeGroup, type Group, type GroupElement } from './files/group.js';
