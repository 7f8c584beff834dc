// The few Cloud Storage JSON API calls staging needs (objects.list, multipart upload, resumable
// session / chunk / status query), over the CLI's one HTTP client (src/net): its proxy, TLS,
// timeouts, headers, retries and --log-http. Bodies are written from the caller's buffers,
// responses are small JSON: nothing is buffered per file. Upload bodies are summarised in --log-http.
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors';
import { NO_RETRY, uploadSummary, type HttpClient, type HttpResponse, type RetryPolicy, type StreamedBody, type TokenSource } from '../net';

export interface GcsConnection {
  /** JSON API base (api_endpoint_overrides/storage), e.g. `https://storage.googleapis.com/storage/v1/`. */
  storageEndpoint: string;
  http: HttpClient;
  /** Asked for a token on every request; none sends no Authorization header (auth/disable_credentials). */
  credentials?: TokenSource;
  /** Retries of each request (a resumable chunk is not retried as is: the upload asks the server first). */
  retry: RetryPolicy;
  /** Aborting cuts every request in flight. */
  signal: AbortSignal;
}

/** What staging needs of an object resource: every file is checked by its crc32c, which Cloud Storage reports for every object (md5 too, except for composite ones). */
export interface ObjectInfo {
  size: number;
  crc32c?: string;
  /** Which write of the name this is: deletes and replacements are made conditional on it. */
  generation?: string;
  /** Whether gcloud-aip staged it (it carries STAGED_MARKER): only such an object may be replaced. */
  stagedByUs: boolean;
}

/**
 * Custom metadata set on every object staged here. An object with it under a content-named folder
 * but other bytes can only be a torn upload of ours (e.g. one whose deleting failed), so a later
 * run may replace it; an object without it is another writer's and is never overwritten.
 */
const MARKER_KEY = 'gcloud-aip';
const MARKER_VALUE = 'staged';
const STAGED_MARKER = { [MARKER_KEY]: MARKER_VALUE };

/** `0`: only if no object has the name; a generation: only if the live object is that write. */
type IfGenerationMatch = string;

/** A non-2xx answer (308 on a resumable PUT is not an error). */
export class GcsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    /** The answer's Retry-After header, when it had one (429/503). */
    readonly retryAfter?: string,
  ) {
    super(`HTTP ${status}`);
    this.name = 'GcsHttpError';
  }
}

/**
 * A multipart request body in one buffer the caller provides (and reuses), with the file read
 * straight into its media part: no buffer per upload left for the GC. (1000 files of 8 KiB left
 * 8 MB of request bodies behind them, when the young generation was big enough to let them pile
 * up: peak RSS 72 MB instead of 63.)
 */
export class MultipartRequest {
  /** Bytes of the whole body. */
  readonly length: number;
  private readonly headBytes: number;

  constructor(
    readonly name: string,
    /** Bytes of the file. */
    readonly size: number,
    private readonly head: string,
    private readonly tail: string,
    /** The request's Content-Type (it names the boundary). */
    readonly contentType: string,
  ) {
    this.headBytes = Buffer.byteLength(head);
    this.length = this.headBytes + size + Buffer.byteLength(tail);
  }

  /** Writes the framing into `into` (at least `length` bytes); returns the body, and the part of it the file's bytes go in. */
  layOut(into: Buffer): { body: Buffer; media: Buffer } {
    into.write(this.head, 0, 'utf8');
    into.write(this.tail, this.headBytes + this.size, 'utf8');
    return { body: into.subarray(0, this.length), media: into.subarray(this.headBytes, this.headBytes + this.size) };
  }
}

/** Where a resumable upload stands: finished (the object), or how many bytes the server holds. */
export type ResumableState = { done: ObjectInfo } | { committed: number };

const LIST_PAGE_SIZE = 1000;

export class GcsClient {
  private readonly origin: string;
  /** The endpoint's path up to /storage/v1 (usually empty). */
  private readonly root: string;
  /** The multipart boundary: random per client, as unlikely as a per-request one to occur in a file. */
  private readonly boundary = `===============${randomBytes(12).toString('hex')}==`;

