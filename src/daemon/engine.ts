import type { Readable } from 'node:stream';

/**
 * The subset of `GET /images/{name}/json` we read. Docker and podman both send these keys; everything else
 * is ignored. `Id` is the image ID (sha256 of the raw config bytes); `RootFS.Layers` are diffIDs.
 */
export interface ImageInspect {
  readonly Id: string;
  readonly RepoTags?: readonly string[] | null;
  readonly RepoDigests?: readonly string[] | null;
  readonly Created?: string;
  readonly Author?: string;
  readonly Architecture?: string;
  readonly Os?: string;
  readonly Variant?: string;
  readonly OsVersion?: string;
  readonly Config?: Readonly<Record<string, unknown>> | null;
  readonly RootFS?: { readonly Type?: string; readonly Layers?: readonly string[] | null } | null;
}

/** One entry of `GET /images/{name}/history` (newest first, as the Engine API sends them). */
export interface ImageHistoryItem {
  readonly Id: string;
  /** Unix seconds. */
  readonly Created: number;
  readonly CreatedBy: string;
  readonly Tags?: readonly string[] | null;
  readonly Size: number;
  readonly Comment: string;
}

/** The subset of `GET /info` we read: the storage driver, to know whether layers can be omitted on load. */
export interface EngineInfo {
  readonly Driver?: string;
  readonly DriverStatus?: ReadonlyArray<readonly [string, string]> | null;
}

/** What `POST /images/load` reported (its JSON message stream, errors already turned into ERR_DAEMON). */
export interface LoadResult {
  /** The `stream` lines ("Loaded image: …", "Loaded image ID: sha256:…"). */
  readonly messages: readonly string[];
}

/**
 * A narrow Docker Engine API client (DESIGN §6.2 daemon). Every failure is a LifecycleError `ERR_DAEMON`
 * whose one-line message names the daemon endpoint and the image. Every method takes an AbortSignal.
 */
export interface DockerEngine {
  /** The endpoint, for messages (`unix:///var/run/docker.sock`). */
  readonly endpoint: string;
  /** `GET /_ping`; negotiates the API version (min of ours and the server's). Memoized. */
  ping(signal?: AbortSignal): Promise<{ readonly apiVersion: string }>;
  /** `GET /info` (storage driver). */
  info(signal?: AbortSignal): Promise<EngineInfo>;
  /** `GET /images/{name}/json`; `undefined` when the daemon answers 404. `name` is a reference or an image ID. */
  inspectImage(name: string, signal?: AbortSignal): Promise<ImageInspect | undefined>;
  /** `GET /images/{name}/history`. */
  imageHistory(name: string, signal?: AbortSignal): Promise<ImageHistoryItem[]>;
  /** `GET /images/{name}/get`: the image as a docker-archive tar stream (uncompressed layers). */
  saveImage(name: string, signal?: AbortSignal): Promise<Readable>;
  /** `POST /images/load?quiet=1` with a docker-archive tar; `image` names the image in error messages. */
  loadImage(archive: Readable, image: string, signal?: AbortSignal): Promise<LoadResult>;
  /** `POST /images/{source}/tag?repo=&tag=`. */
  tagImage(source: string, repo: string, tag: string, signal?: AbortSignal): Promise<void>;
  /** `DELETE /images/{name}`; a missing image is not an error. */
  removeImage(name: string, options?: { force?: boolean; noPrune?: boolean }, signal?: AbortSignal): Promise<void>;
  /**
   * Opens up to `count` connections to the daemon's unix socket now (typically as root, before the GEN-12
   * privilege drop) and sends later requests over them first; a fresh connection is dialed only when they are
   * used up or closed. Resolves how many are held; 0 (no effect) for a tcp endpoint or an unreachable socket.
   * Optional: engines without it simply connect lazily.
   */
  preconnect?(count?: number): Promise<number>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}
