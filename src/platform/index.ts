/** Platform API knowledge: versions, the flag catalog and input resolution, file formats. */
export * from './api-version.js';
export { InputResolver, parseGoBool, type FlagDef, type FlagSpec, type FlagKind, type ParsedArgs } from './inputs.js';
export { catalogFlags, COMMON_FLAGS } from './flag-catalog.js';
export { Fields } from './files/fields.js';
export { parseToml, readToml, readTomlIfExists, stringifyToml, writeToml, type TomlTable } from './files/toml-file.js';
export { readGroup, writeGroup, type Group, type GroupElement } from './files/group.js';
export * from './files/lifecycle-metadata.js';
export * from './files/target.js';
export * from './files/analyzed.js';
export * from './files/report.js';
export * from './files/run.js';
export * from './files/project-metadata.js';
export * from './labels.js';
export { capabilitiesFor, type PlatformCapabilities } from './capabilities.js';
