/** The Docker Engine API store: a narrow engine client, docker-archive codecs, DaemonStore (see README.md). */
export { parseDockerHost, DEFAULT_DOCKER_SOCKET, type DaemonEndpoint } from './docker-host.js';
export type { DockerEngine, ImageInspect, ImageHistoryItem, EngineInfo, LoadResult } from './engine.js';
export { createDockerEngine, CLIENT_API_VERSION, MIN_API_VERSION, PRECONNECT_COUNT, type DockerEngineOptions } from './engine-client.js';
export { PreconnectedSockets } from './socket-pool.js';
export { preconnectedConnector, type OpenedAs } from './socket-connector.js';
export { writeDockerArchive, archiveManifest, type ArchiveLayer, type DockerArchiveSpec, type ArchiveManifestEntry } from './docker-archive-writer.js';
export { spoolDockerArchive, parseArchiveManifest, type SpooledArchive } from './docker-archive-reader.js';
export { dirLaunchCache, type LaunchCache, type CachedLayerFile } from './launch-cache.js';
export type { UncompressedSizeHint } from './archive-layers.js';
export { daemonTag, type DaemonTag } from './daemon-ref.js';
export { DaemonImage } from './daemon-image.js';
export { DaemonStore, type DaemonStoreOptions } from './daemon-store.js';
export { createDaemonStore, type DaemonStoreInputs } from './create-daemon-store.js';
