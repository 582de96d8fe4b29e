import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LifecycleError } from '../../errors/index.js';

function table(root: string, file: string): string[][] {
  try {
    return readFileSync(join(root, 'etc', file), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/**
 * Resolves a Dockerfile user spec (`USER`, `COPY --chown`): `name`, `uid`, `name:group`, `uid:gid`, looked up
 * in `<root>/etc/passwd` and `<root>/etc/group` (the image's own databases, never the host's). Without a group
 * the user's primary group applies (0 for an unknown numeric uid, as Docker does). Empty means root.
 * An unknown user or group name is ERR_EXTEND.
 */
export function resolveUser(root: string, spec: string): { uid: number; gid: number } {
  if (spec === '') return { uid: 0, gid: 0 };
  const [u = '', g] = spec.split(':', 2);
  const passwd = table(root, 'passwd');
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(u)) {
    uid = Number(u);
    const row = passwd.find((r) => r[2] === u);
    gid = row ? Number(row[3]) : 0;
  } else {
    const row = passwd.find((r) => r[0] === u);
    if (!row) throw new LifecycleError('ERR_EXTEND', `unable to find user ${u}: no matching entries in passwd file`);
    uid = Number(row[2]);
    gid = Number(row[3]);
  }
  if (g !== undefined && g !== '') {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const row = table(root, 'group').find((r) => r[0] === g);
      if (!row) throw new LifecycleError('ERR_EXTEND', `unable to find group ${g}: no matching entries in group file`);
      gid = Number(row[2]);
    }
  }
  return { uid, gid: gid ?? 0 };
}

/** XT-02: the `user_id` and `group_id` build args from an image `User` (the parts around ':'; [REF] no lookup). */
export function userArgs(user: string): { userId: string; groupId: string } {
  const [u = '', g = ''] = user.split(':', 2);
  return { userId: u, groupId: g };
}

/** XT-07 [REF]: root means user `0` or `root` (the part before ':'). */
export function isRootUser(user: string): boolean {
  const u = user.split(':', 1)[0];
  return u === '0' || u === 'root';
}
