// Stages a local --origin directory in Cloud Storage the way `gcloud ai-platform versions create`
// does (list the files, name the folder after their sha256, upload each file below it), but in
// parallel, in constant memory, skipping objects that are already there, and never overwriting an
// object (ifGenerationMatch=0). What is deployed is what was hashed: every file's crc32c is taken in
// the hash pass (small files' is compared with the bytes read again to upload them), or for big
// files on a worker thread alongside it when they are many and there is a second core
// (checksum-worker.ts); every object's server checksum must match; and a big file whose
// stat identity (inode, size, mtime, ctime) moved since it was listed fails the deploy, naming it,
// and the object just written from it is deleted (only that write: ifGenerationMatch). Every
// object carries STAGED_MARKER, so a torn object of ours left behind anyway (its deleting failed)
// is replaced by a later run, while another writer's object with other bytes stops the deploy.
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
import { hashOrigin, type HashedOrigin } from './origin-hash';
import { newBufferPair, readSmallFile } from './prefix';
import { uploadResumable } from './resumable';
import { systemClock, UPLOAD_RETRY, type Clock, type HttpClient, type RetryPolicy, type TokenSource } from '../net';
import {
  bucketMissingError,
  fileChangedError,
  fileMismatchError,
  stagedConflictError,
  StagingError,
  toUploadError,
  tornObjectError,
  type UploadTarget,
} from './upload-errors';
import { gcloudLocalPath, listOriginFiles, unchangedSinceListed, type DirectoryListing, type OriginFile } from './walk';

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
  /** The hash pass of this origin's listing, when a check before staging ran it already (hashOrigin): not run again. */
  hashed?: HashedOrigin;
}

/**
 * Uploads every file of `opts.origin` to `gs://<bucket>/<sha256>/<relative path>` and returns the
 * deploymentUri `gs://<bucket>/<sha256>/`. Objects already there with the same size and checksum are
 * not sent again. Throws UserError (gcloud's wording) for a bad origin or any failed upload; the
 * first failure stops the rest and nothing is returned.
 */
export async function stageLocalOrigin(opts: StageOptions): Promise<string> {
  const run = new StagingRun(opts);
  try {
    const toUpload = await run.plan();
    await run.upload(toUpload);
    return run.done();
  } catch (err) {
    throw run.failure(err);
  } finally {
    run.close();
  }
}

/**
 * One staging run: the plan (list, hash, name the folder, skip what is there), then the small files
 * and the big files uploaded in two pools over the state the plan left: the checksums, the client,
 * the spare buffers, the progress counts and one cancellation for everything.
 */
class StagingRun {
  /** Both pools, the hash pass and the client share it: the first failure anywhere stops the rest. */
  private readonly cancel = new AbortController();
  private readonly forwardCallerAbort = () => this.cancel.abort(this.opts.signal?.reason);
  private readonly smallConcurrency: number;
  private readonly bigConcurrency: number;
  private readonly retry: RetryPolicy;
  private readonly progress: StageProgress = {
    phase: 'hashing',
    filesTotal: 0,
    bytesTotal: 0,
    filesDone: 0,
    bytesDone: 0,
    filesSkipped: 0,
    bytesSkipped: 0,
  };
  /** `gs://<bucket>/<sha256>/`, once the hash pass has named it. */
  private folder = '';
  private prefix = '';
  /** Set by plan(), once the folder is named. */
  private client!: GcsClient;
  /** Set by plan(): the folder's name and every file's checksum. */
  private origin: HashedOrigin | undefined;
  /** Torn objects of ours found by the plan, to be replaced: file → the generation found. */
  private readonly replacing = new Map<OriginFile, string>();
  /** Buffers are reused from the hash pass to file after file: no garbage per file. */
  private readonly spareBuffers: [Buffer, Buffer][] = [];
  // Each small upload lays its request out in a buffer of its own, reused by the next upload, and
  // reads the file straight into it; a request too big for it gets a bigger buffer, bounded by
  // the in-flight budget and kept for reuse too (up to the same budget): a fresh buffer per file
  // would pile up as garbage until a GC.
  private readonly readBuffers: Buffer[] = [];
  private readonly largeBuffers = new SpareBuffers(IN_FLIGHT_BUDGET_BYTES);
  private readonly inFlight = new ByteBudget(IN_FLIGHT_BUDGET_BYTES);

  constructor(private readonly opts: StageOptions) {
    this.smallConcurrency = Math.max(1, opts.concurrency ?? SMALL_FILE_CONCURRENCY);
    this.bigConcurrency = Math.min(this.smallConcurrency, BIG_FILE_CONCURRENCY);
    this.retry = opts.retry ?? UPLOAD_RETRY;
    setMaxListeners(this.smallConcurrency + this.bigConcurrency + 10, this.cancel.signal); // one per upload waiting to retry
    if (opts.signal?.aborted) this.forwardCallerAbort();
    opts.signal?.addEventListener('abort', this.forwardCallerAbort, { once: true });
  }

