// The Cloud Storage JSON API subset that gcloud and @google-cloud/storage use to stage models:
// multipart / media / resumable uploads, object get / download / list / delete, bucket get and
// insert. A bucket exists once inserted (as on the real service, a missing one is a 404 for every
// call naming it); object bytes stream to disk and are checksummed on the way.

import { randomBytes } from 'node:crypto';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { bucketNameProblem } from '../../domain';
import { storageError } from '../errors';
import { BodyFingerprint, digestFile, ObjectDigest, type ObjectChecksums } from './digest';
import { type Exchange, UPLOAD_BODY_LIMIT, type Reply } from '../exchange';
import type { EmulatedService } from '../service';
import { MultipartError, parseContentType, parseMultipart } from './multipart';
import type { Store, BucketRecord, JsonObject, StoredObject, UploadSession } from '../store';

const UPLOAD_PATH = /^\/(?:resumable\/)?upload\/storage\/v1\/b\/([^/]+)\/o\/?$/;
const OBJECT_PATH = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/;
const OBJECTS_PATH = /^\/storage\/v1\/b\/([^/]+)\/o\/?$/;
const BUCKET_PATH = /^\/storage\/v1\/b\/([^/]+)\/?$/;
const BUCKETS_PATH = /^\/storage\/v1\/b\/?$/;

/** Object resource fields an uploader may set that are echoed back as given. */
const PASSTHROUGH_FIELDS = ['metadata', 'cacheControl', 'contentDisposition', 'contentEncoding', 'contentLanguage', 'customTime'];
const JSON_LIMIT_FOR_METADATA_PART = 10 * 1024 * 1024;
const MAX_LIST_RESULTS = 1000;

/** What becomes a stored object: the received bytes (in `file`) and what the request said of them. */
interface CommitRequest {
  bucket: string;
  name: string;
  file: string;
  checksums: ObjectChecksums;
  contentType: string | undefined;
  metadata: JsonObject;
  xGoogHash: string | undefined;
  ifGenerationMatch?: string;
}

