// One big file through a resumable session: chunks of storage/upload_chunk_size streamed from disk
// through two reused buffers, and after a failed chunk a status query so the upload resumes from
// the bytes the server already holds instead of starting over. Failures are judged and waited
// out by the network layer's one policy (src/net/retry.ts).
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { UserError } from '../errors';
import { Backoff, classify, NetworkError, retryAfterMs, type Clock, type RetryPolicy, type StreamedBody } from '../net';
import { GcsHttpError, type GcsClient, type ObjectInfo, type ResumableState } from './gcs-client';
import { fileChangedError } from './upload-errors';
import { unreadableFileError, type OriginFile } from './walk';

export interface ResumableUpload {
  client: GcsClient;
  bucket: string;
  objectName: string;
  contentType: string;
  /** `0`, or the generation of a torn object of ours it replaces (see GcsClient.uploadMultipart). */
  ifGenerationMatch?: string;
  file: OriginFile;
  localPath: string;
  chunkBytes: number;
  /** Two buffers this upload may use for itself. */
  buffers: [Buffer, Buffer];
  retry: RetryPolicy;
  clock: Clock;
  signal: AbortSignal;
  /** Told of each retry of a chunk before its wait (logged at --verbosity=info). */
  onRetry: (reason: string, delayMs: number) => void;
  /** How many bytes of this file the server has, or is being sent, right now. */
  onBytes: (bytesSoFar: number) => void;
}

export async function uploadResumable(upload: ResumableUpload): Promise<ObjectInfo> {
  const { client, file, signal } = upload;
  const session = await client.startResumable(upload.bucket, upload.objectName, upload.contentType, file.size, upload.ifGenerationMatch);
  let handle: FileHandle;
  try {
    handle = await open(file.absPath, 'r');
  } catch (err) {
    throw unreadableFileError(upload.localPath, err);
  }
  try {
    let committed = 0;
    // Counts the failures since the server last gained bytes, so a stuck session cannot loop forever.
    let backoff = new Backoff(upload.retry, upload.clock);
    for (;;) {
      const start = committed;
      const length = Math.min(upload.chunkBytes, file.size - start);
      let state: ResumableState;
      let failed = false;
      try {
        state = await client.putChunk(session, start, file.size, fileRange(handle, start, length, upload));
      } catch (err) {
        if (signal.aborted || !chunkRetryable(err)) throw err;
        await waitBeforeRetry(upload, backoff, err);
        failed = true;
        state = await client.queryResumable(session, file.size);
      }
      if ('done' in state) {
        upload.onBytes(file.size);
        return state.done;
      }
      if (state.committed > start) {
        backoff = new Backoff(upload.retry, upload.clock);
      } else if (!failed && backoff.next() === undefined) {
        // An answer without progress counts as a failure too.
        throw new UserError(`Upload of [${upload.localPath}] made no progress after ${backoff.attempts} attempts.`);
      }
      committed = Math.min(state.committed, file.size);
      upload.onBytes(committed);
    }
  } finally {
    await handle.close();
  }
}

/** The network layer's verdict on a failed chunk (a GcsHttpError is an answer with its status). */
function chunkRetryable(err: unknown): boolean {
  if (err instanceof GcsHttpError) return classify({ status: err.status }).retry;
  if (err instanceof NetworkError) return classify({ error: err.cause, requestSent: err.maybeActed }).retry;
  return false;
}

async function waitBeforeRetry(upload: ResumableUpload, backoff: Backoff, err: unknown): Promise<void> {
  const hinted = err instanceof GcsHttpError ? retryAfterMs(err.retryAfter, upload.clock.now()) : undefined;
  const delay = backoff.next(hinted);
  if (delay === undefined) throw err;
  upload.onRetry(err instanceof GcsHttpError ? `HTTP ${err.status}` : (err as Error).message, delay);
  await upload.clock.sleep(delay, upload.signal);
}

/**
 * Bytes `start .. start+length-1` of the file as a request body, read through the upload's two
 * buffers: one is filled while the other is on its way. A buffer is refilled only once the
 * connection has taken it (undici waits for the socket to drain after each write bigger than its
 * high-water mark, which the buffers are), so at most the two are in memory. The reads are
 * synchronous, as small files' are: the hash pass has just read the file, so its pages are in
 * memory, and an async read's hop to libuv's thread pool took the core the receiving end needs
 * (c and e ~5% faster; docs/ARCHITECTURE.md, "Big files"). The kernel's socket buffer keeps
 * sending the last piece while the next one is read. (A model bigger than the page cache comes
 * from disk here, a short synchronous read per piece.)
 */
function fileRange(handle: FileHandle, start: number, length: number, upload: ResumableUpload): StreamedBody {
  // Fills the buffer (only the range's last piece is shorter), so every piece but the last outgrows the socket's high-water mark.
  const read = (buffer: Buffer, position: number): Buffer => {
    const wanted = Math.min(buffer.length, start + length - position);
    let filled = 0;
    while (filled < wanted) {
      let bytesRead: number;
      try {
        bytesRead = readSync(handle.fd, buffer, filled, wanted - filled, position + filled);
      } catch (err) {
        throw unreadableFileError(upload.localPath, err);
      }
      if (bytesRead === 0) throw fileChangedError(upload.localPath); // the file shrank since it was listed
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  };
  return {
    length,
    async *chunks() {
      let which = 0;
      for (let position = start; position < start + length; ) {
        // Resumed once the connection has taken the last piece; the one before it, in this buffer, is gone.
        const chunk = read(upload.buffers[which], position);
        position += chunk.length;
        which ^= 1;
        yield chunk;
        upload.onBytes(position);
      }
    },
  };
}
