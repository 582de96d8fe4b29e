import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import type { DockerEngine } from '../../../src/daemon/index.js';
import { collect } from '../../unit/daemon/memory-image.js';

/** A DockerEngine that delegates to `inner`, counts save/load calls and keeps each loaded archive's entry list. */
export interface CountingEngine extends DockerEngine {
  saves: number;
  loads: Array<Array<{ name: string; size: number }>>;
}

export function countingEngine(inner: DockerEngine): CountingEngine {
  const self: CountingEngine = {
    endpoint: inner.endpoint,
    saves: 0,
    loads: [],
    ping: (s) => inner.ping(s),
    info: (s) => inner.info(s),
    inspectImage: (n, s) => inner.inspectImage(n, s),
    imageHistory: (n, s) => inner.imageHistory(n, s),
    saveImage: (n, s) => {
      self.saves++;
      return inner.saveImage(n, s);
    },
    loadImage: async (archive, image, s) => {
      const bytes = await collect(archive);
      const entries: Array<{ name: string; size: number }> = [];
      const ex = tar.extract();
      Readable.from([bytes]).pipe(ex);
      for await (const e of ex) {
        entries.push({ name: e.header.name, size: e.header.size });
        e.resume();
      }
      self.loads.push(entries);
      return inner.loadImage(Readable.from([bytes]), image, s);
    },
    tagImage: (src, repo, tag, s) => inner.tagImage(src, repo, tag, s),
    removeImage: (n, o, s) => inner.removeImage(n, o, s),
    close: () => inner.close(),
  };
  return self;
}
