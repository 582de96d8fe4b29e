declare const __LIFECYCLE_VERSION__: string | undefined;

/** The lifecycle version, stamped by the build (scripts/build.mjs); "0.0.0-dev" when run from source. */
export const LIFECYCLE_VERSION: string = typeof __LIFECYCLE_VERSION__ === 'string' ? __LIFECYCLE_VERSION__ : '0.0.0-dev';
