/**
 * Where a generated run image goes: a plain OCI layout (`oci:DIR:TAG` for skopeo/umoci), the CNB layout
 * mapping under a `-layout-dir` (FMT-25, what `creator -layout` reads), or a registry (src/registry).
 */
import { defaultKeychain } from '../../src/auth/index.js';
import type { Image, WriteResult } from '../../src/image/index.js';
import { LayoutStore, layoutPath } from '../../src/layout/index.js';
import { createRegistryStore } from '../../src/registry/index.js';
import { parseInsecureRegistries } from '../../src/ref/index.js';

/** One destination. */
export type RunImageTarget =
  | { readonly kind: 'oci'; readonly dir: string; readonly tag: string }
  | { readonly kind: 'layout'; readonly layoutDir: string; readonly ref: string }
  | { readonly kind: 'registry'; readonly ref: string; readonly insecureRegistries?: readonly string[] };

/** A one-line description of a target. */
export function describeTarget(t: RunImageTarget): string {
  if (t.kind === 'oci') return `oci:${t.dir}:${t.tag}`;
  if (t.kind === 'layout') return `${t.ref} in layout dir ${t.layoutDir} (${layoutPath(t.layoutDir, t.ref)})`;
  return `docker://${t.ref}`;
}

/** Writes `image` to `target`; returns the manifest digest and image ID. */
export async function saveRunImage(image: Image, target: RunImageTarget): Promise<WriteResult> {
  if (target.kind === 'oci') {
    // The flat mapping uses the tag of the reference as the ref-name annotation.
    return new LayoutStore(target.dir, { mapping: 'flat' }).write(image, [`run-image:${target.tag}`]);
  }
  if (target.kind === 'layout') return new LayoutStore(target.layoutDir).write(image, [target.ref]);
  const store = createRegistryStore({
    keychain: defaultKeychain({ env: process.env }),
    insecureRegistries: parseInsecureRegistries(target.insecureRegistries ?? []),
  });
  try {
    return await store.write(image, [target.ref]);
  } finally {
    await store.close();
  }
}