export class StorageService implements EmulatedService {
  /** Running checksums of resumable sessions, valid while they cover exactly the committed bytes. */
  private readonly sessionDigests = new Map<string, ObjectDigest>();
  /** Serialises requests on one upload session. */
  private readonly sessionQueues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Store) {}

  handles(path: string): boolean {
    return /^\/(?:(?:resumable\/)?upload\/|download\/)?storage\/v1\//.test(path);
  }

  /** Answers a storage request, or undefined when no route matches. */
  async handle(ex: Exchange): Promise<Reply | undefined> {
    const path = ex.rawPath;
    let match: RegExpExecArray | null;
    if (BUCKETS_PATH.test(path) && ex.method === 'POST') return this.createBucket(ex);
    const named = UPLOAD_PATH.exec(path) ?? OBJECT_PATH.exec(path) ?? OBJECTS_PATH.exec(path) ?? BUCKET_PATH.exec(path);
    if (named) this.requireBucket(decode(named[1]));
    if ((match = UPLOAD_PATH.exec(path))) return this.upload(ex, decode(match[1]));
    if ((match = OBJECT_PATH.exec(path))) {
      const bucket = decode(match[1]);
      const name = decode(match[2]);
      if (ex.method === 'GET' || ex.method === 'HEAD') return this.getObject(ex, bucket, name);
      if (ex.method === 'DELETE') return this.deleteObject(bucket, name, ex.param('ifGenerationMatch'));
      return undefined;
    }
    if ((match = OBJECTS_PATH.exec(path)) && ex.method === 'GET') return this.listObjects(ex, decode(match[1]));
    if ((match = BUCKET_PATH.exec(path)) && ex.method === 'GET')
      return { status: 200, json: bucketResource(this.store.bucketRecords.get(decode(match[1]))!, ex.host) };
    return undefined;
  }

  // ---- uploads ------------------------------------------------------------------------------

  private upload(ex: Exchange, bucket: string): Promise<Reply> {
    const uploadType = ex.param('uploadType') ?? '';
    const uploadId = ex.param('upload_id');
    if (uploadId !== undefined) {
      if (ex.method === 'PUT' || ex.method === 'POST') return this.inSession(uploadId, () => this.resumablePut(ex, uploadId));
      if (ex.method === 'DELETE') return this.inSession(uploadId, () => this.resumableCancel(uploadId));
    } else if (ex.method === 'POST') {
      if (uploadType === 'multipart') return this.multipartUpload(ex, bucket);
      if (uploadType === 'media') return this.mediaUpload(ex, bucket);
      if (uploadType === 'resumable') return this.resumableStart(ex, bucket);
    }
    throw storageError(400, 'invalid', `Unsupported upload request: ${ex.method} with uploadType=${JSON.stringify(uploadType)}.`);
  }

  private async multipartUpload(ex: Exchange, bucket: string): Promise<Reply> {
    const contentType = parseContentType(ex.header('content-type'));
    const boundary = contentType.params.boundary;
    if (!contentType.mime.startsWith('multipart/') || !boundary) {
      throw storageError(400, 'invalid', 'Multipart uploads need Content-Type: multipart/related with a boundary.');
    }
    const recordedParts: unknown[] = [];
    ex.bodyRecord = { multipart: recordedParts };
    return this.storeUpload(ex, async (file) => {
      const digest = new ObjectDigest();
      let partIndex = -1;
      let partType = '';
      let metadataBytes: Buffer[] = [];
      let metadataSize = 0;
      let fingerprint = new BodyFingerprint();
      let mediaType: string | undefined;
      try {
        for await (const event of parseMultipart(ex.body(UPLOAD_BODY_LIMIT), boundary)) {
          if (event.kind === 'partStart') {
            partIndex++;
            partType = event.headers['content-type'] ?? '';
            if (partIndex === 1) mediaType = event.headers['content-type'];
            metadataBytes = [];
            metadataSize = 0;
            fingerprint = new BodyFingerprint();
          } else if (event.kind === 'data') {
            if (partIndex === 0) {
              metadataSize += event.data.length;
              if (metadataSize > JSON_LIMIT_FOR_METADATA_PART) throw storageError(400, 'invalid', 'The metadata part is too large.');
              metadataBytes.push(Buffer.from(event.data));
            } else {
              fingerprint.update(event.data);
              if (partIndex === 1) {
                digest.update(event.data);
                await file.write(event.data);
              }
            }
          } else if (partIndex === 0) {
            recordedParts.push({ contentType: partType, json: parseJsonOrText(Buffer.concat(metadataBytes)) });
          } else {
            recordedParts.push({ contentType: partType, ...fingerprint.result() });
          }
        }
      } catch (e) {
        if (e instanceof MultipartError) throw storageError(400, 'invalid', `Malformed multipart body: ${e.message}.`);
        throw e;
      }
      if (partIndex < 1) throw storageError(400, 'invalid', 'A multipart upload needs a metadata part and a media part.');
      const metadataPart = recordedParts[0] as { json: unknown };
      const metadata = metadataPart.json === '' ? {} : metadataPart.json;
      if (!isObject(metadata)) throw storageError(400, 'invalid', 'The metadata part of a multipart upload must be a JSON object.');
      return {
        bucket,
        name: objectName(ex, metadata),
        checksums: digest.result(),
        contentType: stringField(metadata, 'contentType') ?? mediaType,
        metadata,
      };
    });
  }

  private async mediaUpload(ex: Exchange, bucket: string): Promise<Reply> {
    const name = objectName(ex, {});
    return this.storeUpload(ex, async (file) => {
      const digest = new ObjectDigest();
      const fingerprint = new BodyFingerprint();
      for await (const chunk of ex.body(UPLOAD_BODY_LIMIT)) {
        digest.update(chunk);
        fingerprint.update(chunk);
        await file.write(chunk);
      }
      ex.bodyRecord = fingerprint.result();
      return { bucket, name, checksums: digest.result(), contentType: ex.header('content-type'), metadata: {} };
    });
  }

  /**
   * A one-request upload: `receive` writes the body to a temporary file and says what object it
   * is; the file becomes that object (with the request's x-goog-hash and ifGenerationMatch
   * checked), or is removed.
   */
  private async storeUpload(
    ex: Exchange,
    receive: (file: FileHandle) => Promise<Omit<CommitRequest, 'file' | 'xGoogHash' | 'ifGenerationMatch'>>,
  ): Promise<Reply> {
    const temp = this.store.tempPath();
    const file = await open(temp, 'w');
    let kept = false;
    try {
      const upload = await receive(file);
      await file.close();
      const object = this.commitObject({
        ...upload,
        file: temp,
        xGoogHash: ex.header('x-goog-hash'),
        ifGenerationMatch: ex.param('ifGenerationMatch'),
      });
      kept = true;
      await this.store.save();
      return { status: 200, json: objectResource(object, ex.host) };
    } finally {
      await file.close().catch(() => undefined);
      if (!kept) await rm(temp, { force: true });
    }
  }

  private async resumableStart(ex: Exchange, bucket: string): Promise<Reply> {
    const body = await ex.readJson();
    if (body.kind === 'invalid') throw storageError(400, 'parseError', `Invalid JSON in the upload metadata: ${body.message}`);
    const metadata = body.kind === 'json' ? body.value : {};
    if (!isObject(metadata)) throw storageError(400, 'invalid', 'The upload metadata must be a JSON object.');
    const name = objectName(ex, metadata);
    const ifGenerationMatch = ex.param('ifGenerationMatch');
    this.checkGeneration(bucket, name, ifGenerationMatch);
    const declaredLength = ex.header('x-upload-content-length');
    const total = declaredLength !== undefined && /^\d+$/.test(declaredLength.trim()) ? Number(declaredLength) : null;
    if (total !== null && total > UPLOAD_BODY_LIMIT)
      throw storageError(400, 'invalid', `Objects larger than ${UPLOAD_BODY_LIMIT} bytes are not supported.`);
    const session: UploadSession = {
      id: randomBytes(16).toString('hex'),
      bucket,
      name,
      contentType: stringField(metadata, 'contentType') ?? ex.header('x-upload-content-type') ?? 'application/octet-stream',
      metadata,
      total,
      committed: 0,
      createdAt: Date.now(),
      ...(ifGenerationMatch !== undefined && { ifGenerationMatch }),
    };
    await (await open(this.store.sessionPath(session.id), 'w')).close();
    this.store.sessions.set(session.id, session);
    this.sessionDigests.set(session.id, new ObjectDigest());
    await this.store.save();
    const query = new URLSearchParams({ uploadType: 'resumable', name, upload_id: session.id });
    return { status: 200, headers: { Location: `${ex.origin}${ex.rawPath}?${query}` } };
  }

  private async resumablePut(ex: Exchange, uploadId: string): Promise<Reply> {
    const session = this.store.sessions.get(uploadId);
    if (!session) throw storageError(404, 'notFound', `No such upload session: ${uploadId}`);
    if (session.finishedGeneration !== undefined) {
      const object = this.store.getObject(session.bucket, session.name);
      if (!object) throw storageError(404, 'notFound', `No such object: ${session.bucket}/${session.name}`);
      return { status: 200, json: objectResource(object, ex.host) };
    }
    const range = parseContentRange(ex.header('content-range'));
    if (range.total !== null) {
      if (session.total !== null && session.total !== range.total) {
        throw storageError(400, 'invalid', `Content-Range total ${range.total} differs from the upload's size ${session.total}.`);
      }
      session.total = range.total;
    }
    if (range.kind === 'status') return this.resumableProgress(ex, session);

    const start = range.kind === 'whole' ? 0 : range.start;
    if (start > session.committed) {
      await this.store.save(); // the total may have just become known
      return incomplete(session); // a gap: tell the client where to resume
    }

    const path = this.store.sessionPath(session.id);
    // The session's first bytes create the file; any other failure to open it is a real error.
    const file = await open(path, 'r+').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return open(path, 'w+');
      throw err;
    });
    const committedBefore = session.committed;
    const fingerprint = new BodyFingerprint();
    let digest = this.sessionDigests.get(session.id);
    if (digest && digest.size !== committedBefore) digest = undefined;
    this.sessionDigests.delete(session.id); // re-added only if this request succeeds
    let written = 0;
    try {
      await file.truncate(committedBefore); // drop bytes of an earlier request that did not complete
      let skip = committedBefore - start; // the part already committed is ignored
      for await (const chunk of ex.body(UPLOAD_BODY_LIMIT)) {
        fingerprint.update(chunk);
        const fresh = skip >= chunk.length ? undefined : chunk.subarray(Math.max(skip, 0));
        skip -= chunk.length;
        if (!fresh) continue;
        digest?.update(fresh);
        await file.write(fresh, 0, fresh.length, committedBefore + written);
        written += fresh.length;
      }
      ex.bodyRecord = fingerprint.size > 0 ? fingerprint.result() : null;
      const received = fingerprint.size;
      if (range.kind === 'chunk' && range.end !== null && received !== range.end - start + 1) {
        throw storageError(400, 'invalid', `Content-Range bytes ${start}-${range.end} does not match the ${received} bytes sent.`);
      }
      const endsUpload = range.kind === 'whole' || (range.kind === 'chunk' && range.end === null);
      if (endsUpload) {
        if (session.total === null) session.total = start + received;
        else if (start + received !== session.total) {
          throw storageError(400, 'invalid', `The upload ended at byte ${start + received} but its size is ${session.total}.`);
        }
      }
      if (session.total !== null && committedBefore + written > session.total) {
        throw storageError(400, 'invalid', `More bytes were sent than the declared size ${session.total}.`);
      }
    } catch (e) {
      await file.truncate(committedBefore).catch(() => undefined);
      throw e;
    } finally {
      await file.close().catch(() => undefined);
    }
    session.committed = committedBefore + written;
    if (digest) this.sessionDigests.set(session.id, digest);
    return this.resumableProgress(ex, session);
  }

  /** 308 with the committed range while bytes are missing; finishes the upload once all are in. */
  private async resumableProgress(ex: Exchange, session: UploadSession): Promise<Reply> {
    if (session.total === null || session.committed < session.total) {
      await this.store.save();
      return incomplete(session);
    }
    const path = this.store.sessionPath(session.id);
    const running = this.sessionDigests.get(session.id);
    const checksums = running && running.size === session.total ? running.result() : await digestFile(path, session.total);
    this.sessionDigests.delete(session.id);
    let object: StoredObject;
    try {
      object = this.commitObject({
        bucket: session.bucket,
        name: session.name,
        file: path,
        checksums,
        contentType: session.contentType,
        metadata: session.metadata,
        xGoogHash: ex.header('x-goog-hash'),
        ifGenerationMatch: session.ifGenerationMatch,
      });
    } catch (e) {
      // A checksum mismatch ends the session, as on the real service.
      this.store.sessions.delete(session.id);
      await rm(path, { force: true });
      await this.store.save();
      throw e;
    }
    session.finishedGeneration = object.generation;
    this.store.forgetFinishedSessions();
    await this.store.save();
    return { status: 200, json: objectResource(object, ex.host) };
  }

  private async resumableCancel(uploadId: string): Promise<Reply> {
    const session = this.store.sessions.get(uploadId);
    if (!session) throw storageError(404, 'notFound', `No such upload session: ${uploadId}`);
    this.store.sessions.delete(uploadId);
    this.sessionDigests.delete(uploadId);
    if (session.finishedGeneration === undefined) await rm(this.store.sessionPath(uploadId), { force: true });
    await this.store.save();
    return { status: 499 }; // what Cloud Storage answers to a cancelled upload
  }

  private inSession<T>(uploadId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.sessionQueues.get(uploadId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.sessionQueues.set(uploadId, settled);
    void settled.then(() => {
      if (this.sessionQueues.get(uploadId) === settled) this.sessionQueues.delete(uploadId);
    });
    return next;
  }

  /**
   * ifGenerationMatch as Cloud Storage applies it: 0 means "only if there is no such object", any
   * other number "only if the live object has that generation"; 412 otherwise.
   */
  private checkGeneration(bucket: string, name: string, ifGenerationMatch: string | undefined): void {
    if (ifGenerationMatch === undefined) return;
    if (!/^\d+$/.test(ifGenerationMatch))
      throw storageError(400, 'invalid', `Invalid argument for ifGenerationMatch: ${JSON.stringify(ifGenerationMatch)}.`);
    const live = this.store.getObject(bucket, name);
    const holds = ifGenerationMatch === '0' ? live === undefined : live?.generation === ifGenerationMatch;
    if (!holds) throw storageError(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.');
  }

  /** Verifies the precondition and client-provided checksums, then makes the file the object's bytes. */
  private commitObject(upload: CommitRequest): StoredObject {
    const { checksums, metadata } = upload;
    this.checkGeneration(upload.bucket, upload.name, upload.ifGenerationMatch);
    const claimed = parseGoogHash(upload.xGoogHash);
    const claimedMd5 = stringField(metadata, 'md5Hash') ?? claimed.md5;
    const claimedCrc = stringField(metadata, 'crc32c') ?? claimed.crc32c;
    if (claimedMd5 !== undefined && claimedMd5 !== checksums.md5Hash) {
      throw storageError(400, 'invalid', `Provided MD5 hash "${claimedMd5}" doesn't match calculated MD5 hash "${checksums.md5Hash}".`);
    }
    if (claimedCrc !== undefined && claimedCrc !== checksums.crc32c) {
      throw storageError(400, 'invalid', `Provided CRC32C "${claimedCrc}" doesn't match calculated CRC32C "${checksums.crc32c}".`);
    }
    if (upload.contentType !== undefined && !/^[\x20-\x7e]*$/.test(upload.contentType)) {
      throw storageError(400, 'invalid', `Invalid contentType ${JSON.stringify(upload.contentType)}.`);
    }
    const extra: JsonObject = {};
    for (const field of PASSTHROUGH_FIELDS) if (metadata[field] !== undefined) extra[field] = metadata[field];
    const object: StoredObject = {
      bucket: upload.bucket,
      name: upload.name,
      generation: this.store.nextGeneration(),
      contentType: upload.contentType || 'application/octet-stream',
      size: checksums.size,
      md5Hash: checksums.md5Hash,
      crc32c: checksums.crc32c,
      timeCreated: new Date().toISOString(),
      extra,
    };
    this.store.putObject(object, upload.file);
    return object;
  }

  // ---- objects and buckets ------------------------------------------------------------------

  private async getObject(ex: Exchange, bucket: string, name: string): Promise<Reply> {
    const object = this.store.getObject(bucket, name);
    const generation = ex.param('generation');
    if (!object || (generation !== undefined && generation !== object.generation)) {
      throw storageError(404, 'notFound', `No such object: ${bucket}/${name}`);
    }
    const download = ex.param('alt') === 'media' || ex.rawPath.startsWith('/download/');
    if (!download) return { status: 200, json: objectResource(object, ex.host) };

    const path = this.store.objectPath(bucket, name);
    const size = (await stat(path)).size;
    const headers: Record<string, string> = {
      'Content-Type': object.contentType,
      'X-Goog-Hash': `crc32c=${object.crc32c},md5=${object.md5Hash}`,
      'X-Goog-Generation': object.generation,
      'X-Goog-Metageneration': '1',
      'X-Goog-Stored-Content-Length': String(size),
      'X-Goog-Stored-Content-Encoding': 'identity',
      ETag: objectEtag(object),
      'Accept-Ranges': 'bytes',
    };
    const range = parseByteRange(ex.header('range'), size);
    if (range === 'unsatisfiable') throw storageError(416, 'requestedRangeNotSatisfiable', 'The requested range cannot be satisfied.');
    if (range) {
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
      return { status: 206, headers, file: { path, start: range.start, end: range.end } };
    }
    return { status: 200, headers, file: { path, start: 0, end: size - 1 } };
  }

  private async deleteObject(bucket: string, name: string, ifGenerationMatch: string | undefined): Promise<Reply> {
    if (this.store.getObject(bucket, name)) this.checkGeneration(bucket, name, ifGenerationMatch);
    if (!this.store.deleteObject(bucket, name)) throw storageError(404, 'notFound', `No such object: ${bucket}/${name}`);
    await this.store.save();
    return { status: 204 };
  }

  private listObjects(ex: Exchange, bucket: string): Reply {
    const prefix = ex.param('prefix') ?? '';
    const delimiter = ex.param('delimiter') ?? '';
    const startOffset = ex.param('startOffset') ?? '';
    const endOffset = ex.param('endOffset');
    const requested = Number(ex.param('maxResults') ?? MAX_LIST_RESULTS);
    const pageSize = Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_LIST_RESULTS) : MAX_LIST_RESULTS;
    const after = decodePageToken(ex.param('pageToken'));

    const names = [...(this.store.buckets.get(bucket)?.keys() ?? [])]
      .filter((n) => n.startsWith(prefix) && n >= startOffset && (endOffset === undefined || n < endOffset))
      .sort(compareNames);
    // Entries are objects and, with a delimiter, the "directories" (prefixes) they roll up into.
    const entries: Array<{ key: string; object?: StoredObject }> = [];
    for (const name of names) {
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const key = name.slice(0, cut + delimiter.length);
        if (entries.at(-1)?.key !== key) entries.push({ key });
      } else {
        entries.push({ key: name, object: this.store.getObject(bucket, name) });
      }
    }
    const remaining = after === undefined ? entries : entries.filter((e) => compareNames(e.key, after) > 0);
    const page = remaining.slice(0, pageSize);
    const response: JsonObject = { kind: 'storage#objects' };
    const items = page.filter((e) => e.object).map((e) => objectResource(e.object as StoredObject, ex.host));
    const prefixes = page.filter((e) => !e.object).map((e) => e.key);
    if (prefixes.length > 0) response.prefixes = prefixes;
    if (items.length > 0) response.items = items;
    if (remaining.length > pageSize) response.nextPageToken = Buffer.from(page[page.length - 1].key, 'utf8').toString('base64url');
    return { status: 200, json: response };
  }

  private requireBucket(name: string): void {
    if (!this.store.bucketRecords.has(name)) throw storageError(404, 'notFound', 'The specified bucket does not exist.');
  }

  /** buckets.insert: POST /storage/v1/b?project=P with {"name": …}, answered as the service does. */
  private async createBucket(ex: Exchange): Promise<Reply> {
    const project = ex.param('project');
    if (!project) throw storageError(400, 'required', 'Required parameter: project');
    const body = await ex.readJson();
    const name = body.kind === 'json' && isObject(body.value) ? stringField(body.value, 'name') : undefined;
    if (!name) throw storageError(400, 'required', 'Required');
    if (bucketNameProblem(name)) throw storageError(400, 'invalid', `Invalid bucket name: '${name}'`);
    if (!this.store.createBucket(name, project)) {
      throw storageError(409, 'conflict', 'Your previous request to create the named bucket succeeded and you already own it.');
    }
    await this.store.save();
    return { status: 200, json: bucketResource(this.store.bucketRecords.get(name)!, ex.host) };
  }
}

