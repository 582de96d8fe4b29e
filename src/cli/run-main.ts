/**
 * Runs the process's main function and sets the exit code from its result (1 and the stack when it throws).
 *
 * Guard: if the work waits on something that can never happen (a promise nobody settles, with no timer or
 * I/O left), Node empties its event loop and would exit 0 with no output: a silent success that hides a bug
 * and could let a platform use a half-done result. The guard reports it on stderr and exits 1 instead.
 */
export function runMain(main: () => Promise<number>): void {
  let settled = false;
  process.on('exit', () => {
    if (settled) return;
    process.stderr.write('ERROR: failed to complete: the lifecycle stopped with work still pending (internal error: nothing left to wait for)\n');
    process.exitCode = 1;
  });
  main().then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (e: unknown) => {
      settled = true;
      process.stderr.write(`ERROR: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
