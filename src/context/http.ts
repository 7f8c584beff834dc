// One small HTTP client for the ml API: keep-alive connections, bounded retries with back-off and
// jitter (connection errors, timeouts, 408, 429 and 5xx, Retry-After honoured, each retry logged
// at --verbosity=info; one retry on 401 with a refreshed token, as gcloud's credential refresh does),
// --log-http with the Authorization header redacted, and `*.localhost` names resolved to loopback
// so local emulators can serve regional host names.
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Output } from './output';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * Aborts the attempt in flight and any back-off wait; the request rejects with the signal's reason.
   * Defaults to the client's signal (Ctrl-C); null: never aborted (a create whose outcome must be known).
   */
  signal?: AbortSignal | null;
  /** The bearer token, asked for before every attempt (forceRefresh after a 401); undefined: none. */
  token?: (options: { forceRefresh?: boolean }) => Promise<string | undefined>;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /**
   * An earlier attempt of this request may have reached the server (it got no answer, or a 408/5xx)
   * before this one was sent: a non-idempotent call (versions.create) may already have happened.
   */
  retried: boolean;
}

export class NetworkError extends Error {
  constructor(
    readonly url: string,
    readonly cause: Error,
    /** Some attempt may have reached the server and been acted on (see HttpResponse.retried). */
    readonly maybeActed: boolean,
  ) {
    super(`${cause.message}`);
  }
}

function localhostLookup(hostname: string, options: dns.LookupOptions, callback: (...args: never[]) => void) {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    const cb = callback as unknown as (err: null, address: string | dns.LookupAddress[], family?: number) => void;
    return options.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
  }
  return dns.lookup(hostname, options, callback as never);
}

const agentOptions = { keepAlive: true, lookup: localhostLookup as never };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Retry n waits baseDelayMs·2^n, ±25 % jitter, at least baseDelayMs and at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry is started once it would begin later than this after the first attempt. */
  maxTotalMs: number;
  /** An attempt that receives nothing for this long is abandoned, and retried. */
  idleTimeoutMs: number;
}