// ---- resources ---------------------------------------------------------------------------------

function objectEtag(object: StoredObject): string {
  return Buffer.from(`${object.generation}/1`).toString('base64');
}

export function objectResource(object: StoredObject, host: string): JsonObject {
  const bucket = encodeURIComponent(object.bucket);
  const name = encodeURIComponent(object.name);
  return {
    ...object.extra,
    kind: 'storage#object',
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `http://${host}/storage/v1/b/${bucket}/o/${name}`,
    mediaLink: `http://${host}/download/storage/v1/b/${bucket}/o/${name}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation: object.generation,
    metageneration: '1',
    contentType: object.contentType,
    storageClass: 'STANDARD',
    size: String(object.size),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: objectEtag(object),
    timeCreated: object.timeCreated,
    updated: object.timeCreated,
    timeStorageClassUpdated: object.timeCreated,
  };
}

function bucketResource({ name, timeCreated }: BucketRecord, host: string): JsonObject {
  return {
    kind: 'storage#bucket',
    id: name,
    selfLink: `http://${host}/storage/v1/b/${encodeURIComponent(name)}`,
    projectNumber: '0',
    name,
    timeCreated,
    updated: timeCreated,
    metageneration: '1',
    location: 'US',
    locationType: 'multi-region',
    storageClass: 'STANDARD',
    etag: 'CAE=',
  };
}

