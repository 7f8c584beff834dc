// Stages a local --origin directory in Cloud Storage the way `gcloud ai-platform versions create`
// does (list the files, name the folder after their sha256, upload each file below it), but in
// parallel, in constant memory, skipping objects that are already there.
import { setMaxListeners } from 'node:events';
import { InterruptedError, UserError } from '../errors';
import { contentTypeFor } from './content-type';
import { GcsClient, GcsHttpError, type ObjectInfo } from './gcs-client';
import {
  BIG_FILE_CONCURRENCY,
  CHUNK_GRANULARITY_BYTES,
  DEFAULT_CHUNK_BYTES,
  IN_FLIGHT_BUDGET_BYTES,
  MULTIPART_MAX_BYTES,
  SMALL_FILE_CONCURRENCY,
  SMALL_READ_BUFFER_BYTES,
} from './limits';
import { ByteBudget, runPool } from './pool';
import { computeStagingPrefix, md5OfFile, newBufferPair, readSmallFile } from './prefix';
import { uploadResumable } from './resumable';
import { UPLOAD_RETRY, withRetries, type RetryPolicy } from './retry';
import { bucketMissingError, fileMismatchError, toUploadError, type UploadTarget } from './upload-errors';
import { gcloudLocalPath, listOriginFiles, type DirectoryListing, type OriginFile } from './walk';

export { MULTIPART_MAX_BYTES } from './limits';

export interface StageProgress {
  /** hashing: the sha256 pass; listing: asking what is already there; uploading; done. */
  phase: 'hashing' | 'listing' | 'uploading' | 'done';
  filesTotal: number;
  bytesTotal: number;
  /** Files uploaded or skipped so far, and their bytes (partly sent big files count what is sent). */
  filesDone: number;
  bytesDone: number;
  /** Of those, already in the bucket with the same size and md5, so not uploaded again. */
  filesSkipped: number;
  bytesSkipped: number;
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
  /** The credential sentence gcloud appends to 401/403 upload errors. */
  credentialInfo?: () => string;
  /** storage/upload_chunk_size in bytes: resumable uploads send chunks of this size. */
  chunkSize?: number;
  /** Small-file uploads in flight at once (big files: at most BIG_FILE_CONCURRENCY of them). */
  concurrency?: number;
  /** Called whenever the counts change (often: throttle what you draw). */
  onProgress?: (progress: StageProgress) => void;
  signal?: AbortSignal;
  /** Retries of each upload request (tests shorten the back-off). */
  retry?: RetryPolicy;
  /** The origin's files when the caller has listed them already (the pre-flight check does). */
  listing?: DirectoryListing;
}

/**
 * Uploads every file of `opts.origin` to `gs://<bucket>/<sha256>/<relative path>` and returns the
 * deploymentUri `gs://<bucket>/<sha256>/`. Objects already there with the same size and md5 are
 * not sent again. Throws UserError (gcloud's wording) for a bad origin or any failed upload; the
 * first failure stops the rest and nothing is returned.
 */
