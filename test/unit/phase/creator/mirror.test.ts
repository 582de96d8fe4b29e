import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debianMirror, parseListFile, parseSourcesFile } from '../../../../scripts/run-images/mirror.js';

describe('run image generator: the Debian mirror comes from the apt sources', () => {
  it('parses one-line and deb822 sources', () => {
    expect(parseListFile('# c\ndeb [arch=amd64] http://m.example/debian bookworm main\ndeb-src http://x bookworm main\n')).toEqual([{ uri: 'http://m.example/debian', suites: ['bookworm'] }]);
    const deb822 = 'Types: deb\nURIs: http://m.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://s.example/debian-security\nSuites: bookworm-security\n';
    expect(parseSourcesFile(deb822).map((s) => s.uri)).toEqual(['http://m.example/debian', 'http://s.example/debian-security']);
  });

  it('picks the source serving exactly the suite; CNB_DEBIAN_MIRROR wins; none → error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apt-'));
    try {
      await mkdir(join(dir, 'sources.list.d'));
      await writeFile(join(dir, 'sources.list.d', 'a.sources'), 'Types: deb\nURIs: http://sec.example/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://m.example/debian\nSuites: bookworm\n');
      await writeFile(join(dir, 'sources.list.d', 'b.list.disabled'), 'deb http://no.example/debian bookworm main\n');
      expect(debianMirror('bookworm', {}, dir)).toBe('http://m.example/debian');
      expect(debianMirror('bookworm', { CNB_DEBIAN_MIRROR: 'http://forced.example/debian' }, dir)).toBe('http://forced.example/debian');
      expect(() => debianMirror('trixie', {}, dir)).toThrow(/no apt source for suite 'trixie'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