  constructor(private readonly connection: GcsConnection) {
    const url = new URL(connection.storageEndpoint);
    this.origin = url.origin;
    // The JSON API lives under <root>/storage/v1, uploads under <root>/upload/storage/v1.
    this.root = url.pathname.replace(/\/+$/, '').replace(/\/storage\/v1$/, '');
  }

  /** Every object under `prefix` (all pages), by name. A page token given twice stops the listing (UserError). */
  async listObjects(bucket: string, prefix: string): Promise<Map<string, ObjectInfo>> {
    const found = new Map<string, ObjectInfo>();
    const seenTokens = new Set<string>();
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({
        prefix,
        maxResults: String(LIST_PAGE_SIZE),
        fields: 'items(name,size,crc32c,generation,metadata),nextPageToken',
      });
      if (pageToken) query.set('pageToken', pageToken);
      const reply = expectOk(await this.send('GET', `${this.root}/storage/v1/b/${encodeURIComponent(bucket)}/o?${query}`));
      // An answer that is not a listing lists nothing: uploads never overwrite, so nothing is lost.
      const page = (parseJson(reply.body) ?? {}) as { items?: unknown; nextPageToken?: unknown };
      for (const item of (Array.isArray(page.items) ? page.items : []) as ({ name?: unknown } & Parameters<typeof objectInfoOf>[0])[]) {
        if (typeof item?.name === 'string') found.set(item.name, objectInfoOf(item));
      }
      pageToken = typeof page.nextPageToken === 'string' && page.nextPageToken ? page.nextPageToken : undefined;
      if (pageToken !== undefined && seenTokens.has(pageToken)) {
        throw new UserError(
          `Listing gs://${bucket}/${prefix} failed: the server gave a page token it had already given, so the listing would never end.`,
        );
      }
      if (pageToken !== undefined) seenTokens.add(pageToken);
    } while (pageToken);
    return found;
  }

  /** An object's size, crc32c and generation, or undefined when there is none. */
  async getObject(bucket: string, name: string): Promise<ObjectInfo | undefined> {
    const reply = await this.send(
      'GET',
      `${this.root}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}?fields=size,crc32c,generation,metadata`,
    );
    if (reply.status === 404) return undefined;
    return objectInfo(expectOk(reply));
  }

  /**
   * A multipart upload of `size` bytes: the metadata part (with the crc32c, so the server checks the
   * bytes), then the file's bytes, then the closing delimiter. Lay it out in a buffer, read the file
   * into its media part, and send it with uploadMultipart.
   */
  multipartRequest(name: string, contentType: string, crc32c: string, size: number): MultipartRequest {
    const boundary = this.boundary;
    return new MultipartRequest(
      name,
      size,
      `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify({ name, contentType, crc32c, metadata: STAGED_MARKER })}\r\n` +
        `--${boundary}\r\nContent-Type: ${contentType}\r\n\r\n`,
      `\r\n--${boundary}--\r\n`,
      `multipart/related; boundary="${boundary}"`,
    );
  }

  /**
   * Sends a multipart request whose body (`request.layOut`) holds the file's bytes. Like every
   * upload here, only if no object has the name yet (ifGenerationMatch=0: an existing object is
   * answered 412 and never overwritten), or when replacing a torn object of ours, only if it is
   * still that write (ifGenerationMatch=<its generation>).
   */
  async uploadMultipart(
    bucket: string,
    request: MultipartRequest,
    body: Buffer,
    ifGenerationMatch: IfGenerationMatch = '0',
  ): Promise<ObjectInfo> {
    const url = `${this.root}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=multipart&ifGenerationMatch=${ifGenerationMatch}&name=${encodeURIComponent(request.name)}`;
    const headers = { 'content-type': request.contentType };
    return objectInfo(expectOk(await this.send('POST', url, headers, body, uploadSummary(request.size))));
  }

  /** Opens a resumable session for `size` bytes (on the same condition as uploadMultipart); returns its URL. */
  async startResumable(
    bucket: string,
    name: string,
    contentType: string,
    size: number,
    ifGenerationMatch: IfGenerationMatch = '0',
  ): Promise<string> {
    const metadata = JSON.stringify({ name, contentType, size: String(size), metadata: STAGED_MARKER });
    const url = `${this.root}/resumable/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&ifGenerationMatch=${ifGenerationMatch}&name=${encodeURIComponent(name)}`;
    const headers = {
      'content-type': 'application/json; charset=UTF-8',
      'x-upload-content-type': contentType,
      'x-upload-content-length': String(size),
    };
    const reply = expectOk(await this.send('POST', url, headers, metadata));
    const location = reply.headers.location;
    if (!location) throw new GcsHttpError(reply.status, 'The server did not return an upload session URL.');
    return new URL(location, this.origin).toString();
  }

  /** Deletes one write of an object (ifGenerationMatch: never a later one); a 404 or 412 means it is gone already. */
  async deleteObject(bucket: string, name: string, generation: string): Promise<void> {
    const query = new URLSearchParams({ ifGenerationMatch: generation });
    const reply = await this.send(
      'DELETE',
      `${this.root}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}?${query}`,
    );
    if (reply.status !== 404 && reply.status !== 412) expectOk(reply);
  }

  /** Sends bytes `start .. start+length-1` of `total` to the session, once (see uploadResumable). */
  async putChunk(session: string, start: number, total: number, body: StreamedBody): Promise<ResumableState> {
    const headers = { 'content-range': `bytes ${start}-${start + body.length - 1}/${total}` };
    return resumableState(await this.send('PUT', session, headers, body, uploadSummary(body.length), NO_RETRY));
  }

  /** Asks the session how much it holds (after a failed chunk: resume from there). */
  async queryResumable(session: string, total: number): Promise<ResumableState> {
    return resumableState(await this.send('PUT', session, { 'content-range': `bytes */${total}` }, ''));
  }

  /** One request (retried per the connection's policy); `target` is a path on the endpoint's host, or an absolute URL (a session). */
  private send(
    method: string,
    target: string,
    headers: Record<string, string> = {},
    body?: string | Buffer | StreamedBody,
    bodySummary?: string,
    retry?: RetryPolicy,
  ): Promise<HttpResponse> {
    const { http, credentials, signal } = this.connection;
    return http.request({
      method,
      url: new URL(target, this.origin).toString(),
      headers,
      body,
      bodySummary,
      credentials,
      google: true,
      signal,
      retry: retry ?? this.connection.retry,
    });
  }
}

