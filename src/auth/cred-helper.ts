import { LifecycleError } from '../errors/index.js';
import type { ProcessRunner } from '../sys/index.js';
import { helperServerUrl } from './registry-key.js';
import type { AuthConfig } from './types.js';

/** Options for running a docker credential helper. */
export interface CredHelperOptions {
  readonly runner: ProcessRunner;
  /** The helper's environment (PATH finds `docker-credential-<name>`; HOME for its own store). */
  readonly env: Readonly<Record<string, string>>;
  /** Kill the helper after this long (default 30 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const NOT_FOUND = /credentials not found/i;

/**
 * Runs `docker-credential-<helper> get` with the registry's server URL on stdin (docker credential-helper
 * protocol) and decodes `{Username, Secret}`. Username `<token>` means Secret is an identity token.
 * "credentials not found" (or an empty reply) is anonymous, not an error. The helper's output is never
 * put into an error message or a log line: it holds the secret.
 */
export async function runCredHelper(helper: string, registry: string, opts: CredHelperOptions): Promise<AuthConfig> {
  const command = `docker-credential-${helper}`;
  const result = await opts.runner.run({
    command,
    args: ['get'],
    env: opts.env,
    stdin: helperServerUrl(registry),
    output: 'capture',
    timeoutMs: opts.timeoutMs ?? 30_000,
    signal: opts.signal,
  });
  if (result.timedOut) throw new LifecycleError('ERR_AUTH', `credential helper ${command} for registry ${registry} timed out`);
  if (result.exitCode !== 0) {
    if (NOT_FOUND.test(result.stdout) || NOT_FOUND.test(result.stderr)) return {};
    throw new LifecycleError('ERR_AUTH', `credential helper ${command} for registry ${registry} exited with code ${result.exitCode}`);
  }
  if (result.stdout.trim() === '') return {};
  let reply: { Username?: unknown; Secret?: unknown };
  try {
    reply = JSON.parse(result.stdout) as typeof reply;
  } catch {
    throw new LifecycleError('ERR_AUTH', `credential helper ${command} for registry ${registry} printed invalid JSON`);
  }
  const username = typeof reply.Username === 'string' ? reply.Username : '';
  const secret = typeof reply.Secret === 'string' ? reply.Secret : '';
  if (secret === '') return {};
  return username === '<token>' ? { identityToken: secret } : { username, password: secret };
}
