import { describe, expect, it } from 'vitest';
import { once, SingleFlight } from '../../../src/stream/index.js';

describe('once / SingleFlight', () => {
  it('concurrent calls share one run; success is cached', async () => {
    let runs = 0;
    const f = once(async () => ++runs);
    expect(await Promise.all([f(), f(), f()])).toEqual([1, 1, 1]);
    expect(await f()).toBe(1);
  });

  it('a failure is not cached', async () => {
    let runs = 0;
    const f = once(async () => {
      runs++;
      if (runs === 1) throw new Error('first');
      return runs;
    });
    await expect(f()).rejects.toThrow('first');
    expect(await f()).toBe(2);
  });

  it('SingleFlight is per key', async () => {
    const sf = new SingleFlight<string, number>();
    let runs = 0;
    const [a, b, c] = await Promise.all([sf.do('a', async () => ++runs), sf.do('a', async () => ++runs), sf.do('b', async () => ++runs)]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(runs).toBe(2);
  });
});
