// Stages a local --origin directory in Cloud Storage the way `gcloud ai-platform versions create`
// does: list the files, name the folder after their sha256, upload each file below it.
import type { Bucket } from '@google-cloud/storage';
import { setMaxListeners } from 'node:events';
import { createReadStream, promises as fs } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InterruptedError, UserError } from '../errors';
import { contentTypeFor } from './content-type';
import { computeStagingPrefix } from './prefix';
import { openBucket, type StorageSession } from './storage-client';
import { toUploadError, type UploadTarget } from './upload-errors';
import { gcloudLocalPath, listOriginFiles, type OriginFile } from './walk';

export interface StageProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface StageOptions {
  /** Local directory as the user typed it (relative to the working directory, or absolute). */
  origin: string;
  /** Staging bucket name (validated, without gs://). */
  bucket: string;
  /** JSON API base (api_endpoint_overrides/storage), e.g. `https://storage.googleapis.com/storage/v1/`. */
  storageEndpoint: string;
  /** Bearer token source; resolving to undefined sends no Authorization header. */
  accessToken?: () => Promise<string | undefined>;
  /** X-Goog-User-Project header when set. */
  quotaProject?: string;
  /** storage/upload_chunk_size in bytes: resumable uploads send chunks of this size. */
  chunkSize?: number;
  /** Uploads in flight at once. */
  concurrency?: number;
  onProgress?: (progress: StageProgress) => void;
  signal?: AbortSignal;
}

/** gcloud (apitools) sends files up to this size as one multipart request, bigger ones resumably. */
export const MULTIPART_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 16;
const MULTIPART_RETRIES = 3;
const FIRST_RETRY_DELAY_MS = 1000;

/**
 * Uploads every file of `opts.origin` to `gs://<bucket>/<sha256>/<relative path>` and returns the
 * deploymentUri `gs://<bucket>/<sha256>/`. Throws UserError (gcloud's wording) for a bad origin
 * or any failed upload; the first failure stops the rest and nothing is returned.
 */
export async function stageLocalOrigin(opts: StageOptions): Promise<string> {
  const listing = await listOriginFiles(opts.origin);
  const prefix = await computeStagingPrefix(listing);
  const accessToken = await opts.accessToken?.();

  const progress: StageProgress = {
    filesDone: 0,
    filesTotal: listing.files.length,
    bytesDone: 0,
    bytesTotal: listing.files.reduce((sum, f) => sum + f.size, 0),
  };
  opts.onProgress?.({ ...progress });
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  const cancel = new AbortController();
  setMaxListeners(concurrency * 4 + 10, cancel.signal); // a few per upload in flight
  const forwardCallerAbort = () => cancel.abort(opts.signal?.reason);
  if (opts.signal?.aborted) forwardCallerAbort();
  opts.signal?.addEventListener('abort', forwardCallerAbort, { once: true });
  const storage = openBucket(
    opts.bucket,
    { storageEndpoint: opts.storageEndpoint, accessToken, quotaProject: opts.quotaProject },
    cancel.signal,
  );
  try {
    await runPool(listing.files, concurrency, cancel, async (file) => {
      const target: UploadTarget = {
        localPath: gcloudLocalPath(opts.origin, file.relPath),
        bucket: opts.bucket,
        objectName: `${prefix}/${file.relPath}`,
      };
      await uploadWithRetries(storage, file, target, opts.chunkSize, cancel.signal);
      progress.filesDone += 1;
      progress.bytesDone += file.size;
      opts.onProgress?.({ ...progress });
    });
  } finally {
    opts.signal?.removeEventListener('abort', forwardCallerAbort);
    storage.close();
  }
  if (opts.signal?.aborted) {
    throw opts.signal.reason instanceof UserError ? opts.signal.reason : new InterruptedError();
  }
  return `gs://${opts.bucket}/${prefix}/`;
}

/**
 * Runs `work` over `items`, at most `limit` at a time, in order. The first failure aborts `cancel`
 * (so nothing new starts and uploads in flight are dropped) and is what this throws.
 */
async function runPool<T>(
  items: readonly T[],
  limit: number,
  cancel: AbortController,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (!cancel.signal.aborted && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        if (!cancel.signal.aborted) {
          firstError = err;
          cancel.abort(err);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError !== undefined) throw firstError;
}

/**
 * Uploads one file, retrying multipart uploads on 429/5xx/dropped connections like gcloud does
 * (resumable uploads retry inside the library). Failures come out as gcloud's UserErrors.
 */
async function uploadWithRetries(
  storage: StorageSession,
  file: OriginFile,
  target: UploadTarget,
  chunkSize: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const retries = file.size > MULTIPART_MAX_BYTES ? 0 : MULTIPART_RETRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      return await uploadFile(storage.bucket, file, target, chunkSize, signal);
    } catch (err) {
      if (signal.aborted || err instanceof UserError) throw err;
      if (attempt >= retries || !storage.isRetryable(err)) throw toUploadError(err, target, file);
    }
    await sleep(FIRST_RETRY_DELAY_MS * 2 ** attempt * (0.5 + Math.random() / 2), signal);
  }
}

async function uploadFile(
  bucket: Bucket,
  file: OriginFile,
  target: UploadTarget,
  chunkSize: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const object = bucket.file(target.objectName);
  const contentType = contentTypeFor(target.localPath);
  const resumable = file.size > MULTIPART_MAX_BYTES;
  const destination = object.createWriteStream({
    resumable,
    contentType,
    // contentLength lets a resumable upload announce its size (X-Upload-Content-Length).
    metadata: resumable ? { contentType, contentLength: file.size } : { contentType },
    ...(resumable && chunkSize ? { chunkSize } : {}),
    validation: 'md5',
    gzip: false,
  });
  if (resumable) {
    // Aborting destroys the stream; the session then cuts off its requests (see openBucket).
    await pipeline(createReadStream(file.absPath), destination, { signal });
  } else {
    // A multipart request cannot be cancelled through the library (destroying its body mid-way
    // would leave the request hanging), so on abort it is sent whole and left to finish unawaited.
    const data = await fs.readFile(file.absPath);
    signal.throwIfAborted();
    await untilAborted(endWith(destination, data), signal);
  }

  // gcloud checks the size the server reports; the library has checked the md5 already.
  if (Number(object.metadata.size) !== file.size) {
    throw new UserError(
      `Cloud storage upload failure. Uploaded file does not match local file: ${target.localPath}. Please retry.`,
    );
  }
}

function endWith(destination: Writable, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    destination.on('error', reject).once('finish', resolve).end(data);
  });
}

/** `promise`, or the abort reason as soon as `signal` aborts (the promise runs on, ignored). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
