// Reading the small files a command is given (--config, --flags-file, the access-token file) with a
// bound, so that a huge file, /dev/zero or an endless pipe is refused instead of filling memory.
// Works alike for plain files, pipes (`--flags-file <(…)`, `-` for stdin) and devices.
import * as fs from 'node:fs';

export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
    this.name = 'FileTooLargeError';
  }
}

const CHUNK = 64 * 1024;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The contents of `source` (a path, or an open descriptor such as 0 for stdin) as UTF-8; throws
 * FileTooLargeError past `maxBytes`, and the file system's own errors (ENOENT, EISDIR, …) as they are.
 */
export function readBounded(source: string | number, maxBytes: number): string {
  const fd = typeof source === 'number' ? source : fs.openSync(source, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK);
      let read: number;
      try {
        read = fs.readSync(fd, buffer, 0, CHUNK, null);
      } catch (err) {
        // A non-blocking pipe with nothing in it yet: wait a moment for the writer.
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(pause, 0, 0, 10);
        continue;
      }
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw new FileTooLargeError(maxBytes);
      chunks.push(buffer.subarray(0, read));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    if (typeof source !== 'number') fs.closeSync(fd);
  }
}
