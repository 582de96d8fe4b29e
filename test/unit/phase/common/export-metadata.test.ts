import { describe, expect, it } from 'vitest';
import { imageCreatedTime, lifecycleLauncherInfo, refuseRoot } from '../../../../src/phase/index.js';
import { ApiVersion } from '../../../../src/platform/index.js';
import { isRoot, NORMALIZED_TIME } from '../../../../src/sys/index.js';

describe('EP-20 image creation time', () => {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);

  it('uses SOURCE_DATE_EPOCH from Platform 0.9, the 1980 constant before or when unset', () => {
    expect(imageCreatedTime(ApiVersion.parse('0.9'), '1700000000', warn).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(imageCreatedTime(ApiVersion.parse('0.8'), '1700000000', warn)).toBe(NORMALIZED_TIME);
    expect(imageCreatedTime(ApiVersion.parse('0.15'), undefined, warn)).toBe(NORMALIZED_TIME);
  });

  it('an unparsable value only warns and falls back to the constant', () => {
    expect(imageCreatedTime(ApiVersion.parse('0.15'), 'yesterday', warn)).toBe(NORMALIZED_TIME);
    expect(warnings.at(-1)).toContain("Ignoring invalid SOURCE_DATE_EPOCH 'yesterday'");
  });
});

describe('LBL-08 launcher info and GEN-12', () => {
  it('names the lifecycle version as the launcher version', () => {
    expect(lifecycleLauncherInfo('1.2.3')).toEqual({ version: '1.2.3', source: { git: { repository: 'cnb-lifecycle-ts', commit: '' } } });
  });

  it('refuseRoot throws exactly when running as root', () => {
    if (isRoot()) expect(() => refuseRoot()).toThrow('refusing to run as root');
    else expect(() => refuseRoot()).not.toThrow();
  });
});
