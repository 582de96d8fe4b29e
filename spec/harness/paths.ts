import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built lifecycle directory, laid out as /cnb/lifecycle on a builder image. */
export const LIFECYCLE_DIR = process.env['CNB_TEST_LIFECYCLE_DIR'] ?? join(ROOT, 'dist', 'cnb', 'lifecycle');
/** Fixture buildpacks and apps. */
export const FIXTURES = join(ROOT, 'spec', 'fixtures');
