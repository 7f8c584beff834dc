// The request side of one HTTP exchange as the handlers see it, and the reply they return.
// Handlers never write to the response themselves: the server records the request, applies the
// configured latency and then writes the Reply, so the request log is complete before any client
// sees its answer.

import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { httpError } from './errors';

export const JSON_BODY_LIMIT = 10 * 1024 * 1024;
export const UPLOAD_BODY_LIMIT = 5 * 1024 * 1024 * 1024;

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as pretty JSON with `application/json; charset=UTF-8`. */
  json?: unknown;
  /** Sent as `text/plain` (the metadata server's answers). */
  text?: string;
  /** Streamed from disk: bytes start..end inclusive. */
  file?: { path: string; start: number; end: number };
}

export type JsonBody = { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'invalid'; message: string };

export class Exchange {
  readonly method: string;
  /** The path exactly as sent (still percent-encoded), without the query. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  readonly host: string;
  /** What the request log shows as this request's body; handlers that read the body set it. */
  bodyRecord: unknown = null;
  /**
   * Fault injection (faults.ts): once this many body bytes have been handed to the handler the
   * connection is destroyed, as a network failure mid-upload would.
   */
  cutBodyAfter?: number;
  /** Set when the connection was destroyed on purpose: there is nobody left to answer. */
  connectionCut = false;
  private bodyTaken = false;

  constructor(
    readonly req: IncomingMessage,
    fallbackHost: string,
  ) {
    this.method = (req.method ?? 'GET').toUpperCase();
    let target = req.url ?? '/';
    // Absolute-form request targets (http://host/path) are legal HTTP/1.1; keep only the path.
    const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(target);
    if (absolute) target = target.slice(absolute[0].length) || '/';
    const q = target.indexOf('?');
    this.rawPath = q < 0 ? target : target.slice(0, q);
    this.query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    this.host = this.header('host') || fallbackHost;
  }

  /** `https://host` or `http://host`: where links back to this server point. */
  get origin(): string {
    return `${(this.req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${this.host}`;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** First value of a query parameter. */
  param(name: string): string | undefined {
    return this.query.get(name) ?? undefined;
  }

  queryRecord(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [key, value] of this.query) (out[key] ??= []).push(value);
    return out;
  }

  headerRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.req.headers)) {
      if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    return out;
  }

  /**
   * The request body as a stream of chunks (gzip content-encoding undone), refusing with 413 once
   * it grows past `limit`. Can be taken once.
   */
  body(limit: number): AsyncGenerator<Buffer> {
    if (this.bodyTaken) throw new Error('request body already taken');
    this.bodyTaken = true;
    const declared = Number(this.header('content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      throw httpError(413, `Request body of ${declared} bytes exceeds the limit of ${limit} bytes.`, true);
    }
    let source: Readable = this.req;
    if (/\bgzip\b/i.test(this.header('content-encoding') ?? '')) {
      source = pipeline(this.req, createGunzip(), () => {
        /* errors surface while reading */
      });
    }
    const chunks = limitedChunks(source, limit);
    return this.cutBodyAfter === undefined ? chunks : this.cutChunks(chunks, this.cutBodyAfter);
  }

  /** Cuts the connection at the byte a fault chose, after handing over what came before it. */
  private async *cutChunks(chunks: AsyncGenerator<Buffer>, after: number): AsyncGenerator<Buffer> {
    let passed = 0;
    for await (const chunk of chunks) {
      if (passed + chunk.length > after) {
        if (after > passed) yield chunk.subarray(0, after - passed);
        this.cutConnection();
        throw new Error('connection reset (injected fault)');
      }
      passed += chunk.length;
      yield chunk;
    }
  }

  cutConnection(): void {
    this.connectionCut = true;
    this.req.socket.destroy();
  }

  /** Reads a whole (small) body and parses it as JSON; records it for the request log. */
  async readJson(): Promise<JsonBody> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.body(JSON_BODY_LIMIT)) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return { kind: 'empty' };
    try {
      const value: unknown = JSON.parse(text);
      this.bodyRecord = value;
      return { kind: 'json', value };
    } catch (e) {
      this.bodyRecord = text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
      return { kind: 'invalid', message: (e as Error).message };
    }
  }
}

async function* limitedChunks(source: Readable, limit: number): AsyncGenerator<Buffer> {
  let total = 0;
  for (;;) {
    const chunk = source.read() as Buffer | null;
    if (chunk !== null) {
      total += chunk.length;
      if (total > limit) {
        // Connection: close, since the rest of the body stays unread.
        throw httpError(413, `Request body exceeds the limit of ${limit} bytes.`, true);
      }
      yield chunk;
      continue;
    }
    if (source.readableEnded) return;
    await nextReadable(source);
  }
}

/** Waits until `read()` may return data again; rejects if the stream fails or closes early. */
function nextReadable(source: Readable): Promise<void> {
  // A stream that already failed or closed (the gunzip of a connection cut mid-body) emits nothing more.
  if (source.errored) return Promise.reject(bodyFailure(source.errored));
  if (source.destroyed && !source.readableEnded) return Promise.reject(new Error('request aborted by the client'));
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      source.off('readable', onReadable);
      source.off('end', onReadable);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const onReadable = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(bodyFailure(error));
    };
    const onClose = () => {
      cleanup();
      if (source.readableEnded) resolve();
      else reject(new Error('request aborted by the client'));
    };
    source.on('readable', onReadable);
    source.on('end', onReadable);
    source.on('error', onError);
    source.on('close', onClose);
  });
}

function bodyFailure(error: Error): Error {
  const zlibFailure = String((error as NodeJS.ErrnoException).code ?? '').startsWith('Z_');
  return zlibFailure ? httpError(400, `Could not decode the gzip request body: ${error.message}`) : error;
}
