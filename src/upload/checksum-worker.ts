// The crc32c of big files, read and computed on a worker thread while the main thread runs the
// sha256 pass (origin-hash.ts): the object Cloud Storage reports for a big file must have this
// crc32c, so what is deployed is the file's content, checked end to end. On the second core the
// checksum costs no wall time: the sha256 chain on the main thread is the longer of the two (~0.7 s
// per GiB here; the worker's reads through a 128 KiB buffer ~0.06-0.1 s, and the CPU's CRC32C
// instruction through @node-rs/crc32 ~0.2 s, or the WebAssembly loop ~0.55 s where it has no
// binary), and the worker has ended by the time the pass does. Issue 29: c 0.92-0.96 and e 0.85-0.95 of the wall time with the
// pass taking the checksum itself, on a quiet machine (docs/ARCHITECTURE.md). A file written to
// after it was listed is still caught after its upload, by its stat identity (stage.ts).
// A worker is a second V8 isolate and Node environment, ~3-4 MB of peak RSS with these limits, so it
// lives only while it has files to read.
import type { Worker } from 'node:worker_threads';
import { crc32cBase64, makeCrc32cUpdater } from '../checksum/crc32c';
import { functionSource, restoreStagingTuningAfterWorkerStart, startEvalWorker } from '../runtime';

// Plain CommonJS run from its source text (src/runtime/eval-worker.ts); the crc32c loop is
// src/checksum/'s own, carried in from its source (it refers to nothing outside itself), unless the
// native module loads. Files are read one after another through one 128 KiB buffer.
const workerSource = () => `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
let native;
try {
  native = workerData.nativeModule && require(workerData.nativeModule).crc32c;
} catch {} // no binary for this platform after all: the WebAssembly loop
const crc32cUpdate = native ? (crc, data) => native(data, crc) >>> 0 : ${functionSource(makeCrc32cUpdater)}();
const buffer = Buffer.allocUnsafe(128 * 1024);
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

  /** `nativeModule`: where @node-rs/crc32 resolves, when the worker is to use the CPU's instruction. */
  constructor(absPaths: readonly string[], nativeModule?: string) {
    this.crc32cs = absPaths.map((_, id) => new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject })));
    this.worker = startEvalWorker(workerSource(), { workerData: { paths: absPaths, nativeModule }, resourceLimits: RESOURCE_LIMITS });
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
