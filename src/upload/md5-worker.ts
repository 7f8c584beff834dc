// The md5 of big files, read and hashed on a worker thread while the main thread runs the sha256
// pass and the uploads: the object Cloud Storage reports for a big file must have this md5, so
// what is deployed is the file's content, checked end to end, at almost no cost in wall time.
// (On the main thread, hashing every byte twice cost ~70 % more CPU on a 1 GiB model and pushed
// the bench's big-file scenarios past their budget; see the README.)
import { Worker } from 'node:worker_threads';

// Plain CommonJS run with `eval`: the bundle needs no second entry point. Requests are served one
// at a time, each file read through one 1 MiB buffer.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const buffer = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', ({ id, path }) => {
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

type Reply = { id: number; md5?: string; error?: NodeJS.ErrnoException };

export class Md5Worker {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly waiting = new Map<number, { resolve: (md5: string) => void; reject: (err: Error) => void }>();
  private nextId = 0;

  constructor() {
    this.worker.on('message', ({ id, md5, error }: Reply) => {
      const pending = this.waiting.get(id);
      this.waiting.delete(id);
      if (md5 !== undefined) pending?.resolve(md5);
      else pending?.reject(Object.assign(new Error(error?.message), error));
    });
    this.worker.on('error', (err) => this.failAll(err));
    // Not unref()'d: while an md5 is awaited the worker is all the event loop has, and an unref'd
    // one would let the process end quietly, with exit code 0, before the deploy is done.
  }

  /** The md5 (base64, as Cloud Storage reports it) of the file's bytes. */
  md5(absPath: string): Promise<string> {
    const id = this.nextId++;
    const result = new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ id, path: absPath });
    return result;
  }

  close(): void {
    this.failAll(new Error('The md5 worker was stopped.'));
    void this.worker.terminate();
  }

  private failAll(err: Error): void {
    for (const { reject } of this.waiting.values()) reject(err);
    this.waiting.clear();
  }
}