  /** Lists and hashes the files, names the folder, and skips those already there: returns the rest. */
  async plan(): Promise<OriginFile[]> {
    const { opts, progress } = this;
    if (opts.hashed && (opts.hashed.listing.origin !== opts.origin || (opts.listing && opts.listing !== opts.hashed.listing))) {
      throw new Error('stageLocalOrigin: the hash pass given is of another listing than the one to stage');
    }
    const listing = opts.hashed?.listing ?? opts.listing ?? (await listOriginFiles(opts.origin));
    progress.filesTotal = listing.files.length;
    progress.bytesTotal = listing.files.reduce((sum, f) => sum + f.size, 0);
    if (opts.hashed) progress.phase = 'listing'; // nothing to hash
    this.report();
    this.spareBuffers.push(newBufferPair());
    this.origin = opts.hashed ?? (await hashOrigin(listing, { signal: this.cancel.signal, buffers: this.spareBuffers[0] }));
    this.prefix = this.origin.prefix;
    this.folder = `gs://${opts.bucket}/${this.prefix}/`;
    this.cancel.signal.throwIfAborted();
    this.client = new GcsClient({
      storageEndpoint: opts.storageEndpoint,
      http: opts.http,
      credentials: opts.credentials,
      retry: this.retry,
      signal: this.cancel.signal,
    });

    progress.phase = 'listing';
    this.report();
    const existing = await objectsUnder(this.client, opts.bucket, `${this.prefix}/`, this.cancel.signal);
    const toUpload: OriginFile[] = [];
    for (const file of listing.files) {
      const there = existing.get(this.targetOf(file).objectName);
      if (!there) {
        toUpload.push(file);
        continue;
      }
      if (!this.sameContent(file, there)) {
        // Another writer's object with other bytes is never overwritten: the deploy stops before
        // uploading anything. One of ours can only be torn: it is replaced, if still that write.
        if (!there.stagedByUs || there.generation === undefined) throw stagedConflictError(this.targetOf(file));
        this.replacing.set(file, there.generation);
        toUpload.push(file);
        continue;
      }
      progress.filesDone += 1;
      progress.bytesDone += file.size;
      progress.filesSkipped += 1;
      progress.bytesSkipped += file.size;
    }
    return toUpload;
  }

