// The staging prefix: gcloud names the upload folder after a sha256 of the model's bytes, so the
// same model always lands in the same place. The pass that computes it reads every file once,
// through reused buffers: nothing is kept (small files are read again from the page cache when
// uploaded, ~10 µs each, rather than held: holding 1000 files of 8 KiB cost 8 MB of peak memory),
// except each file's crc32c, so that the bytes read again are known to be the bytes hashed.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, promises as fs } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { crc32c, crc32cBase64, crc32cUpdate } from '../checksum/crc32c';
import { STREAM_BUFFER_BYTES } from './limits';
import { compareRelPaths, gcloudLocalPath, unreadableFileError, type DirectoryListing, type OriginFile } from './walk';

/** A file's bytes and their crc32c (base64, as Cloud Storage reports it). */
export interface FileContent {
  data: Buffer;
  crc32c: string;
}

/** What the hash pass does besides the sha256 (see computeStagingPrefix). */
export interface HashPassOptions {
  signal?: AbortSignal;
  /** When given, receives the crc32c (base64) of the bytes hashed, for the files `checksumOf` names. */
  checksums?: Map<OriginFile, string>;
  checksumOf?: (file: OriginFile) => boolean;
  /**
   * Files another thread reads ahead of this pass (the checksum worker), so their pages are in
   * memory when the pass gets to them: they are read synchronously (see readFileInPieces).
   */
  readAhead?: (file: OriginFile) => boolean;
}

/**
 * Hex sha256 of all files' contents in sorted relative-path order. gcloud uses os.walk order,
 * which is readdir order and differs between machines; sorted is stable. Files that fit a buffer
 * are read whole (synchronously: for many small files that is several times faster than async
 * reads), bigger ones streamed. Memory stays flat: the two buffers are all the pass holds.
 */
export async function computeStagingPrefix(
  listing: DirectoryListing,
  buffers: [Buffer, Buffer] = newBufferPair(),
  { signal, checksums, checksumOf = () => true, readAhead = () => false }: HashPassOptions = {},
): Promise<string> {
  const sha256 = createHash('sha256');
  const files = [...listing.files].sort((a, b) => compareRelPaths(a.relPath, b.relPath)); // whoever built the listing
  for (const file of files) {
    signal?.throwIfAborted();
    const localPath = gcloudLocalPath(listing.origin, file.relPath);
    const checksum = checksums && checksumOf(file);
    let crc = 0;
    const consume = (bytes: Buffer) => {
      sha256.update(bytes);
      if (checksum) crc = crc32cUpdate(crc, bytes);
    };
    if (file.size <= buffers[0].length) consume(readWholeFile(file, localPath, buffers[0]));
    else if (readAhead(file)) await readFileInPieces(file, localPath, buffers[0], consume, signal);
    else await streamFile(file, localPath, buffers, consume);
    if (checksum) checksums!.set(file, crc32cBase64(crc));
  }
  return sha256.digest('hex');
}

/**
 * A small file's bytes and crc32c, read now: into `into` when it fits (the caller's reused buffer;
 * the result is a view of it), else into a buffer of its own.
 */
export function readSmallFile(file: OriginFile, localPath: string, into?: Buffer): FileContent {
  const data = readWholeFile(file, localPath, into && file.size <= into.length ? into : Buffer.allocUnsafe(file.size));
  return { data, crc32c: crc32cBase64(crc32c(data)) };
}

/** Two buffers for streaming a file: one is read into while the other is consumed. */
export function newBufferPair(): [Buffer, Buffer] {
  return [Buffer.allocUnsafe(STREAM_BUFFER_BYTES), Buffer.allocUnsafe(STREAM_BUFFER_BYTES)];
}

/**
 * Reads up to the listed size into `data` (at least that big); returns the part filled. A file that
 * shrank since it was listed is caught when its upload is checked.
 */
function readWholeFile(file: OriginFile, localPath: string, data: Buffer): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(file.absPath, 'r');
    let filled = 0;
    let bytesRead: number;
    while (filled < file.size && (bytesRead = readSync(fd, data, filled, file.size - filled, null)) > 0) filled += bytesRead;
    return filled === data.length ? data : data.subarray(0, filled);
  } catch (err) {
    throw unreadableFileError(localPath, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Feeds the whole file to `consume`, reading the next buffer while the last is consumed: a read
 * from disk overlaps the hashing.
 */
async function streamFile(file: OriginFile, localPath: string, buffers: [Buffer, Buffer], consume: (bytes: Buffer) => void): Promise<void> {
  try {
    const handle = await fs.open(file.absPath, 'r');
    try {
      let which = 0;
      let pending = handle.read(buffers[which], 0, buffers[which].length, null);
      for (;;) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) break;
        const current = buffers[which];
        which ^= 1;
        pending = handle.read(buffers[which], 0, buffers[which].length, null);
        consume(current.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw unreadableFileError(localPath, err);
  }
}

/**
 * Feeds the whole file to `consume` through one buffer, read synchronously: for a file already in
 * memory (read ahead by another thread) that costs ~5% less wall time for 1 GiB than streamFile's
 * async reads, each of which hops to libuv's thread pool (docs/ARCHITECTURE.md, "Big files").
 * The event loop gets a turn every TURN_MS, so Ctrl-C and the progress display are not held up
 * (however fast the hashing, or slow the disk when the worker has not read ahead yet).
 */
async function readFileInPieces(
  file: OriginFile,
  localPath: string,
  buffer: Buffer,
  consume: (bytes: Buffer) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(file.absPath, 'r');
    let lastTurn = performance.now();
    let bytesRead: number;
    while ((bytesRead = readSync(fd, buffer, 0, buffer.length, null)) > 0) {
      consume(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      if (performance.now() - lastTurn >= TURN_MS) {
        await setImmediate();
        signal?.throwIfAborted();
        lastTurn = performance.now();
      }
    }
  } catch (err) {
    throw signal?.aborted ? err : unreadableFileError(localPath, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The longest the pass holds the event loop between turns (a buffer's read and hash take ~0.5 ms here). */
const TURN_MS = 10;