function incomplete(session: UploadSession): Reply {
  const headers: Record<string, string> = {};
  if (session.committed > 0) headers.Range = `bytes=0-${session.committed - 1}`;
  return { status: 308, headers };
}

// ---- small parsers ---------------------------------------------------------------------------

type ContentRange =
  | { kind: 'whole'; total: null }
  | { kind: 'status'; total: number | null }
  /** end null: open-ended (`a-*`), the body runs to the end of the object. */
  | { kind: 'chunk'; start: number; end: number | null; total: number | null };

/** Content-Range of a resumable PUT: `bytes a-b/N`, `bytes a-b/*`, `bytes a-* /N|*`, `bytes * /N|*`. */
function parseContentRange(header: string | undefined): ContentRange {
  if (header === undefined || header.trim() === '') return { kind: 'whole', total: null };
  const match = /^\s*bytes\s+(?:(\*)|(\d+)-(\d+|\*))\/(\d+|\*)\s*$/i.exec(header);
  if (!match) throw storageError(400, 'invalid', `Malformed Content-Range header: ${JSON.stringify(header)}.`);
  const total = match[4] === '*' ? null : Number(match[4]);
  if (match[1]) return { kind: 'status', total };
  const start = Number(match[2]);
  const end = match[3] === '*' ? null : Number(match[3]);
  if (end !== null && end < start) throw storageError(400, 'invalid', `Malformed Content-Range header: ${JSON.stringify(header)}.`);
  return { kind: 'chunk', start, end, total };
}

