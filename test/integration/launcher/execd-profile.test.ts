import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLauncher, makeImage, parseShow, run, script, SHOW_APP, type FileSpec, type ImageSpec, type TestImage } from './fixture.js';

let dir: string;
let launcher: string;
const images: TestImage[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ln-execd-'));
  launcher = buildLauncher(dir);
});
afterAll(async () => {
  for (const i of images) await i.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function image(s: ImageSpec): Promise<TestImage> {
  const img = await makeImage(launcher, s);
  images.push(img);
  return img;
}

/** An exec.d program appending `tag` to ORDER via fd 3. */
const order = (tag: string): FileSpec => script(`printf 'ORDER = "%s%s "\\n' "$ORDER" "${tag}" >&3`);

const EXECD: ImageSpec = {
  buildpacks: [
    {
      id: 'acme/one',
      layers: {
        a: {
          files: {
            'bin/show': SHOW_APP,
            'env/FROM_ENV': 'env-file',
            'exec.d/01-a': order('a1'),
            'exec.d/02-seen': script(
              [
                `printf 'SEEN_BPL = "%s"\\nSEEN_PWD = "%s"\\nSEEN_ENV = "%s"\\n' "$BPL_X" "$(pwd)" "$FROM_ENV" >&3`,
                `echo "exec.d says hi on stderr" >&2`,
                `printf '# a comment\\n\\nESC = "tab\\\\there \\\\"q\\\\" \\\\u00e9 back\\\\\\\\slash"   # trailing\\nLIT = '"'"'C:\\\\raw'"'"'\\n' >&3`,
              ].join('\n'),
            ),
            'exec.d/web/w1': order('aw1'),
            'exec.d/other/o1': order('never'),
          },
        },
        b: { files: { 'exec.d/b1': order('b1') } },
      },
    },
  ],
  processes: [
    { type: 'web', command: ['show'], buildpackId: 'acme/one' },
    { type: 'other', command: ['show'], buildpackId: 'acme/one' },
  ],
};

const PROFILE: ImageSpec = {
  buildpacks: [
    {
      id: 'acme/legacy',
      api: '0.8',
      layers: {
        a: {
          files: {
            'bin/show': SHOW_APP,
            'profile.d/01.sh': 'export PROF="$PROF,a"; export SELF0="$0"\n',
            'profile.d/sh-proc/02.sh': 'export PROF="$PROF,at"\n',
            'profile.d/web/x.sh': 'export PROF="$PROF,web"\n',
          },
        },
        b: { files: { 'profile.d/b.sh': 'export PROF="$PROF,b"\n' } },
      },
    },
    { id: 'acme/modern', api: '0.12' },
  ],
  processes: [
    { type: 'sh-proc', command: ['show'], args: ['$PROF'], direct: false, workingDir: 'sub', buildpackId: 'acme/legacy' },
    { type: 'web', command: ['show'], buildpackId: 'acme/modern' },
  ],
  appFiles: { 'sub/.keep': '', '.profile': 'export PROF="$PROF,app"; export PROFILE_PWD="$(pwd)"\n' },
};

describe('launcher exec.d', () => {
  it('LN-09 exec.d programs run in order, per layer <dir>/* then <dir>/<type>/* (ERRATA-11)', async () => {
    const img = await image(EXECD);
    const r = run(img, { type: 'web' });
    expect(r.status).toBe(0);
    expect(parseShow(r.stdout).env['ORDER']).toBe('a1 aw1 b1 ');
    const user = parseShow(run(img, { args: ['--', 'show'] }).stdout).env;
    expect(user['ORDER']).toBe('a1 b1 '); // LN-05: no process-type exec.d for user commands
  });

  it('LN-09 exec.d sees the launch env and BPL_* (LN-15), runs in <app>, logs pass through', async () => {
    const img = await image(EXECD);
    const r = run(img, { type: 'web', env: { BPL_X: 'on' } });
    const env = parseShow(r.stdout).env;
    expect(env['SEEN_BPL']).toBe('on');
    expect(env['SEEN_PWD']).toBe(img.app);
    expect(env['SEEN_ENV']).toBe('env-file');
    expect(r.stderr).toContain('exec.d says hi on stderr');
  });

  it('LN-09 the fd 3 TOML: basic-string escapes, comments and literal strings', async () => {
    const env = parseShow(run(await image(EXECD), { type: 'web' }).stdout).env;
    expect(env['ESC']).toBe('tab\there "q" \u00e9 back\\slash');
    expect(env['LIT']).toBe('C:\\raw');
  });

  const failing: [string, FileSpec, string][] = [
    ['exits non-zero', script('exit 3'), 'exited with code 3'],
    ['writes a non-string value', script(`echo 'N = 1' >&3`), 'value must be a string'],
    ['writes a table', script(`printf '[t]\\nA = "b"\\n' >&3`), 'tables are not allowed'],
    ['writes an unterminated string', script(`echo 'A = "b' >&3`), 'unterminated string'],
    ['writes a duplicate key', script(`printf 'A = "1"\\nA = "2"\\n' >&3`), 'duplicate key'],
    ['is not executable', { text: '#!/bin/sh\n', mode: 0o644 }, 'exited with code 127'],
  ];
  for (const [what, prog, msg] of failing) {
    it(`LN-10 an exec.d program that ${what} fails the launch with 82`, async () => {
      const img = await image({
        buildpacks: [{ id: 'acme/x', layers: { l: { files: { 'bin/show': SHOW_APP, 'exec.d/p': prog } } } }],
        processes: [{ type: 'web', command: ['show'], buildpackId: 'acme/x' }],
      });
      const r = run(img, { type: 'web' });
      expect(r.status).toBe(82);
      expect(r.stderr).toContain(msg);
      expect(r.stdout).not.toContain('@pwd=');
    });
  }
});

describe('launcher profile.d (shell processes)', () => {
  it('LN-11 one shell sources profile.d/*, profile.d/<type>/*, <app>/.profile in <app>, then cds to working-dir', async () => {
    const img = await image(PROFILE);
    const r = run(img, { type: 'sh-proc' });
    expect(r.status).toBe(0);
    const s = parseShow(r.stdout);
    expect(s.env['PROF']).toBe(',a,at,b,app');
    expect(s.env['PROFILE_PWD']).toBe(img.app);
    expect(s.pwd).toBe(join(img.app, 'sub'));
    expect(s.args).toEqual([',a,at,b,app']); // [REF] args are shell-evaluated after the profiles
    expect(s.env['SELF0']).toBe(join(img.root, 'cnb', 'process', 'sh-proc')); // $0 of the profiles is the launcher
  });

  it('LN-11 direct processes source no profile scripts', async () => {
    const img = await image(PROFILE);
    const s = parseShow(run(img, { type: 'web' }).stdout);
    expect(s.env['PROF']).toBeUndefined();
    const u = parseShow(run(img, { args: ['--', 'show'] }).stdout);
    expect(u.env['PROF']).toBeUndefined();
  });

  it('LN-11 a user shell command sources profile.d/* and .profile, not a process type dir', async () => {
    const s = parseShow(run(await image(PROFILE), { args: ['show'] }).stdout);
    expect(s.env['PROF']).toBe(',a,b,app');
  });
});
