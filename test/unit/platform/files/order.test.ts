import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOrder } from '../../../../src/platform/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'order-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('order.toml (FMT-ORDER)', () => {
  it('FMT-01 reads groups; optional defaults to false; order-extensions are optional extensions', async () => {
    const file = join(dir, 'order.toml');
    await writeFile(
      file,
      '[[order]]\n[[order.group]]\nid = "a"\nversion = "1"\noptional = true\n[[order.group]]\nid = "b"\nversion = "2"\n' +
        '[[order-extensions]]\n[[order-extensions.group]]\nid = "e"\nversion = "3"\n',
    );
    expect(await readOrder(file)).toEqual({
      order: [
        [
          { id: 'a', version: '1', optional: true },
          { id: 'b', version: '2', optional: false },
        ],
      ],
      orderExtensions: [[{ id: 'e', version: '3', optional: true, extension: true }]],
    });
  });

  it('FMT-01 a missing id is ERR_TOML naming the file and field', async () => {
    const file = join(dir, 'order.toml');
    await writeFile(file, '[[order]]\n[[order.group]]\nversion = "1"\n');
    await expect(readOrder(file)).rejects.toMatchObject({ code: 'ERR_TOML', message: `${file}: order[0].group[0].id: is required` });
  });

  it('malformed TOML is ERR_TOML naming the file; a missing file ERR_IO', async () => {
    const file = join(dir, 'order.toml');
    await writeFile(file, '[[order]\n');
    await expect(readOrder(file)).rejects.toMatchObject({ code: 'ERR_TOML', message: expect.stringContaining(file) });
    await expect(readOrder(join(dir, 'none.toml'))).rejects.toMatchObject({ code: 'ERR_IO' });
  });
});
