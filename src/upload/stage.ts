// Stages a local --origin directory in Cloud Storage the way `gcloud ai-platform versions create`
// does (list the files, name the folder after their sha256, upload each file below it), but in
// parallel, in constant memory, skipping objects that are already there, and never overwriting an
// object (ifGenerationMatch=0). What is deployed is what was hashed: every file's crc32c is taken in
// the hash pass (small files' is compared with the bytes read again to upload them), or for big
// files on a worker thread alongside it when they are many and the CPU's CRC32C instruction is not
// at hand (checksum-worker.ts); every object's server checksum must match; and a big file whose
// stat identity (inode, size, mtime, ctime) moved since it was listed fails the deploy, naming it.
import { setMaxListeners } from 'node:events';
import { preferNativeCrc32c } from '../checksum/crc32c';
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
  WORKER_CHECKSUM_MIN_BYTES,
} from './limits';
import { ByteBudget, runPool } from './pool';
import { computeStagingPrefix, newBufferPair, readSmallFile } from './prefix';
import { uploadResumable } from './resumable';
import { systemClock, UPLOAD_RETRY, type Clock, type HttpClient, type RetryPolicy, type TokenSource } from '../net';
import {
  bucketMissingError,
  fileChangedError,
  fileMismatchError,
  stagedConflictError,
  StagingError,
  toUploadError,
  type UploadTarget,
} from './upload-errors';
import { Crc32cWorker } from './checksum-worker';
import {
  gcloudLocalPath,
  listOriginFiles,
  unchangedSinceListed,
  unreadableFileError,
  type DirectoryListing,
  type OriginFile,
} from './walk';

export { MULTIPART_MAX_BYTES } from './limits';

export interface StageProgress {
  /** hashing: the sha256 pass; listing: asking what is already there; uploading; done. */
  phase: 'hashing' | 'listing' | 'uploading' | 'done';
  filesTotal: number;
  bytesTotal: number;
  /** Files uploaded or skipped so far, and their bytes (partly sent big files count what is sent). */
  filesDone: number;
  bytesDone: number;
  /** Of those, already in the bucket with the same size and checksum, so not uploaded again. */
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
  /** The CLI's HTTP client (its proxy, TLS, timeouts, headers and --log-http). */
  http: HttpClient;
  /** Asked for a bearer token on every request; none, or a token of undefined, sends no Authorization header. */
  credentials?: TokenSource;
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
  /** The clock of the resumable uploads' back-off (the HTTP client has its own). */
  clock?: Clock;
  /** Told of each retry of a resumable chunk (the client logs its own retries). */
  onRetry?: (reason: string, delayMs: number) => void;
  /** The origin's files when the caller has listed them already (the pre-flight check does). */
  listing?: DirectoryListing;
}

