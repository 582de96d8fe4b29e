/**
 * Single-flight memoization per key (DESIGN §5.3): concurrent calls for the same key share one promise; a
 * settled success stays cached, a failure is forgotten so that a later call retries.
 */
export class SingleFlight<K, V> {
  private readonly inflight = new Map<K, Promise<V>>();

  /** Runs `fn` for `key` unless a call for `key` is running or succeeded; returns the shared promise. */
  do(key: K, fn: () => Promise<V>): Promise<V> {
    let p = this.inflight.get(key);
    if (p) return p;
    p = Promise.resolve().then(fn);
    this.inflight.set(key, p);
    p.catch(() => this.inflight.delete(key));
    return p;
  }

  /** Drops the cached result for `key`. */
  forget(key: K): void {
    this.inflight.delete(key);
  }
}

/** Memoizes a no-argument async function: runs at most once at a time, caches success, retries after failure. */
export function once<V>(fn: () => Promise<V>): () => Promise<V> {
  let p: Promise<V> | undefined;
  return () => {
    if (!p) {
      p = Promise.resolve().then(fn);
      p.catch(() => {
        p = undefined;
      });
    }
    return p;
  };
}
