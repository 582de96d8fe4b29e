import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCH_DESC_MAGIC, LAUNCH_DESCRIPTION_PATH } from '../../../src/launch/index.js';
import { SUPPORTED_BUILDPACK_APIS, SUPPORTED_PLATFORM_APIS } from '../../../src/platform/index.js';

const header = readFileSync(join(import.meta.dirname, '..', '..', '..', 'phases', 'launcher', 'launcher.h'), 'utf8');
const define = (name: string) => new RegExp(`#define ${name} "([^"]*)"`).exec(header)?.[1];

describe('phases/launcher/launcher.h agrees with the TypeScript side', () => {
  it('LN-14 supported Platform and Buildpack APIs', () => {
    expect(define('LN_SUPPORTED_PLATFORM_APIS')?.split(' ')).toEqual([...SUPPORTED_PLATFORM_APIS]);
    expect(define('LN_SUPPORTED_BUILDPACK_APIS')?.split(' ')).toEqual([...SUPPORTED_BUILDPACK_APIS]);
  });

  it('description path and header line', () => {
    expect(define('LN_DESC_PATH')).toBe(LAUNCH_DESCRIPTION_PATH);
    expect(define('LN_DESC_MAGIC')).toBe(LAUNCH_DESC_MAGIC);
  });
});
