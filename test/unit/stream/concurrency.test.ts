import { describe, expect, it } from 'vitest';
import { limitConcurrency, mapConcurrent } from '../../../src/stream/index.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('limitConcurrency', () => {
  it('never runs more than max tasks at once and runs them all', async () => {
    const limit = limitConcurrency(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        limit(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(2);
  });

  it('a failing task rejects only its own caller', async () => {
    const limit = limitConcurrency(1);
    const bad = limit(async () => {
      throw new Error('x');
    });
    const good = limit(async () => 5);
    await expect(bad).rejects.toThrow('x');
    await expect(good).resolves.toBe(5);
  });
});

describe('mapConcurrent', () => {
  it('keeps input order with bounded parallelism', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 4, 3, 2, 1], 3, async (x) => {
      running++;
      peak = Math.max(peak, running);
      for (let i = 0; i < x; i++) await tick();
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 40, 30, 20, 10]);
    expect(peak).toBe(3);
  });
  it('rejects on the first failure', async () => {
    await expect(mapConcurrent([1, 2], 2, async (x) => { if (x === 2) throw new Error('two'); return x; })).rejects.toThrow('two');
  });
});
