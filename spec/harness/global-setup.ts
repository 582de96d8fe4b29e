import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { LIFECYCLE_DIR, ROOT } from './paths.js';
import { join } from 'node:path';

/** Builds dist/ once when it is missing (scripts/test-all.sh builds it first; this covers `npm run test:spec`). */
export default function setup(): void {
  if (!existsSync(join(LIFECYCLE_DIR, 'lifecycle'))) {
    execFileSync('node', [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  }
}