export async function stageLocalOrigin(opts: StageOptions): Promise<string> {
  const cancel = new AbortController();
  const smallConcurrency = Math.max(1, opts.concurrency ?? SMALL_FILE_CONCURRENCY);
  const bigConcurrency = Math.min(smallConcurrency, BIG_FILE_CONCURRENCY);
  setMaxListeners(smallConcurrency + bigConcurrency + 10, cancel.signal); // one per upload waiting to retry
  const forwardCallerAbort = () => cancel.abort(opts.signal?.reason);
  if (opts.signal?.aborted) forwardCallerAbort();
  opts.signal?.addEventListener('abort', forwardCallerAbort, { once: true });
  let client: GcsClient | undefined;
  try {
    const listing = opts.listing ?? (await listOriginFiles(opts.origin));
    const progress: StageProgress = {
      phase: 'hashing',
      filesTotal: listing.files.length,
      bytesTotal: listing.files.reduce((sum, f) => sum + f.size, 0),
      filesDone: 0,
      bytesDone: 0,
      filesSkipped: 0,
      bytesSkipped: 0,
    };
    const report = () => opts.onProgress?.({ ...progress });
    report();
    // Buffers are reused from the hash pass to file after file: no garbage per file.
    const spareBuffers = [newBufferPair()];
    const prefix = await computeStagingPrefix(listing, spareBuffers[0], cancel.signal);
    const accessToken = await opts.accessToken?.();
    cancel.signal.throwIfAborted();
    client = new GcsClient({
      storageEndpoint: opts.storageEndpoint,
      accessToken,
      quotaProject: opts.quotaProject,
      signal: cancel.signal,
    });
    const retry = opts.retry ?? UPLOAD_RETRY;
    const targetOf = (file: OriginFile): UploadTarget => ({
      localPath: gcloudLocalPath(opts.origin, file.relPath),
      bucket: opts.bucket,
      objectName: `${prefix}/${file.relPath}`,
    });

    progress.phase = 'listing';
    report();
    const existing = await objectsUnder(client, opts.bucket, `${prefix}/`, retry, cancel.signal);
    const toUpload: OriginFile[] = [];
    for (const file of listing.files) {
      const there = existing.get(targetOf(file).objectName);
      if (there && (await sameContent(file, there, targetOf(file).localPath, spareBuffers[0][0]))) {
        progress.filesDone += 1;
        progress.bytesDone += file.size;
        progress.filesSkipped += 1;
        progress.bytesSkipped += file.size;
      } else {
        toUpload.push(file);
      }
    }

    progress.phase = 'uploading';
    report();
    const fileDone = () => {
      progress.filesDone += 1;
      report();
    };
    // Each small upload reads its file into a buffer of its own, reused by the next upload; a file
    // too big for it gets a buffer of its size, and those are bounded by the in-flight budget.
    const readBuffers: Buffer[] = [];
    const inFlight = new ByteBudget(IN_FLIGHT_BUDGET_BYTES);
    const uploadSmall = async (file: OriginFile) => {
      const target = targetOf(file);
      const readBuffer = readBuffers.pop() ?? Buffer.allocUnsafeSlow(SMALL_READ_BUFFER_BYTES);
      const bytes = file.size <= readBuffer.length ? 0 : file.size;
      await inFlight.acquire(bytes);
      try {
        cancel.signal.throwIfAborted();
        const content = readSmallFile(file, target.localPath, readBuffer);
        const info = await withRetries(retry, cancel.signal, () =>
          client!.uploadMultipart(opts.bucket, target.objectName, contentTypeFor(target.localPath), content.data, content.md5Hash),
        );
        checkUploaded(info, file, target, content.md5Hash);
      } catch (err) {
        throw cancel.signal.aborted ? err : toUploadError(err, target, file, opts.credentialInfo);
      } finally {
        inFlight.release(bytes);
        readBuffers.push(readBuffer);
      }
      progress.bytesDone += file.size;
      fileDone();
    };

    const chunkBytes = chunkSizeOf(opts.chunkSize);
    const uploadBig = async (file: OriginFile) => {
      const target = targetOf(file);
      const buffers = spareBuffers.pop() ?? newBufferPair();
      let counted = 0;
      try {
        const info = await uploadResumable({
          client: client!,
          bucket: opts.bucket,
          objectName: target.objectName,
          contentType: contentTypeFor(target.localPath),
          file,
          localPath: target.localPath,
          chunkBytes,
          buffers,
          retry,
          signal: cancel.signal,
          onBytes: (bytesSoFar) => {
            progress.bytesDone += bytesSoFar - counted;
            counted = bytesSoFar;
            report();
          },
        });
        checkUploaded(info, file, target);
      } catch (err) {
        throw cancel.signal.aborted ? err : toUploadError(err, target, file, opts.credentialInfo);
      } finally {
        spareBuffers.push(buffers);
      }
      fileDone();
    };

    const small = toUpload.filter((f) => f.size <= MULTIPART_MAX_BYTES);
    const big = toUpload.filter((f) => f.size > MULTIPART_MAX_BYTES);
    // Both pools share `cancel`: the first failure in either stops the other.
    const results = await Promise.allSettled([runPool(small, smallConcurrency, cancel, uploadSmall), runPool(big, bigConcurrency, cancel, uploadBig)]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
    cancel.signal.throwIfAborted(); // the pools stop quietly when the caller aborts
    progress.phase = 'done';
    report();
    return `gs://${opts.bucket}/${prefix}/`;
  } catch (err) {
    if (opts.signal?.aborted) throw interruption(opts.signal);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', forwardCallerAbort);
    client?.close();
  }
}

function interruption(signal: AbortSignal): UserError {
  return signal.reason instanceof UserError ? signal.reason : new InterruptedError();
}

/** Chunks are whole multiples of 256 KiB, as Cloud Storage requires; gcloud's 100 MiB by default. */
function chunkSizeOf(configured: number | undefined): number {
  if (!configured) return DEFAULT_CHUNK_BYTES;
  return Math.max(CHUNK_GRANULARITY_BYTES, Math.floor(configured / CHUNK_GRANULARITY_BYTES) * CHUNK_GRANULARITY_BYTES);
}

/**
 * What is already under the prefix. A missing bucket is gcloud's upload error; a listing that
 * fails otherwise (e.g. no storage.objects.list permission) just means nothing is skipped.
 */
async function objectsUnder(client: GcsClient, bucket: string, prefix: string, retry: RetryPolicy, signal: AbortSignal): Promise<Map<string, ObjectInfo>> {
  try {
    return await withRetries(retry, signal, () => client.listObjects(bucket, prefix));
  } catch (err) {
    if (signal.aborted) throw err;
    if (err instanceof GcsHttpError && err.status === 404) throw bucketMissingError(bucket);
    return new Map();
  }
}

/** Same size and md5 (the md5 is computed only when the size already matches). */
async function sameContent(file: OriginFile, there: ObjectInfo, localPath: string, scratch: Buffer): Promise<boolean> {
  if (there.size !== file.size || !there.md5Hash) return false;
  const md5Hash = file.size <= MULTIPART_MAX_BYTES ? readSmallFile(file, localPath, scratch).md5Hash : await md5OfFile(file, localPath);
  return md5Hash === there.md5Hash;
}

/** gcloud checks the size the server reports; the md5 too when both sides have one. */
function checkUploaded(info: ObjectInfo, file: OriginFile, target: UploadTarget, md5Hash?: string): void {
  if (info.size !== file.size || (md5Hash && info.md5Hash && info.md5Hash !== md5Hash)) throw fileMismatchError(target.localPath);
}
