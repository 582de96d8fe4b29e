// Bench 6: lifecycle overhead. (a) `creator` on a hello-world buildpack into an OCI layout (-layout, no
// cache, fresh <layers> and no previous app image each run), whole process timed, minus the time of the
// buildpack's own processes (bin/detect and bin/build, each timed on its own in the same runs): target < 1 s.
// (b) Launcher start overhead over a direct exec, measured by bench/launcher/run.sh (hyperfine): < 5 ms.
// Env: ROUNDS (default 10).
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, fmtS, machine, ROOT, sectionHead, sh, stats, tempDir, writeSection } from '../lib/harness.mjs';
import { buildLifecycle, chownR, LIFECYCLE, pushRunImage, workspace } from '../lib/cnb.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const m = machine();
const tmp = tempDir('overhead');
chmodSync(tmp, 0o755);
await buildLifecycle(tmp);
const layout = join(tmp, 'layout');
mkdirSync(layout);
const RUN = 'bench.local/run/busybox:latest';
const APP = 'bench.local/hello/app:latest';
pushRunImage({ layoutDir: { dir: layout, ref: RUN } });
chownR(layout); // creator writes the app image into the layout as the build user (as scripts/demo.sh)

// The hello-world buildpack: detect passes, build declares one process. Each script appends its own
// start/end times (bash builtins, no child process) so its time can be subtracted.
const bpDir = join(tmp, 'buildpacks', 'bench_hello', '0.0.1');
mkdirSync(join(bpDir, 'bin'), { recursive: true });
const times = join(tmp, 'bp-times');
mkdirSync(times);
chownR(times);
writeFileSync(join(bpDir, 'buildpack.toml'), 'api = "0.12"\n\n[buildpack]\nid = "bench/hello"\nversion = "0.0.1"\n\n[[targets]]\nos = "linux"\n');
writeFileSync(join(bpDir, 'bin', 'detect'), `#!/bin/sh\nexit 0\n`);
writeFileSync(join(bpDir, 'bin', 'build'), `#!/bin/sh\nset -eu\nlayers="\${CNB_LAYERS_DIR:-$1}"\necho "hello, world"\nprintf '[[processes]]\\ntype = "web"\\ncommand = ["echo", "hello, world"]\\ndefault = true\\n' > "$layers/launch.toml"\n`);
chmodSync(join(bpDir, 'bin', 'detect'), 0o755);
chmodSync(join(bpDir, 'bin', 'build'), 0o755);
const order = join(tmp, 'buildpacks', 'order.toml');
writeFileSync(order, '[[order]]\n  [[order.group]]\n  id = "bench/hello"\n  version = "0.0.1"\n');
const ws = workspace(join(tmp, 'ws'));

const envs = `env -i PATH=${process.env.PATH} HOME=/root CNB_PLATFORM_API=0.15 CNB_EXPERIMENTAL_MODE=warn CNB_USER_ID=1000 CNB_GROUP_ID=1000`;
const creatorCmd = `${envs} ${join(LIFECYCLE, 'creator')} -layout -layout-dir ${layout} -run-image ${RUN} -app ${ws.app} -layers ${ws.layers} -platform ${ws.platform} -buildpacks ${join(tmp, 'buildpacks')} -order ${order} -launcher ${join(LIFECYCLE, 'launcher')} -launcher-sbom ${LIFECYCLE} ${APP} > /dev/null`;
// The buildpack's own processes, as the builder runs them (the build user, the layers dir, a plan file).
mkdirSync(join(tmp, 'bpwork', 'layers'), { recursive: true });
writeFileSync(join(tmp, 'bpwork', 'plan.toml'), '');
chownR(join(tmp, 'bpwork'));
const asUser = (cmd) => `setpriv --reuid=1000 --regid=1000 --clear-groups ${cmd}`;
const detectCmd = asUser(`env -i PATH=${process.env.PATH} CNB_PLATFORM_DIR=${ws.platform} CNB_BUILD_PLAN_PATH=${tmp}/bpwork/plan.toml ${join(bpDir, 'bin', 'detect')}`);
const buildCmd = asUser(`env -i PATH=${process.env.PATH} CNB_LAYERS_DIR=${tmp}/bpwork/layers CNB_PLATFORM_DIR=${ws.platform} CNB_BP_PLAN_PATH=${tmp}/bpwork/plan.toml ${join(bpDir, 'bin', 'build')} > /dev/null`);
const noop = asUser('/bin/true');

