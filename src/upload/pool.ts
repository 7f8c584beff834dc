// Bounded parallelism for the uploads: a worker pool that stops at the first failure, and a byte
// budget that keeps the file data in flight (and so memory) bounded whatever the file sizes.

/**
 * Runs `work` over `items`, at most `limit` at a time, in order. The first failure aborts `cancel`
 * (so nothing new starts and requests in flight are cut off) and is what this throws.
 */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  cancel: AbortController,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (!cancel.signal.aborted && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        if (!cancel.signal.aborted) {
          firstError = err;
          cancel.abort(err);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError !== undefined) throw firstError;
}

/** Hands out up to `capacity` bytes; a request bigger than that waits until nothing else is out. */
export class ByteBudget {
  private available: number;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(private readonly capacity: number) {
    this.available = capacity;
  }

  async acquire(bytes: number): Promise<void> {
    const wanted = Math.min(bytes, this.capacity);
    if (this.waiting.length === 0 && wanted <= this.available) {
      this.available -= wanted;
      return;
    }
    await new Promise<void>((grant) => this.waiting.push({ bytes: wanted, grant }));
  }

  release(bytes: number): void {
    this.available += Math.min(bytes, this.capacity);
    while (this.waiting.length > 0 && this.waiting[0].bytes <= this.available) {
      const next = this.waiting.shift()!;
      this.available -= next.bytes;
      next.grant();
    }
  }
}
