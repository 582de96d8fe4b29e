/** OCI and Docker media types (image-spec and Docker v2 schema 2). */
export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** True for a single-image manifest media type (OCI or Docker). */
export function isManifestType(mt: string | undefined): boolean {
  return mt === MediaTypes.ociManifest || mt === MediaTypes.dockerManifest;
}

/** True for an index / manifest-list media type (OCI or Docker). */
export function isIndexType(mt: string | undefined): boolean {
  return mt === MediaTypes.ociIndex || mt === MediaTypes.dockerManifestList;
}

/** True for a gzip-compressed layer media type. */
export function isGzipLayerType(mt: string): boolean {
  return mt.endsWith('+gzip') || mt.endsWith('.tar.gzip');
}

/** The layer media type that matches a manifest media type (Docker manifests get Docker layers). */
export function layerTypeFor(manifestType: string): string {
  return manifestType === MediaTypes.dockerManifest ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip;
}

/** The config media type that matches a manifest media type. */
export function configTypeFor(manifestType: string): string {
  return manifestType === MediaTypes.dockerManifest ? MediaTypes.dockerConfig : MediaTypes.ociConfig;
}
