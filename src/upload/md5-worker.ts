// The md5 of big files, read and hashed on a worker thread while the main thread runs the sha256
// pass and the uploads: the object Cloud Storage reports for a big file must have this md5, so
// what is deployed is the file's content, checked end to end, at almost no cost in wall time.
// (On the main thread, hashing every byte twice cost ~70 % more CPU on a 1 GiB model and pushed
// the bench's big-file scenarios past their budget; see docs/ARCHITECTURE.md.)
// A worker is a second V8 isolate and Node environment, ~10 MB of RSS whatever its limits, so it
// lives only while it has files to hash.
import { Worker } from 'node:worker_threads';
import { tuneV8ForStaging } from './v8-tuning';

// Plain CommonJS run with `eval`: the bundle needs no second entry point. Files are hashed one
// after another, each read through one 256 KiB buffer (as fast as 1 MiB: md5 is the bottleneck).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const buffer = Buffer.allocUnsafe(256 * 1024);
workerData.paths.forEach((path, id) => {
  let fd;
  try {
    fd = fs.openSync(path, 'r');
    const md5 = createHash('md5');
    let n;
    while ((n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) md5.update(buffer.subarray(0, n));
    parentPort.postMessage({ id, md5: md5.digest('base64') });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err.message, code: err.code, errno: err.errno, syscall: err.syscall, path: err.path } });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
});
`;

// The worker allocates almost nothing: the smallest young generation V8 takes, and a cap on the
// old one well above the ~5 MB that Node's bootstrap needs.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 };

type Reply = { id: number; md5?: string; error?: NodeJS.ErrnoException };

/** Hashes the files on a worker thread, in order; the worker ends after the last one. */
export class Md5Worker {
  /** The md5 (base64, as Cloud Storage reports it) of each file's bytes, in the order given. */
  readonly md5s: Promise<string>[];
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (md5: string) => void; reject: (err: Error) => void }>();

  constructor(absPaths: readonly string[]) {
    this.md5s = absPaths.map((_, id) => new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject })));
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { paths: absPaths }, resourceLimits: RESOURCE_LIMITS });
    // Setting up the worker's heap put V8's young-generation growth back to its default for this
    // thread's heap too (see v8-tuning.ts): set it again once the worker runs.
    this.worker.once('online', tuneV8ForStaging);
    this.worker.on('message', ({ id, md5, error }: Reply) => {
      const pending = this.waiting.get(id);
      this.waiting.delete(id);
      if (md5 !== undefined) pending?.resolve(md5);
      else pending?.reject(Object.assign(new Error(error?.message), error));
    });
    this.worker.on('error', (err) => this.stop(err));
    // Its thread ends after the last file (nothing else keeps it alive); its messages come first.
    this.worker.on('exit', () => this.stop(new Error('The md5 worker stopped before hashing every file.')));
    // Not unref()'d: while an md5 is awaited the worker is all the event loop has, and an unref'd
    // one would let the process end quietly, with exit code 0, before the deploy is done.
  }

  /** Stops the worker; md5s not delivered yet are rejected. */
  stop(reason: Error = new Error('The md5 worker was stopped.')): void {
    for (const { reject } of this.waiting.values()) reject(reason);
    this.waiting.clear();
    void this.worker.terminate();
  }
}