  /** Uploads the files in two pools, small files (one request each) and big ones (resumable). */
  async upload(files: OriginFile[]): Promise<void> {
    this.progress.phase = 'uploading';
    this.report();
    const small = files.filter((f) => f.size <= MULTIPART_MAX_BYTES);
    const big = files.filter((f) => f.size > MULTIPART_MAX_BYTES);
    const results = await Promise.allSettled([
      runPool(small, this.smallConcurrency, this.cancel, (file) => this.uploadSmall(file)),
      runPool(big, this.bigConcurrency, this.cancel, (file) => this.uploadBig(file)),
    ]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
    this.cancel.signal.throwIfAborted(); // the pools stop quietly when the caller aborts
  }

  done(): string {
    this.progress.phase = 'done';
    this.report();
    return this.folder;
  }

  /** What the caller sees of a failure: an interruption as such, and what stays staged, if anything. */
  failure(err: unknown): unknown {
    const failure = this.opts.signal?.aborted ? interruption(this.opts.signal) : err;
    const uploaded = this.progress.filesDone - this.progress.filesSkipped;
    if (uploaded > 0 && failure instanceof UserError) {
      const objects = uploaded === 1 ? '1 object was' : `${uploaded} objects were`;
      return new StagingError(
        failure,
        `${objects} uploaded to ${this.folder} before staging stopped; they stay there, and a run with the same files skips them.`,
      );
    }
    return failure;
  }

  close(): void {
    this.opts.signal?.removeEventListener('abort', this.forwardCallerAbort);
  }

  /** One request: the crc32c of the hash pass goes in it, and the bytes read now must have it. */
  private async uploadSmall(file: OriginFile): Promise<void> {
    const { client, cancel } = this;
    const target = this.targetOf(file);
    const crc32c = this.checksumOf(file);
    const request = client.multipartRequest(target.objectName, contentTypeFor(target.localPath), crc32c, file.size);
    const bytes = request.length <= SMALL_READ_BUFFER_BYTES ? 0 : request.length;
    await this.inFlight.acquire(bytes);
    const readBuffer =
      bytes === 0 ? (this.readBuffers.pop() ?? Buffer.allocUnsafeSlow(SMALL_READ_BUFFER_BYTES)) : this.largeBuffers.take(bytes);
    try {
      cancel.signal.throwIfAborted();
      const { body, media } = request.layOut(readBuffer);
      const content = readSmallFile(file, target.localPath, media);
      if (content.data.length !== file.size || content.crc32c !== crc32c) throw fileChangedError(target.localPath);
      const info = await client
        .uploadMultipart(this.opts.bucket, request, body, this.replacing.get(file))
        .catch((err: unknown) => (isPreconditionFailure(err) ? this.alreadyThere(file, target) : Promise.reject(err)));
      checkUploaded(info, file, target, crc32c);
    } catch (err) {
      throw cancel.signal.aborted ? err : toUploadError(err, target, file, this.opts.credentialInfo);
    } finally {
      if (bytes === 0) this.readBuffers.push(readBuffer);
      else this.largeBuffers.give(readBuffer);
      this.inFlight.release(bytes);
    }
    this.progress.bytesDone += file.size;
    this.fileDone();
  }

  /** A resumable upload in chunks; the file must not have changed since it was listed. */
  private async uploadBig(file: OriginFile): Promise<void> {
    const { opts, progress, cancel } = this;
    const target = this.targetOf(file);
    const buffers = this.spareBuffers.pop() ?? newBufferPair();
    let counted = 0;
    let ownWrite = true;
    try {
      const uploaded = await uploadResumable({
        client: this.client,
        bucket: opts.bucket,
        objectName: target.objectName,
        contentType: contentTypeFor(target.localPath),
        ifGenerationMatch: this.replacing.get(file),
        file,
        localPath: target.localPath,
        chunkBytes: chunkSizeOf(opts.chunkSize),
        buffers,
        retry: this.retry,
        clock: opts.clock ?? systemClock,
        onRetry: opts.onRetry ?? (() => undefined),
        signal: cancel.signal,
        onBytes: (bytesSoFar) => {
          progress.bytesDone += bytesSoFar - counted;
          counted = bytesSoFar;
          this.report();
        },
      }).catch((err: unknown) => {
        if (!isPreconditionFailure(err)) throw err;
        ownWrite = false;
        return this.alreadyThere(file, target);
      });
      // The object must hold the file's bytes, and the file must not have changed since it was
      // listed: if it did, what we just wrote may be torn, and is deleted before failing.
      if (!unchangedSinceListed(file)) {
        throw ownWrite ? await this.discardTorn(uploaded, target) : fileChangedError(target.localPath);
      }
      checkUploaded(uploaded, file, target, this.checksumOf(file));
    } catch (err) {
      throw cancel.signal.aborted ? err : toUploadError(err, target, file, opts.credentialInfo);
    } finally {
      this.spareBuffers.push(buffers);
    }
    this.fileDone();
  }

  private targetOf(file: OriginFile): UploadTarget {
    return {
      localPath: gcloudLocalPath(this.opts.origin, file.relPath),
      bucket: this.opts.bucket,
      objectName: `${this.prefix}/${file.relPath}`,
    };
  }

  /** What the file's bytes are known to be: their crc32c from the hash pass. */
  private checksumOf(file: OriginFile): string {
    return this.origin!.checksums.get(file)!;
  }

  /** Same size and checksum. */
  private sameContent(file: OriginFile, there: ObjectInfo): boolean {
    return there.size === file.size && there.crc32c !== undefined && there.crc32c === this.checksumOf(file);
  }

  /** After a 412 (an object appeared since the listing, maybe from our own attempt whose answer was lost): ours, or a conflict. */
  private async alreadyThere(file: OriginFile, target: UploadTarget): Promise<ObjectInfo> {
    const there = await this.client.getObject(this.opts.bucket, target.objectName);
    if (!there || !this.sameContent(file, there)) throw stagedConflictError(target);
    return there;
  }

  /**
   * Deletes the object just written from a file that changed meanwhile (only that write, by its
   * generation); returns the error that says so, or that says it stays (a later run replaces it).
   */
  private async discardTorn(written: ObjectInfo, target: UploadTarget): Promise<UserError> {
    let failed: unknown;
    try {
      if (written.generation === undefined) throw new Error('the server did not say which generation it wrote');
      await this.client.deleteObject(this.opts.bucket, target.objectName, written.generation);
    } catch (err) {
      failed = err;
    }
    return tornObjectError(fileChangedError(target.localPath), target, failed);
  }

  private fileDone(): void {
    this.progress.filesDone += 1;
    this.report();
  }

  private report(): void {
    this.opts.onProgress?.({ ...this.progress });
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
