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
 * A pipe or FIFO may keep the read waiting (for a writer, for its data): meanwhile Ctrl-C and
 * SIGTERM end the process at once (see withDefaultSignals).
 */
export function readBounded(source: string | number, maxBytes: number): string {
  const read = () => readAll(source, maxBytes).toString('utf8');
  return typeof source === 'string' && isRegularFile(source) ? read() : withDefaultSignals(read);
}

function readAll(source: string | number, maxBytes: number): Buffer {
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
    return Buffer.concat(chunks);
  } finally {
    if (typeof source !== 'number') fs.closeSync(fd);
  }
}

function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Runs a synchronous wait (a FIFO's open, a pipe's read) with the signals' default action: the
 * CLI's own Ctrl-C handler (an abort, then a clean stop) could only run once the wait is over.
 */
function withDefaultSignals<T>(wait: () => T): T {
  const saved = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, process.listeners(signal)] as const);
  for (const [signal] of saved) process.removeAllListeners(signal);
  try {
    return wait();
  } finally {
    for (const [signal, listeners] of saved) for (const listener of listeners) process.on(signal, listener);
  }
}

/** What a file that must be a plain file turned out to be instead. */
export class NotRegularFileError extends Error {
  constructor(readonly kind: string) {
    super(`it is ${kind}, not a regular file`);
    this.name = 'NotRegularFileError';
  }
}

/**
 * A plain file's bytes, at most `maxBytes`: anything else (a FIFO, a device such as /dev/zero, a
 * socket, a directory) is refused with NotRegularFileError before a byte is read, and opening never
 * waits (O_NONBLOCK: a FIFO's open would wait for a writer). ENOENT and the like are thrown as they are.
 */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new NotRegularFileError(fileKind(stat));
    if (stat.size > maxBytes) throw new FileTooLargeError(maxBytes);
    return readAll(fd, maxBytes);
  } finally {
    fs.closeSync(fd);
  }
}

function fileKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'something else';
}
