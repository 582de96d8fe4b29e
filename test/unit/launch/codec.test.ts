import { describe, expect, it } from 'vitest';
import { decodeLaunchDescription, encodeLaunchDescription, type LaunchDescription } from '../../../src/launch/index.js';

const DESC: LaunchDescription = {
  appDir: '/workspace',
  defaultType: 'web',
  buildpacks: [{ id: 'acme/node', api: '0.12' }],
  processes: [
    {
      type: 'web',
      buildpackId: 'acme/node',
      command: ['node', 'server.js'],
      args: ['--port', '8080'],
      direct: true,
      argsMode: 'replace',
      workingDir: '',
      isDefault: true,
      execEnv: ['production', '*'],
    },
  ],
  ops: [
    { kind: 'root', name: 'PATH', path: 'acme_node/node/bin' },
    { kind: 'env', scope: '', action: 'append', name: 'NODE_OPTIONS', value: 'multi\nline é', delim: ' ' },
    { kind: 'env', scope: 'web', action: 'override', name: 'PORT', value: '', delim: '' },
    { kind: 'execd', scope: '', path: 'acme_node/node/exec.d/memory' },
    { kind: 'profile', scope: 'web', path: 'acme_node/node/profile.d/web/x.sh' },
    { kind: 'scan', what: 'env', path: 'acme_node/reused' },
  ],
};

describe('launch description codec', () => {
  it('encodes length-prefixed records (UTF-8 byte lengths) and decodes them back', () => {
    const bytes = encodeLaunchDescription(DESC);
    const text = bytes.toString('utf8');
    expect(text.startsWith('cnb-launch-desc 1\napp 10:/workspace\ndefault 3:web\nbp 9:acme/node 4:0.12\n')).toBe(true);
    expect(text).toContain('proc 3:web 9:acme/node 1:1 1:r 0: 1:1\ncmd 4:node\ncmd 9:server.js\narg 6:--port\narg 4:8080\nxenv 10:production\nxenv 1:*\n');
    expect(text).toContain('env 0: 6:append 12:NODE_OPTIONS 13:multi\nline é 1: \n');
    expect(decodeLaunchDescription(bytes)).toEqual(DESC);
  });

  it('is deterministic', () => {
    expect(encodeLaunchDescription(DESC).equals(encodeLaunchDescription(structuredClone(DESC)))).toBe(true);
  });

  it('rejects a NUL byte in a field at encode time', () => {
    expect(() => encodeLaunchDescription({ ...DESC, appDir: 'a\0b' })).toThrow(/NUL/);
  });

  const bad: [string, string][] = [
    ['no header', 'app 1:/\n'],
    ['a wrong version', 'cnb-launch-desc 2\n'],
    ['a truncated field', 'cnb-launch-desc 1\napp 10:/w\n'],
    ['a missing newline', 'cnb-launch-desc 1\napp 1:/'],
    ['an unknown tag', 'cnb-launch-desc 1\nfoo 1:x\n'],
    ['a bad length', 'cnb-launch-desc 1\napp x:/\n'],
    ['a 10-digit length', 'cnb-launch-desc 1\napp 0000000001:/\n'],
    ['cmd before proc', 'cnb-launch-desc 1\ncmd 1:x\n'],
    ['a wrong field count', 'cnb-launch-desc 1\nbp 1:x\n'],
    ['an unknown env action', 'cnb-launch-desc 1\nenv 0: 3:set 1:A 1:b 0:\n'],
  ];
  for (const [what, text] of bad) {
    it(`rejects ${what} (ERR_LAUNCH)`, () => {
      expect(() => decodeLaunchDescription(Buffer.from(text))).toThrow(expect.objectContaining({ code: 'ERR_LAUNCH' }));
    });
  }
});