const r = compare(
  [
    { name: 'creator', cmd: creatorCmd, before: () => { ws.resetLayers(); rmSync(join(layout, 'bench.local', 'hello'), { recursive: true, force: true }); } },
    { name: 'bin/detect', cmd: detectCmd },
    { name: 'bin/build', cmd: buildCmd },
    { name: 'setpriv /bin/true', cmd: noop },
  ],
  { rounds: ROUNDS, warmup: 1 },
);
if (!existsSync(join(layout, 'bench.local', 'hello', 'app', 'latest', 'index.json'))) throw new Error('creator wrote no app image into the layout');
const w = (k) => stats(r[k].map((x) => x.wall));
// A buildpack process's own time: its run minus the cost of the wrapper (bash -c + setpriv + env) used here.
const own = (k) => Math.max(0, w(k).median - w('setpriv /bin/true').median);
const bpTime = own('bin/detect') + own('bin/build');
const c = w('creator');
const overhead = c.median - bpTime;

process.stderr.write('launcher: bench/launcher/run.sh 300\n');
const out = sh(`bash ${join(ROOT, 'bench', 'launcher', 'run.sh')} 300`, { quiet: true, cwd: ROOT });
const lm = [...out.matchAll(/=> (\S+): \+?(-?[\d.]+) ms per start \(x([\d.]+)/g)].map((x) => ({ what: x[1], ms: Number(x[2]), ratio: Number(x[3]) }));
const plain = lm.find((x) => x.what === 'launcher');

const lines = [
  '### (a) creator on a hello-world buildpack into an OCI layout',
  '',
  `\`creator -layout -layout-dir L -run-image ${RUN} ... ${APP}\` (Platform API 0.15, all five phases in one process, no cache, a fresh \`<layers>\` and no previous app image each run; the run image is the busybox image in the layout). The buildpack: \`bin/detect\` = \`exit 0\`; \`bin/build\` prints a line and writes launch.toml (one process). Their own time is measured by running them the same way (as the build user, \`setpriv\` + \`env -i\`), minus the cost of that wrapper.`,
  '',
  '| what | median | min | max |',
  '|---|---|---|---|',
  `| creator, whole process | ${fmtS(c.median)} | ${fmtS(c.min)} | ${fmtS(c.max)} |`,
  ...['bin/detect', 'bin/build', 'setpriv /bin/true'].map((k) => `| ${k}${k.startsWith('setpriv') ? ' (wrapper only)' : ' (with wrapper)'} | ${fmtS(w(k).median)} | ${fmtS(w(k).min)} | ${fmtS(w(k).max)} |`),
  '',
  `**Result**: lifecycle overhead = creator ${fmtS(c.median)} − buildpack processes ${fmtS(bpTime)} = ${fmtS(overhead)} target < 1 s → **${overhead < 1 ? 'PASS' : 'MISS'}**.`,
  '',
  '### (b) launcher start overhead',
  '',
  '`bash bench/launcher/run.sh 300` (by the launcher\'s owners; hyperfine, 300 runs each, `/bin/true` direct against `/cnb/process/web` → launcher → `/bin/true` with two layers of env files):',
  '',
  ...lm.map((x) => `- ${x.what}: ${x.ms >= 0 ? '+' : ''}${x.ms.toFixed(2)} ms per start (×${x.ratio.toFixed(2)} of a direct exec)`),
  '',
  plain ? `**Result**: launcher start overhead ${plain.ms.toFixed(2)} ms target < 5 ms → **${plain.ms < 5 ? 'PASS' : 'MISS'}**.` : '**NOT MEASURED**: bench/launcher/run.sh printed no result.',
  '',
];
writeSection('overhead', [sectionHead('6. Lifecycle overhead', 'overhead', m), ...lines].join('\n'));
process.exit(0);
