import { describe, expect, it } from 'vitest';
import { SpawnProcessRunner, windowsBatchArgv } from '../../../src/sys/index.js';

describe('ProcessRunner', () => {
  it('runs a process with exactly the given env and captures its output', async () => {
    const r = await new SpawnProcessRunner().run({ command: '/bin/sh', args: ['-c', 'echo "$ONLY:$HOME"; exit 7'], env: { ONLY: 'x' }, output: 'capture' });
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toBe('x:\n');
  });

  it('a missing binary is ERR_PROCESS naming it', async () => {
    await expect(new SpawnProcessRunner().run({ command: '/no/such/bin', args: [], env: {}, output: 'capture' })).rejects.toThrow(/failed to run \/no\/such\/bin: ENOENT/);
  });

  it('Windows .bat files run through cmd.exe /d /s /c with quoted parts; other platforms are unchanged', () => {
    expect(windowsBatchArgv('C:\\cnb\\bp\\bin\\detect.bat', ['C:\\platform', 'a "b"'], 'win32')).toEqual([
      'cmd.exe',
      ['/d', '/s', '/c', '""C:\\cnb\\bp\\bin\\detect.bat" "C:\\platform" "a ""b""""'],
      true,
    ]);
    expect(windowsBatchArgv('C:\\bp\\bin\\detect.exe', ['x'], 'win32')).toEqual(['C:\\bp\\bin\\detect.exe', ['x'], false]);
    expect(windowsBatchArgv('/bp/bin/detect.bat', ['x'], 'linux')).toEqual(['/bp/bin/detect.bat', ['x'], false]);
  });
});
