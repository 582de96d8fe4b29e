import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBuildPlan, planCandidates, readPlan, writePlan, type Plan } from '../../../../src/platform/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plan-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('plan.toml (FMT-PLAN)', () => {
  it('FMT-04 round-trips with REF keys; extension only when true; empty entries allowed', async () => {
    const file = join(dir, 'plan.toml');
    const plan: Plan = {
      entries: [
        {
          providers: [{ id: 'a', version: '1' }, { id: 'e', version: '2', extension: true }],
          requires: [{ name: 'x', metadata: { v: '1', nested: { k: true } } }, { name: 'x' }],
        },
      ],
    };
    await writePlan(file, plan);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('[[entries.providers]]');
    expect(text).toContain('extension = true');
    expect(text.match(/extension/g)).toHaveLength(1);
    expect(await readPlan(file)).toEqual(plan);
    await writePlan(file, { entries: [] });
    expect(await readPlan(file)).toEqual({ entries: [] });
  });
});

describe('Build Plan (detect output, FMT-05)', () => {
  it('FMT-05/DT-14 top-level pair first, then each [[or]]', () => {
    const p = parseBuildPlan('[[provides]]\nname = "a"\n[[requires]]\nname = "a"\n[requires.metadata]\nx = 1\n[[or]]\n[[or.provides]]\nname = "b"\n', '/p.toml');
    expect(planCandidates(p)).toEqual([
      { requires: [{ name: 'a', metadata: { x: 1 } }], provides: [{ name: 'a' }] },
      { requires: [], provides: [{ name: 'b' }] },
    ]);
    expect(parseBuildPlan('', '/p.toml')).toEqual({ requires: [], provides: [], or: [] });
  });

  it('DT-13 invalid TOML is ERR_TOML naming the file', () => {
    expect(() => parseBuildPlan('[[requires]\n', '/x/plan.toml')).toThrow(/\/x\/plan\.toml/);
  });
});