function expectOk(reply: HttpResponse): HttpResponse {
  if (reply.status < 200 || reply.status > 299) throw gcsError(reply);
  return reply;
}

function gcsError(reply: HttpResponse): GcsHttpError {
  return new GcsHttpError(reply.status, reply.body.toString('utf8'), reply.headers['retry-after']);
}

function resumableState(reply: HttpResponse): ResumableState {
  if (reply.status === 308) {
    // `Range: bytes=0-N` is what the server holds; no header means nothing yet.
    const range = /bytes=0-(\d+)/.exec(String(reply.headers.range ?? ''));
    return { committed: range ? Number(range[1]) + 1 : 0 };
  }
  if (reply.status === 200 || reply.status === 201) return { done: objectInfo(reply) };
  throw gcsError(reply);
}

function objectInfo(reply: HttpResponse): ObjectInfo {
  return objectInfoOf(parseJson(reply.body) as object | null);
}

/** An object resource without a size gives NaN, which matches no local file; a missing checksum gives undefined. */
function objectInfoOf(object: { size?: unknown; crc32c?: unknown; generation?: unknown; metadata?: unknown } | null): ObjectInfo {
  const metadata = object?.metadata as Record<string, unknown> | null | undefined;
  return {
    size: Number(object?.size),
    crc32c: typeof object?.crc32c === 'string' ? object.crc32c : undefined,
    generation: typeof object?.generation === 'string' && /^\d+$/.test(object.generation) ? object.generation : undefined,
    stagedByUs: typeof metadata === 'object' && metadata !== null && metadata[MARKER_KEY] === MARKER_VALUE,
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
}
