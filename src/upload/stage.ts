// Stages a local --origin directory in Cloud Storage the way `gcloud ai-platform versions create`
// does: list the files, name the folder after their sha256, upload each file below it.
import { createReadStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { InterruptedError, UserError } from '../errors';
import { contentTypeFor } from './content-type';
import { computeStagingPrefix } from './prefix';
import { openBucket, type StorageBucket } from './storage-client';
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
const MAX_ATTEMPTS = 4;
const FIRST_RETRY_DELAY_MS = 1000;

/**
 * Uploads every file of `opts.origin` to `gs://<bucket>/<sha256>/<relative path>` and returns the
 * deploymentUri `gs://<bucket>/<sha256>/`. Throws UserError (gcloud's wording) for a bad origin
 * or any failed upload; after a failure the other uploads are cancelled and nothing is returned.
 */
export async function stageLocalOrigin(opts: StageOptions): Promise<string> {
  const listing = await listOriginFiles(opts.origin);
  const prefix = await computeStagingPrefix(listing);
  const storage = await openBucket(opts.bucket, {
    storageEndpoint: opts.storageEndpoint,
    accessToken: await opts.accessToken?.(),
    quotaProject: opts.quotaProject,
  });

  const progress: StageProgress = {
    filesDone: 0,
    filesTotal: listing.files.length,
    bytesDone: 0,
    bytesTotal: listing.files.reduce((sum, f) => sum + f.size, 0),
  };
  opts.onProgress?.({ ...progress });
  await runPool(listing.files, opts.concurrency ?? DEFAULT_CONCURRENCY, opts.signal, async (file, signal) => {
    const target: UploadTarget = {
      localPath: gcloudLocalPath(opts.origin, file.relPath),
      bucket: opts.bucket,
      objectName: `${prefix}/${file.relPath}`,
    };
    await uploadWithRetries(storage, file, target, opts.chunkSize, signal);
    progress.filesDone += 1;
    progress.bytesDone += file.size;
    opts.onProgress?.({ ...progress });
  });
  return `gs://${opts.bucket}/${prefix}/`;
}

/**
 * Runs `work` over `items` with at most `limit` in flight. The first failure aborts the rest (their
 * requests are cancelled) and is what this throws, once everything in flight has settled.
 */
async function runPool<T>(
  items: readonly T[],
  limit: number,
  callerSignal: AbortSignal | undefined,
  work: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (!signal.aborted && next < items.length) {
      const item = items[next++];
      try {
        await work(item, signal);
      } catch (err) {
        if (firstError === undefined && !signal.aborted) firstError = err;
        controller.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (firstError !== undefined) throw firstError;
  if (callerSignal?.aborted) {
    throw callerSignal.reason instanceof UserError ? callerSignal.reason : new InterruptedError();
  }
}

async function uploadWithRetries(
  storage: StorageBucket,
  file: OriginFile,
  target: UploadTarget,
  chunkSize: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadFile(storage, file, target, chunkSize, signal);
    } catch (err) {
      if (signal.aborted || err instanceof UserError) throw err;
      if (attempt >= MAX_ATTEMPTS || !storage.isRetryable(err)) throw toUploadError(err, target, file);
    }
    await sleep(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1) * (0.5 + Math.random() / 2), signal);
  }
}

async function uploadFile(
  { bucket }: StorageBucket,
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
  // Small files are read whole (one read, one request); big ones stream.
  const source = resumable ? createReadStream(file.absPath) : [await fs.readFile(file.absPath)];
  await pipeline(source, destination, { signal });

  // gcloud checks the size the server reports; the library has checked the md5 already.
  if (Number(object.metadata.size) !== file.size) {
    throw new UserError(
      `Cloud storage upload failure. Uploaded file does not match local file: ${target.localPath}. Please retry.`,
    );
  }
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
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
