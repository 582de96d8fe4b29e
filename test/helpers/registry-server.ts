/**
 * Starts the real CNCF Distribution registry (`docker-registry serve`) on 127.0.0.1 with a free port, in one
 * of three configurations: open; htpasswd (+ TLS with a CA made by openssl at test time); bearer tokens with
 * a realm served by test/helpers/token-server.ts (distribution's `silly` auth: any bearer token passes, so
 * the flow — challenge, exchange, scopes, retry on 401 — is what gets exercised). Stop it in afterAll.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';

export interface RegistryServer {
  /** `127.0.0.1:<port>`: the registry name in references. */
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** PEM of the CA that signed the server certificate (TLS only). */
  readonly caPem?: string;
  /** A directory with `ca.crt`, for `skopeo --cert-dir` (TLS only). */
  readonly certDir?: string;
  /** htpasswd user and password (htpasswd only). */
  readonly user?: string;
  readonly password?: string;
  readonly dir: string;
  /** skopeo flags to reach this registry (TLS/creds). */
  skopeoArgs(kind: 'src' | 'dest' | 'inspect'): string[];
  stop(): Promise<void>;
}

export interface RegistryServerOptions {
  readonly auth?: 'none' | 'htpasswd' | 'bearer';
  readonly tls?: boolean;
  /** Bearer realm URL (required for auth 'bearer'). */
  readonly realm?: string;
  readonly service?: string;
}

/** A free TCP port on 127.0.0.1 (bound with port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A self-signed CA and a server certificate for localhost/127.0.0.1 signed by it (openssl, test time). */
export function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  const o = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=test-ca']);
  o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('key.pem'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  o(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('cert.pem'), '-days', '2', '-extfile', f('ext.cnf')]);
  return { ca: f('ca.pem'), cert: f('cert.pem'), key: f('key.pem') };
}

export async function startRegistry(opts: RegistryServerOptions = {}): Promise<RegistryServer> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const port = await freePort();
  const lines = ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', `  filesystem:`, `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`, `  secret: test-secret`];
  let caPem: string | undefined;
  let certDir: string | undefined;
  if (opts.tls) {
    const c = makeCerts(dir);
    lines.push('  tls:', `    certificate: ${c.cert}`, `    key: ${c.key}`);
    caPem = readFileSync(c.ca, 'utf8');
    certDir = join(dir, 'certs');
    mkdirSync(certDir);
    copyFileSync(c.ca, join(certDir, 'ca.crt'));
  }
  const user = 'tester';
  const password = 'pa55-w0rd-secret';
  if (opts.auth === 'htpasswd') {
    execFileSync('sh', ['-c', `htpasswd -Bbn ${user} ${password} > ${join(dir, 'htpasswd')}`]);
    lines.push('auth:', '  htpasswd:', '    realm: test', `    path: ${join(dir, 'htpasswd')}`);
  } else if (opts.auth === 'bearer') {
    if (!opts.realm) throw new Error('bearer registry needs a realm');
    lines.push('auth:', '  silly:', `    realm: ${opts.realm}`, `    service: ${opts.service ?? 'test-registry'}`);
  }
  writeFileSync(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const scheme = opts.tls ? 'https' : 'http';
  const agent = new Agent({ connect: caPem ? { ca: caPem } : {} });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    try {
      const r = await request(`${scheme}://127.0.0.1:${port}/v2/`, { dispatcher: agent });
      await r.body.dump();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`docker-registry did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await agent.close();
  const host = `127.0.0.1:${port}`;
  return {
    host,
    port,
    tls: !!opts.tls,
    caPem,
    certDir,
    user: opts.auth === 'htpasswd' ? user : undefined,
    password: opts.auth === 'htpasswd' ? password : undefined,
    dir,
    skopeoArgs(kind) {
      const p = kind === 'inspect' ? '' : `${kind}-`;
      const out: string[] = [];
      if (certDir) out.push(`--${p}cert-dir=${certDir}`);
      else out.push(`--${p}tls-verify=false`);
      if (opts.auth === 'htpasswd') out.push(`--${p}creds=${user}:${password}`);
      if (opts.auth === 'bearer') out.push(`--${p}registry-token=any-token`);
      return out;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
