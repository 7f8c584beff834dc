// The hash pass: the sha256 of the files' bytes one after another (the staging prefix) and, in the
// same read, the md5 of the files asked for: the small files, and the first big files when that
// keeps the pass no longer than the md5 of the other big files, which the main thread takes
// meanwhile and goes on with while they upload (stage.ts). When the files add up to more than
// WORKER_MIN_BYTES the pass runs on a worker thread.
//
// Why, measured on the bench's 2 cores with 1 GiB of big files (gcloud: 69-70 MB peak): md5
// costs ~1.65 s per GiB and sha256 ~0.7 s, each on one thread. All on the main thread took ~1.4x
// the wall time of the md5 on a worker beside the sha256 pass; but that worker (a second V8
// isolate and Node environment, ~10 MB of RSS whatever its limits) was still hashing when the
// uploads began, and their connections' memory came on top of it: 71-75 MB. Here the worker is
// done, and its memory given back, before the first request: 63-65 MiB, at about the same wall
// time in interleaved runs on a busy machine.
// Small models stay on the main thread: a worker takes 40-100 ms to start and leaves ~2 MB behind.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { STREAM_BUFFER_BYTES } from './limits';
import { tuneV8ForStaging } from './v8-tuning';

/** Above this many bytes in all, the pass runs on a worker (below it, ~0.15 s of hashing at most blocks the main thread). */
const WORKER_MIN_BYTES = 64 * 1024 * 1024;

/** A file to hash: its bytes up to `size` (a file that shrank ends sooner). */
export interface HashJob {
  path: string;
  size: number;
  /** Also take this file's md5. */
  md5: boolean;
}

export interface HashResult {
  /** Hex sha256 of all the files' bytes, in the order given. */
  sha256: string;
  /** The md5 (base64, as Cloud Storage reports it) of each file that asked for one, else undefined. */
  md5s: (string | undefined)[];
}

/** A file the pass could not read: which one, and the error (its code and errno kept). */
export class HashReadError extends Error {
  constructor(
    readonly index: number,
    readonly cause: NodeJS.ErrnoException,
  ) {
    super(cause.message);
    this.name = 'HashReadError';
  }
}

type Outcome = HashResult | { failedAt: number; error: NodeJS.ErrnoException };

/** Hashes the files, in order, on a worker thread when they are big enough (see above); aborting the signal stops the pass. */
export async function hashFiles(jobs: readonly HashJob[], signal?: AbortSignal): Promise<HashResult> {
  signal?.throwIfAborted();
  const total = jobs.reduce((sum, job) => sum + job.size, 0);
  const outcome =
    total > WORKER_MIN_BYTES ? await onWorker(jobs, signal) : hashInOrder(jobs, crypto, fs, Buffer.allocUnsafe(STREAM_BUFFER_BYTES));
  if ('failedAt' in outcome) throw new HashReadError(outcome.failedAt, outcome.error);
  return outcome;
}

/**
 * The pass itself. Self-contained (it uses only its arguments), because its text is also the
 * worker's source: one way to hash, on either thread. Reads are synchronous: on a worker nothing
 * else runs, and on the main thread the pass is short.
 */
function hashInOrder(jobs: readonly HashJob[], nodeCrypto: typeof crypto, nodeFs: typeof fs, buffer: Buffer): Outcome {
  const sha256 = nodeCrypto.createHash('sha256');
  const md5s: (string | undefined)[] = [];
  for (let index = 0; index < jobs.length; index++) {
    const job = jobs[index];
    let fd: number | undefined;
    try {
      const md5 = job.md5 ? nodeCrypto.createHash('md5') : undefined;
      fd = nodeFs.openSync(job.path, 'r');
      let left = job.size;
      let n: number;
      while (left > 0 && (n = nodeFs.readSync(fd, buffer, 0, Math.min(buffer.length, left), null)) > 0) {
        const bytes = buffer.subarray(0, n);
        sha256.update(bytes);
        md5?.update(bytes);
        left -= n;
      }
      md5s.push(md5?.digest('base64'));
    } catch (err) {
      const { message, code, errno, syscall, path } = err as NodeJS.ErrnoException;
      return { failedAt: index, error: Object.assign(new Error(message), { code, errno, syscall, path }) };
    } finally {
      if (fd !== undefined) nodeFs.closeSync(fd);
    }
  }
  return { sha256: sha256.digest('hex'), md5s };
}

// The worker allocates almost nothing: the smallest young generation V8 takes, and a cap on the
// old one well above the ~5 MB that Node's bootstrap needs.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 };

/** Runs hashInOrder on a worker thread, which ends after it. */
function onWorker(jobs: readonly HashJob[], signal?: AbortSignal): Promise<Outcome> {
  const source = `
const { parentPort, workerData } = require('node:worker_threads');
const outcome = (${hashInOrder.toString()})(workerData, require('node:crypto'), require('node:fs'), Buffer.allocUnsafe(${STREAM_BUFFER_BYTES}));
if (outcome.error) outcome.error = { ...outcome.error, message: outcome.error.message };
parentPort.postMessage(outcome);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: jobs, resourceLimits: RESOURCE_LIMITS });
    const stop = () => {
      reject(signal!.reason);
      void worker.terminate();
    };
    signal?.addEventListener('abort', stop, { once: true });
    // Setting up the worker's heap put V8's young-generation growth back to its default for this
    // thread's heap too (see v8-tuning.ts): set it again once the worker runs.
    worker.once('online', tuneV8ForStaging);
    worker.on('message', (outcome: Outcome) => {
      if ('failedAt' in outcome)
        resolve({ failedAt: outcome.failedAt, error: Object.assign(new Error(outcome.error.message), outcome.error) });
      else resolve(outcome);
    });
    worker.on('error', reject);
    // Its answer comes before its exit; an exit without one (e.g. out of memory) is a failure too.
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', stop);
      reject(new Error(`The hashing worker stopped (exit code ${code}) before it was done.`));
    });
  });
}
