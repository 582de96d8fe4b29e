/**
 * A tiny bearer-token realm for the registry's `silly` auth (test double for an auth server, not for the
 * registry). GET /token checks Basic credentials when `user` is set; POST /token accepts an OAuth2
 * refresh_token grant. Records every request's scopes and auth kind for assertions.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface TokenRequestRecord {
  readonly method: string;
  readonly service: string | null;
  readonly scopes: string[];
  readonly basicUser?: string;
  readonly refreshToken?: string;
}

export interface TokenServer {
  readonly realm: string;
  readonly requests: TokenRequestRecord[];
  /** The token handed out (a fixed prefix + a counter). */
  readonly issued: string[];
  stop(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8').on('data', (d: string) => (s += d)).on('end', () => resolve(s));
  });
}

export async function startTokenServer(opts: { user?: string; password?: string; refreshToken?: string } = {}): Promise<TokenServer> {
  const requests: TokenRequestRecord[] = [];
  const issued: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let record: TokenRequestRecord;
    let ok = true;
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readAll(req));
      const refreshToken = form.get('refresh_token') ?? undefined;
      record = { method: 'POST', service: form.get('service'), scopes: (form.get('scope') ?? '').split(' ').filter(Boolean), refreshToken };
      ok = opts.refreshToken === undefined || refreshToken === opts.refreshToken;
    } else {
      const auth = req.headers.authorization;
      let basicUser: string | undefined;
      let pass: string | undefined;
      if (auth?.startsWith('Basic ')) [basicUser, pass] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      record = { method: 'GET', service: url.searchParams.get('service'), scopes: url.searchParams.getAll('scope'), basicUser };
      if (opts.user !== undefined) ok = basicUser === opts.user && pass === opts.password;
    }
    requests.push(record);
    if (!ok) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const token = `tok-${issued.length + 1}-s3cr3t`;
    issued.push(token);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    issued,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}
