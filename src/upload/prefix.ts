// The staging prefix: gcloud names the upload folder after a sha256 of the model's bytes, so the
// same model always lands in the same place. The pass that computes it reads every file once
// (hash-pass.ts): nothing is kept (small files are read again from the page
// cache when uploaded, ~10 µs each, rather than held: holding 1000 files of 8 KiB cost 8 MB of
// peak memory), except the md5 of each small file, so that the bytes read again are known to be
// the bytes hashed.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, promises as fs } from 'node:fs';
import { HashReadError, hashFiles } from './hash-pass';
import { MULTIPART_MAX_BYTES, STREAM_BUFFER_BYTES } from './limits';
import { compareRelPaths, gcloudLocalPath, unreadableFileError, type DirectoryListing, type OriginFile } from './walk';

/** A file's bytes and their md5 (base64, as Cloud Storage reports it). */
export interface FileContent {
  data: Buffer;
  md5Hash: string;
}

/**
 * Hex sha256 of all files' contents (each up to its listed size) in sorted relative-path order.
 * gcloud uses os.walk order, which is readdir order and differs between machines; sorted is stable.
 */
export async function computeStagingPrefix(
  listing: DirectoryListing,
  signal?: AbortSignal,
  /** When given, receives the md5 (base64) of the bytes hashed, for the files `md5Wanted` names. */
  md5s?: Map<OriginFile, string>,
  md5Wanted: (file: OriginFile) => boolean = (file) => file.size <= MULTIPART_MAX_BYTES,
): Promise<string> {
  const files = [...listing.files].sort((a, b) => compareRelPaths(a.relPath, b.relPath)); // whoever built the listing
  const jobs = files.map((file) => ({ path: file.absPath, size: file.size, md5: md5s !== undefined && md5Wanted(file) }));
  try {
    const hashed = await hashFiles(jobs, signal);
    hashed.md5s.forEach((md5, i) => {
      if (md5 !== undefined) md5s?.set(files[i], md5);
    });
    return hashed.sha256;
  } catch (err) {
    if (err instanceof HashReadError) throw unreadableFileError(gcloudLocalPath(listing.origin, files[err.index].relPath), err.cause);
    throw err;
  }
}

/**
 * A small file's bytes and md5, read now: into `into` when it fits (the caller's reused buffer;
 * the result is a view of it), else into a buffer of its own.
 */
export function readSmallFile(file: OriginFile, localPath: string, into?: Buffer): FileContent {
  const data = readWholeFile(file, localPath, into && file.size <= into.length ? into : Buffer.allocUnsafe(file.size));
  return { data, md5Hash: md5Base64(data) };
}

/**
 * The md5 of each file (base64), taken on this thread one file after another, in the order given,
 * through one pair of buffers: big files, whose md5 is checked against their uploaded objects.
 * Each promise rejects with the user's error for an unreadable file, or with the signal's reason.
 */
export function md5sInTurn(files: readonly OriginFile[], origin: string, signal: AbortSignal): Map<OriginFile, Promise<string>> {
  let buffers: [Buffer, Buffer] | undefined;
  let previous: Promise<unknown> = Promise.resolve();
  return new Map(
    files.map((file) => {
      const md5 = previous.then(() => md5OfFile(file, gcloudLocalPath(origin, file.relPath), (buffers ??= newBufferPair()), signal));
      previous = md5.catch(() => undefined); // a failure is seen where that file's md5 is awaited
      return [file, md5];
    }),
  );
}

async function md5OfFile(file: OriginFile, localPath: string, buffers: [Buffer, Buffer], signal: AbortSignal): Promise<string> {
  signal.throwIfAborted();
  const md5 = createHash('md5');
  await streamFile(file, localPath, buffers, (bytes) => md5.update(bytes), signal);
  signal.throwIfAborted();
  return md5.digest('base64');
}

/** Two buffers for streaming a file: one is read into while the other is consumed. */
export function newBufferPair(): [Buffer, Buffer] {
  return [Buffer.allocUnsafe(STREAM_BUFFER_BYTES), Buffer.allocUnsafe(STREAM_BUFFER_BYTES)];
}

function md5Base64(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
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

/** Feeds the whole file to `consume`, reading the next buffer while the last is consumed; stops early when `signal` is aborted. */
async function streamFile(
  file: OriginFile,
  localPath: string,
  buffers: [Buffer, Buffer],
  consume: (bytes: Buffer) => void,
  signal: AbortSignal,
): Promise<void> {
  try {
    const handle = await fs.open(file.absPath, 'r');
    try {
      let which = 0;
      let pending = handle.read(buffers[which], 0, buffers[which].length, null);
      for (;;) {
        const { bytesRead } = await pending;
        if (bytesRead === 0 || signal.aborted) break;
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
