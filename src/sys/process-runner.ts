import { spawn, type StdioOptions } from 'node:child_process';
import { LifecycleError } from '../errors/index.js';

/** What to run: argv, working directory and the complete environment (nothing is inherited implicitly). */
export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env: Readonly<Record<string, string>>;
  /** Bytes written to stdin, then closed. Stdin is empty when absent. */
  readonly stdin?: string | Uint8Array;
  /** Kill after this many milliseconds (SIGKILL); the result then has `timedOut: true`. */
  readonly timeoutMs?: number;
  /** Where output goes: 'inherit' streams to our stdout/stderr (buildpack output), 'capture' collects it. */
  readonly output: 'inherit' | 'capture';
  readonly signal?: AbortSignal;
}

/** The outcome of a finished process. */
export interface ProcessResult {
  readonly exitCode: number;
  /** The signal that ended the process, if any. */
  readonly signal?: NodeJS.Signals;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Spawns child processes (buildpack binaries, credential helpers). Injected so tests control it. */
export interface ProcessRunner {
  run(spec: ProcessSpec): Promise<ProcessResult>;
}

/** Quotes one argument for cmd.exe: wrapped in double quotes, inner quotes doubled. */
function cmdQuote(arg: string): string {
  return `"${arg.replace(/"/g, '""')}"`;
}

/**
 * On Windows, `.bat`/`.cmd` files cannot be spawned directly (Node >= 20.12.2 refuses them, CVE-2024-27980):
 * they run through `cmd.exe /d /s /c "<file> <args>"` with each part quoted. Elsewhere argv is unchanged.
 */
export function windowsBatchArgv(
  command: string,
  args: readonly string[],
  platform: NodeJS.Platform = process.platform,
): [string, string[], boolean] {
  if (platform !== 'win32' || !/\.(bat|cmd)$/i.test(command)) return [command, [...args], false];
  const line = [command, ...args].map(cmdQuote).join(' ');
  return ['cmd.exe', ['/d', '/s', '/c', `"${line}"`], true];
}

/**
 * The real runner on node:child_process. Fails with ERR_PROCESS when the binary cannot be started
 * (missing, not executable), naming the binary and the OS error.
 */
export class SpawnProcessRunner implements ProcessRunner {
  run(spec: ProcessSpec): Promise<ProcessResult> {
    return new Promise((resolve, reject) => {
      const stdio: StdioOptions = spec.output === 'inherit' ? ['pipe', 'inherit', 'inherit'] : ['pipe', 'pipe', 'pipe'];
      const [command, args, verbatim] = windowsBatchArgv(spec.command, spec.args);
      const child = spawn(command, args, {
        windowsVerbatimArguments: verbatim,
        cwd: spec.cwd,
        env: { ...spec.env },
        stdio,
        signal: spec.signal,
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = spec.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, spec.timeoutMs)
        : undefined;
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer);
        reject(new LifecycleError('ERR_PROCESS', `failed to run ${spec.command}: ${err.code ?? err.message}`, { cause: err }));
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ exitCode: code ?? 128, signal: signal ?? undefined, stdout, stderr, timedOut });
      });
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(spec.stdin ?? '');
    });
  }
}
