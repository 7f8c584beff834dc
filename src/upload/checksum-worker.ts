// The crc32c of big files, read and computed on a worker thread while the main thread runs the
// sha256 pass and the uploads, where the CPU's CRC32C instruction is not at hand (no @node-rs/crc32
// binary for the platform): the object Cloud Storage reports for a big file must have this crc32c,
// so what is deployed is the file's content, checked end to end, at almost no cost in wall time.
// (There, the WebAssembly loop costs ~0.55 s per GiB, and on the main thread a second checksum of
// every byte pushed the bench's big-file scenarios past their budget; with the instruction it costs
// less than the worker's second read, and the hash pass takes it: see docs/ARCHITECTURE.md.)
// A worker is a second V8 isolate and Node environment, ~10 MB of RSS whatever its limits, so it
// lives only while it has files to read.
import type { Worker } from 'node:worker_threads';
import { crc32cBase64, makeCrc32cUpdater } from '../checksum/crc32c';
import { functionSource, restoreStagingTuningAfterWorkerStart, startEvalWorker } from '../runtime';

// Plain CommonJS run from its source text (src/runtime/eval-worker.ts); the crc32c loop is
// src/checksum/'s own, carried in from its source (it refers to nothing outside itself). Files are
// read one after another through one 256 KiB buffer.
const workerSource = () => `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const crc32cUpdate = ${functionSource(makeCrc32cUpdater)}();
const buffer = Buffer.allocUnsafe(256 * 1024);
workerData.paths.forEach((path, id) => {
  let fd;
  try {
    fd = fs.openSync(path, 'r');
    let crc = 0;
    let n;
    while ((n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) crc = crc32cUpdate(crc, buffer.subarray(0, n));
    parentPort.postMessage({ id, crc });
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

type Reply = { id: number; crc?: number; error?: NodeJS.ErrnoException };

/** Computes the files' crc32c on a worker thread, in order; the worker ends after the last one. */
export class Crc32cWorker {
  /** The crc32c (base64, as Cloud Storage reports it) of each file's bytes, in the order given. */
  readonly crc32cs: Promise<string>[];
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (crc32c: string) => void; reject: (err: Error) => void }>();

  constructor(absPaths: readonly string[]) {
    this.crc32cs = absPaths.map((_, id) => new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject })));
    this.worker = startEvalWorker(workerSource(), { workerData: { paths: absPaths }, resourceLimits: RESOURCE_LIMITS });
    // Setting up the worker's heap put V8's young-generation growth back to its default for this
    // thread's heap too (see src/runtime/v8-flags.ts).
    this.worker.once('online', restoreStagingTuningAfterWorkerStart);
    this.worker.on('message', ({ id, crc, error }: Reply) => {
      const pending = this.waiting.get(id);
      this.waiting.delete(id);
      if (crc !== undefined) pending?.resolve(crc32cBase64(crc));
      else pending?.reject(Object.assign(new Error(error?.message), error));
    });
    this.worker.on('error', (err) => this.stop(err));
    // Its thread ends after the last file (nothing else keeps it alive); its messages come first.
    this.worker.on('exit', () => this.stop(new Error('The checksum worker stopped before reading every file.')));
    // Not unref()'d: while a checksum is awaited the worker is all the event loop has, and an
    // unref'd one would let the process end quietly, with exit code 0, before the deploy is done.
  }

  /** Stops the worker; checksums not delivered yet are rejected. */
  stop(reason: Error = new Error('The checksum worker was stopped.')): void {
    for (const { reject } of this.waiting.values()) reject(reason);
    this.waiting.clear();
    void this.worker.terminate();
  }
}
