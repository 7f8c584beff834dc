// One big file through a resumable session: chunks of storage/upload_chunk_size streamed from disk
// through two reused buffers, and after a failed chunk a status query so the upload resumes from
// the bytes the server already holds instead of starting over.
import { open, type FileHandle } from 'node:fs/promises';
import { UserError } from '../errors';
import type { GcsClient, ObjectInfo, ResumableState } from './gcs-client';
import type { RequestBody } from './http1';
import { backOff, isRetryable, withRetries, type RetryPolicy } from './retry';
import { fileChangedError } from './upload-errors';
import { unreadableFileError, type OriginFile } from './walk';

export interface ResumableUpload {
  client: GcsClient;
  bucket: string;
  objectName: string;
  contentType: string;
  file: OriginFile;
  localPath: string;
  chunkBytes: number;
  /** Two buffers this upload may use for itself. */
  buffers: [Buffer, Buffer];
  retry: RetryPolicy;
  signal: AbortSignal;
  /** How many bytes of this file the server has, or is being sent, right now. */
  onBytes: (bytesSoFar: number) => void;
}

export async function uploadResumable(upload: ResumableUpload): Promise<ObjectInfo> {
  const { client, file, retry, signal } = upload;
  const session = await withRetries(retry, signal, () => client.startResumable(upload.bucket, upload.objectName, upload.contentType, file.size));
  let handle: FileHandle;
  try {
    handle = await open(file.absPath, 'r');
  } catch (err) {
    throw unreadableFileError(upload.localPath, err);
  }
  try {
    let committed = 0;
    let failures = 0; // in a row, without the server gaining bytes
    for (;;) {
      const start = committed;
      const length = Math.min(upload.chunkBytes, file.size - start);
      let state: ResumableState;
      let failureCounted = false; // a failed PUT and the status query after it are one failure, not two
      try {
        state = await client.putChunk(session, start, length, file.size, (body) =>
          writeFileRange(handle, start, length, body, upload, (sent) => upload.onBytes(start + sent)),
        );
      } catch (err) {
        if (signal.aborted || failures >= retry.retries || !isRetryable(err)) throw err;
        await backOff(retry, failures++, signal, err);
        failureCounted = true;
        state = await withRetries(retry, signal, () => client.queryResumable(session, file.size));
      }
      if ('done' in state) {
        upload.onBytes(file.size);
        return state.done;
      }
      if (state.committed <= start) {
        // An answer without progress counts as a failure, so a stuck session cannot loop forever.
        if (!failureCounted) failures++;
        if (failures > retry.retries) throw new UserError(`Upload of [${upload.localPath}] made no progress after ${failures} attempts.`);
      } else {
        failures = 0;
      }
      committed = Math.min(state.committed, file.size);
      upload.onBytes(committed);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes bytes `start .. start+length-1` of the file to `body` and ends it. A buffer is refilled
 * only once the socket has taken its last write, so at most the two buffers are in memory.
 */
async function writeFileRange(
  handle: FileHandle,
  start: number,
  length: number,
  body: RequestBody,
  upload: ResumableUpload,
  onSent: (sent: number) => void,
): Promise<void> {
  const flushed: (Promise<void> | undefined)[] = [undefined, undefined];
  let position = start;
  let sent = 0;
  for (let which = 0; position < start + length; which ^= 1) {
    await flushed[which];
    if (body.destroyed) return; // the request failed meanwhile; its error is what the caller sees
    const buffer = upload.buffers[which];
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, start + length - position), position));
    } catch (err) {
      throw unreadableFileError(upload.localPath, err);
    }
    if (bytesRead === 0) throw fileChangedError(upload.localPath); // the file shrank since it was listed
    position += bytesRead;
    // A failed write needs no handling here: it fails the request, and the caller sees that error.
    flushed[which] = new Promise((resolve) =>
      body.write(buffer.subarray(0, bytesRead), (err) => {
        if (!err) onSent((sent += bytesRead));
        resolve();
      }),
    );
  }
  await Promise.all(flushed);
  body.end();
}