/**
 * apitools' numbers (gcloud's HTTP layer): 5 attempts, waits of 2^n s ±25 % capped at 60 s, and
 * Retry-After honoured; gcloud's 300 s socket timeout. The total bound keeps a CI step from waiting
 * out a long outage (the waits alone add up to about 30 s).
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, maxTotalMs: 5 * 60_000, idleTimeoutMs: 300_000 };

/** Connection failures that prove the request never reached a server. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Statuses worth another attempt: the server or something on the way was briefly unable to answer. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Rejects with the signal's reason as soon as it aborts; the timer does not keep the process alive past that. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface HttpClientOptions {
  logHttp?: boolean;
  userAgent: string;
  /** Sent with every request (core/trace_token as Cookie, core/request_reason), as gcloud's transport does. */
  headers?: Record<string, string>;
  retry?: RetryPolicy;
  /** Requests abort when it does (Ctrl-C), unless they say otherwise. */
  signal?: AbortSignal;
  /** Tests replace the clock of the back-off. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export class HttpClient {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly output: Output,
    private readonly options: HttpClientOptions,
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const req = { ...request, signal: request.signal === null ? undefined : (request.signal ?? this.options.signal) };
    const started = this.now();
    let authRetried = false;
    let refreshToken = false;
    let reachedServer = false;
    for (let attempt = 1; ; attempt++) {
      req.signal?.throwIfAborted();
      const token = await req.token?.({ forceRefresh: refreshToken });
      refreshToken = false;
      const sent = token ? { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } } : req;
      let response: HttpResponse;
      try {
        response = { ...(await this.once(sent)), retried: reachedServer };
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason;
        // A request Node refuses to send (a bad URL or header) fails the same way every time.
        if (!isConnectionFailure(err)) throw new NetworkError(req.url, err as Error, reachedServer);
        // Unless no connection was made, the request may have been received and acted on before it failed.
        if (!NEVER_CONNECTED.has((err as NodeJS.ErrnoException).code ?? '')) reachedServer = true;
        const delay = this.nextDelay(attempt, started, undefined);
        if (delay === undefined) throw new NetworkError(req.url, err as Error, reachedServer);
        await this.backOff(req, attempt, delay, describeFailure(err as Error));
        continue;
      }
      if (response.status === 401 && !authRetried) {
        authRetried = true;
        refreshToken = true;
        continue;
      }
      if (!isRetryableStatus(response.status)) return response;
      const delay = this.nextDelay(attempt, started, retryAfterMs(response.headers['retry-after']));
      if (delay === undefined) return response;
      if (response.status !== 429) reachedServer = true;
      await this.backOff(req, attempt, delay, `HTTP ${response.status}`);
    }
  }

  /** The wait before the next attempt, or undefined when the attempts or the time are used up. */
  private nextDelay(attempt: number, started: number, hintedMs: number | undefined): number | undefined {
    if (attempt >= this.retry.maxAttempts) return undefined;
    const exponential = this.retry.baseDelayMs * 2 ** attempt;
    const jittered = exponential + ((this.options.random ?? Math.random)() * 2 - 1) * (exponential / 4);
    const delay = Math.min(this.retry.maxDelayMs, hintedMs ?? Math.max(this.retry.baseDelayMs, jittered));
    return this.now() + delay - started > this.retry.maxTotalMs ? undefined : delay;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async backOff(req: HttpRequest & { signal?: AbortSignal }, attempt: number, delay: number, reason: string) {
    this.output.info(
      `Retrying ${req.method} ${req.url.split('?')[0]} after ${reason} ` +
        `(attempt ${attempt + 1} of ${this.retry.maxAttempts}, in ${(delay / 1000).toFixed(1)}s).`,
    );
    await (this.options.sleep ?? abortableSleep)(delay, req.signal);
  }

  private once(req: HttpRequest & { signal?: AbortSignal }): Promise<Omit<HttpResponse, 'retried'>> {
    const url = new URL(req.url);
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...this.options.headers, ...req.headers };
    if (body) headers['content-length'] = String(body.length);
    if (this.options.logHttp) this.logRequest(req, headers, body);
    const started = Date.now();
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        { method: req.method, headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent, signal: req.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('close', () => {
            if (!res.complete) reject(errnoError('Connection closed before the response was complete', 'ECONNRESET'));
          });
          res.on('end', () => {
            const response = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), retried: false };
            this.output.debug(`${url.origin} "${req.method} ${url.pathname}${url.search} HTTP/1.1" ${response.status} ${response.body.length}`);
            if (this.options.logHttp) this.logResponse(response, Date.now() - started);
            resolve(response);
          });
        },
      );
      request.setTimeout(this.retry.idleTimeoutMs, () => {
        request.destroy(errnoError(`No response from the server for ${Math.round(this.retry.idleTimeoutMs / 1000)}s`, 'ETIMEDOUT'));
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  private logRequest(req: HttpRequest, headers: Record<string, string>, body: Buffer | undefined) {
    const lines = ['=======================', '==== request start ====', `uri: ${req.url}`, `method: ${req.method}`, '== headers start =='];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${redactHeader(k, v)}`);
    lines.push('== headers end ==', '== body start ==', body ? body.toString('utf8') : '', '== body end ==', '==== request end ====');
    this.output.raw(lines.join('\n') + '\n');
  }

  private logResponse(res: HttpResponse, ms: number) {
    const lines = ['---- response start ----', `status: ${res.status}`, '-- headers start --'];
    for (const [k, v] of Object.entries(res.headers)) lines.push(`${k}: ${redactHeader(k, String(v))}`);
    lines.push('-- headers end --', '-- body start --', res.body.toString('utf8'), '-- body end --',
      `total round trip time (request+response): ${(ms / 1000).toFixed(3)} secs`, '---- response end ----', '----------------------');
    this.output.raw(lines.join('\n') + '\n');
  }
}

/** Credentials never reach the screen, whatever the logging level. */
export function redactHeader(name: string, value: string): string {
  return /^(authorization|proxy-authorization|x-goog-iam-authorization-token|cookie|set-cookie)$/i.test(name)
    ? '--- Token Redacted ---'
    : value;
}

/** A failure of the connection, worth another attempt: Node's own usage errors (ERR_*) are not. */
function isConnectionFailure(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && !code.startsWith('ERR_');
}

function errnoError(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** "socket hang up (ECONNRESET)": Node's words plus the errno code a person can search for. */
function describeFailure(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}