/**
 * Uploads every file of `opts.origin` to `gs://<bucket>/<sha256>/<relative path>` and returns the
 * deploymentUri `gs://<bucket>/<sha256>/`. Objects already there with the same size and checksum are
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
  let uploadedSoFar = () => 0;
  let checksumWorker: Crc32cWorker | undefined;
  let folder = '';
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
    uploadedSoFar = () => progress.filesDone - progress.filesSkipped;
    report();
    // Buffers are reused from the hash pass to file after file: no garbage per file.
    const spareBuffers = [newBufferPair()];
    // Every file's crc32c is taken in the hash pass. When big files add up to more than
    // WORKER_CHECKSUM_MIN_BYTES, the pass takes theirs on the CPU's CRC32C instruction if there is a
    // binary for it (it costs ~3 MB to load: not worth it for fewer bytes), else they go on a worker
    // meanwhile (a failure surfaces where it is awaited). The worker costs ~10 MB while it runs; a
    // crc32c of 128 MiB on this thread ~0.08 s with the WebAssembly loop.
    const bigFiles = listing.files.filter((f) => f.size > MULTIPART_MAX_BYTES);
    const onWorker = bigFiles.reduce((sum, f) => sum + f.size, 0) > WORKER_CHECKSUM_MIN_BYTES && !preferNativeCrc32c();
    checksumWorker = onWorker ? new Crc32cWorker(bigFiles.map((file) => file.absPath)) : undefined;
    const fromWorker = new Map(checksumWorker ? bigFiles.map((file, i) => [file, checksumWorker!.crc32cs[i]]) : []);
    for (const pending of fromWorker.values()) pending.catch(() => undefined);
    const hashed = new Map<OriginFile, string>();
    const prefix = await computeStagingPrefix(listing, spareBuffers[0], cancel.signal, hashed, (file) => !fromWorker.has(file));
    folder = `gs://${opts.bucket}/${prefix}/`;
    cancel.signal.throwIfAborted();
    const retry = opts.retry ?? UPLOAD_RETRY;
    const client = new GcsClient({
      storageEndpoint: opts.storageEndpoint,
      http: opts.http,
      credentials: opts.credentials,
      retry,
      signal: cancel.signal,
    });
    const targetOf = (file: OriginFile): UploadTarget => ({
      localPath: gcloudLocalPath(opts.origin, file.relPath),
      bucket: opts.bucket,
      objectName: `${prefix}/${file.relPath}`,
    });

    progress.phase = 'listing';
    report();
    const existing = await objectsUnder(client, opts.bucket, `${prefix}/`, cancel.signal);
    const toUpload: OriginFile[] = [];
    // What the files' bytes are known to be: their checksum from the hash pass, or from the worker
    // (every listed file has one or the other).
    const checksumKnown = (file: OriginFile): string | Promise<string> =>
      hashed.get(file) ?? fromWorker.get(file)!.catch((err: unknown) => Promise.reject(unreadableFileError(targetOf(file).localPath, err)));
    for (const file of listing.files) {
      const there = existing.get(targetOf(file).objectName);
      if (!there) {
        toUpload.push(file);
        continue;
      }
      // An object there with other bytes is never overwritten: the deploy stops before uploading anything.
      if (!(await sameContent(file, there, checksumKnown))) throw stagedConflictError(targetOf(file));
      progress.filesDone += 1;
      progress.bytesDone += file.size;
      progress.filesSkipped += 1;
      progress.bytesSkipped += file.size;
    }
    /** After a 412 (an object appeared since the listing, maybe from our own attempt whose answer was lost): ours, or a conflict. */
    const alreadyThere = async (file: OriginFile, target: UploadTarget): Promise<ObjectInfo> => {
      const there = await client.getObject(opts.bucket, target.objectName);
      if (!there || !(await sameContent(file, there, checksumKnown))) throw stagedConflictError(target);
      return there;
    };

    progress.phase = 'uploading';
    report();
    const fileDone = () => {
      progress.filesDone += 1;
      report();
    };
    // Each small upload lays its request out in a buffer of its own, reused by the next upload, and
    // reads the file straight into it; a request too big for it gets a bigger buffer, bounded by
    // the in-flight budget and kept for reuse too (up to the same budget): a fresh buffer per file
    // would pile up as garbage until a GC.
    const readBuffers: Buffer[] = [];
    const largeBuffers = new SpareBuffers(IN_FLIGHT_BUDGET_BYTES);
    const inFlight = new ByteBudget(IN_FLIGHT_BUDGET_BYTES);
    const uploadSmall = async (file: OriginFile) => {
      const target = targetOf(file);
      // The crc32c of the hash pass goes in the request, and the bytes read now must have it.
      const crc32c = hashed.get(file)!;
      const request = client.multipartRequest(target.objectName, contentTypeFor(target.localPath), crc32c, file.size);
      const bytes = request.length <= SMALL_READ_BUFFER_BYTES ? 0 : request.length;
      await inFlight.acquire(bytes);
      const readBuffer = bytes === 0 ? (readBuffers.pop() ?? Buffer.allocUnsafeSlow(SMALL_READ_BUFFER_BYTES)) : largeBuffers.take(bytes);
      try {
        cancel.signal.throwIfAborted();
        const { body, media } = request.layOut(readBuffer);
        const content = readSmallFile(file, target.localPath, media);
        if (content.data.length !== file.size || content.crc32c !== crc32c) throw fileChangedError(target.localPath);
        const info = await client
          .uploadMultipart(opts.bucket, request, body)
          .catch((err: unknown) => (isPreconditionFailure(err) ? alreadyThere(file, target) : Promise.reject(err)));
        checkUploaded(info, file, target, crc32c);
      } catch (err) {
        throw cancel.signal.aborted ? err : toUploadError(err, target, file, opts.credentialInfo);
      } finally {
        if (bytes === 0) readBuffers.push(readBuffer);
        else largeBuffers.give(readBuffer);
        inFlight.release(bytes);
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
        const uploaded = await uploadResumable({
          client,
          bucket: opts.bucket,
          objectName: target.objectName,
          contentType: contentTypeFor(target.localPath),
          file,
          localPath: target.localPath,
          chunkBytes,
          buffers,
          retry,
          clock: opts.clock ?? systemClock,
          onRetry: opts.onRetry ?? (() => undefined),
          signal: cancel.signal,
          onBytes: (bytesSoFar) => {
            progress.bytesDone += bytesSoFar - counted;
            counted = bytesSoFar;
            report();
          },
        }).catch((err: unknown) => (isPreconditionFailure(err) ? alreadyThere(file, target) : Promise.reject(err)));
        // The object must hold the file's bytes, and the file must not have changed since it was listed.
        if (!unchangedSinceListed(file)) throw fileChangedError(target.localPath);
        checkUploaded(uploaded, file, target, await checksumKnown(file));
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
    const results = await Promise.allSettled([
      runPool(small, smallConcurrency, cancel, uploadSmall),
      runPool(big, bigConcurrency, cancel, uploadBig),
    ]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
    cancel.signal.throwIfAborted(); // the pools stop quietly when the caller aborts
    progress.phase = 'done';
    report();
    return folder;
  } catch (err) {
    const failure = opts.signal?.aborted ? interruption(opts.signal) : err;
    const uploaded = uploadedSoFar();
    if (uploaded > 0 && failure instanceof UserError) {
      const objects = uploaded === 1 ? '1 object was' : `${uploaded} objects were`;
      throw new StagingError(
        failure,
        `${objects} uploaded to ${folder} before staging stopped; they stay there, and a run with the same files skips them.`,
      );
    }
    throw failure;
  } finally {
    opts.signal?.removeEventListener('abort', forwardCallerAbort);
    checksumWorker?.stop();
  }
}

/** Buffers of at least a given size, reused; those kept add up to at most `keepBytes`. */
class SpareBuffers {
  private readonly spare: Buffer[] = [];
  private kept = 0;

  constructor(private readonly keepBytes: number) {}

  /** The smallest spare that fits, else a new one (rounded up to 256 KiB, so it fits more files later). */
  take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      if (this.spare[i].length >= size && (best < 0 || this.spare[i].length < this.spare[best].length)) best = i;
    }
    if (best < 0) return Buffer.allocUnsafeSlow(Math.ceil(size / CHUNK_GRANULARITY_BYTES) * CHUNK_GRANULARITY_BYTES);
    const [buffer] = this.spare.splice(best, 1);
    this.kept -= buffer.length;
    return buffer;
  }

  give(buffer: Buffer): void {
    if (this.kept + buffer.length > this.keepBytes) return; // dropped: the GC takes it
    this.spare.push(buffer);
    this.kept += buffer.length;
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
 * fails otherwise (e.g. no storage.objects.list permission) just means nothing is skipped (uploads
 * never overwrite, so nothing is lost).
 */
async function objectsUnder(client: GcsClient, bucket: string, prefix: string, signal: AbortSignal): Promise<Map<string, ObjectInfo>> {
  try {
    return await client.listObjects(bucket, prefix);
  } catch (err) {
    if (signal.aborted || err instanceof UserError) throw err; // e.g. a listing that would never end
    if (err instanceof GcsHttpError && err.status === 404) throw bucketMissingError(bucket);
    return new Map();
  }
}

/** Same size and checksum (computed only when the size already matches). */
async function sameContent(
  file: OriginFile,
  there: ObjectInfo,
  checksumKnown: (file: OriginFile) => string | Promise<string>,
): Promise<boolean> {
  return there.size === file.size && there.crc32c !== undefined && there.crc32c === (await checksumKnown(file));
}

/**
 * The size and the checksum the server reports must be those of the bytes sent. (A server that
 * reports no checksum, as for objects encrypted with a customer-supplied key, is checked by size
 * only, as gcloud does; small files' crc32c was sent along for the server to check.)
 */
function checkUploaded(info: ObjectInfo, file: OriginFile, target: UploadTarget, checksum: string): void {
  const reported = info.crc32c;
  if (info.size !== file.size || (reported !== undefined && reported !== checksum)) throw fileMismatchError(target.localPath);
}

/** 412: ifGenerationMatch=0 found an object under the name. */
function isPreconditionFailure(err: unknown): boolean {
  return err instanceof GcsHttpError && err.status === 412;
}