/** A single `Range: bytes=...` request; undefined for none (or forms not supported: whole object). */
function parseByteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header ? /^\s*bytes=(\d*)-(\d*)\s*$/i.exec(header) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** `X-Goog-Hash: crc32c=...,md5=...` */
function parseGoogHash(header: string | undefined): { md5?: string; crc32c?: string } {
  const out: { md5?: string; crc32c?: string } = {};
  for (const item of (header ?? '').split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    if (key === 'md5') out.md5 = value;
    if (key === 'crc32c') out.crc32c = value;
  }
  return out;
}

/** Object names as Cloud Storage takes them: 1-1024 bytes of valid UTF-8, no CR or LF. */
const MAX_OBJECT_NAME_BYTES = 1024;

function objectName(ex: Exchange, metadata: JsonObject): string {
  const name = ex.param('name') || stringField(metadata, 'name');
  if (!name) throw storageError(400, 'required', 'Required object name.');
  // Bytes that were not UTF-8 reach us as U+FFFD (or as lone surrogates from JSON escapes).
  if (/[\r\n\uFFFD]|\p{Surrogate}/u.test(name) || Buffer.byteLength(name) > MAX_OBJECT_NAME_BYTES) {
    throw storageError(
      400,
      'invalid',
      `The object name ${JSON.stringify(name.slice(0, 100))} is not valid: object names are 1-${MAX_OBJECT_NAME_BYTES} bytes of UTF-8 without carriage returns or line feeds.`,
    );
  }
  return name;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw storageError(400, 'invalid', `Malformed percent-encoding in ${JSON.stringify(segment)}.`);
  }
}

function decodePageToken(token: string | undefined): string | undefined {
  if (!token) return undefined;
  return Buffer.from(token, 'base64url').toString('utf8');
}

/** Cloud Storage lists in UTF-8 byte order. */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function parseJsonOrText(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(object: JsonObject, field: string): string | undefined {
  const value = object[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
