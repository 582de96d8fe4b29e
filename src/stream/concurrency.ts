/**
 * Bounded concurrency (DESIGN §5.3: "concurrency is always bounded, default 4"). `limit(fn)` runs `fn` when
 * fewer than `max` tasks run, otherwise queues it (FIFO). Errors go to the caller of that task only.
 */
export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

/** A limiter allowing at most `max` (>= 1) concurrently running tasks. */
export function limitConcurrency(max = 4): Limiter {
  if (!(max >= 1)) throw new RangeError(`concurrency must be >= 1, got ${max}`);
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (running >= max) return;
    const start = queue.shift();
    if (start) start();
  };
  return <T>(fn: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        running++;
        let p: Promise<T>;
        try {
          p = fn();
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(resolve, reject).finally(() => {
          running--;
          next();
        });
      });
      next();
    });
}

/**
 * Maps `items` through `fn` with at most `max` in flight; results keep the input order. The first rejection
 * rejects the whole call (tasks already started still run to completion).
 */
export async function mapConcurrent<T, R>(items: readonly T[], max: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, max), items.length) }, worker));
  return out;
}
