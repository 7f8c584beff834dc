// The one HTTP client of every request the CLI makes (ml API, uploads, MLflow registry): undici's
// dispatch() with a small handler, through the proxy and TLS settings, with one retry loop (the
// policy is per request: uploads and API calls differ in numbers, not in code), the token asked for
// on every attempt (and once more, fresh, after a 401), the same headers everywhere and --log-http.
import type { Dispatcher } from 'undici';
import { dispatchWithCallbacks, type CallbackHandler } from '../runtime';
import type { Output } from '../ui/output';
import { Dispatchers, ProxyHandshakeError, type Route } from './dispatchers';
import { buildHeaders, type HeaderDefaults } from './headers';
import { requestBlock, responseBlock } from './log';
import {
  API_RETRY,
  Backoff,
  classify,
  isCertificateError,
  neverConnected,
  retryAfterMs,
  systemClock,
  type Clock,
  type RetryPolicy,
} from './retry';
import { proxyLabel, type NetSettings } from './settings';

/** Where a bearer token comes from; asked before every attempt (tokens expire during long uploads and waits). */
export interface TokenSource {
  token(options?: { forceRefresh?: boolean }): Promise<string | undefined>;
}

/** A body written in pieces (a resumable chunk read from disk); sent once, never retried as is. */
export interface StreamedBody {
  length: number;
  chunks(): AsyncIterable<Buffer>;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | StreamedBody;
  /**
   * Aborts the attempt in flight and any back-off wait; the request rejects with the signal's reason.
   * Defaults to the client's signal (Ctrl-C); one given takes its place (staging's follows Ctrl-C);
   * null: never aborted (a create whose outcome must be known).
   */
  signal?: AbortSignal | null;
  /** A deadline for the whole request (a probe), on top of the signal: it rejects with a TimeoutError. */
  deadlineMs?: number;
  /** Sends `Authorization: Bearer` with its token. */
  credentials?: TokenSource;
  /** A Google API: the quota project, trace cookie and request reason go with it. */
  google?: boolean;
  /** Default: the client's (API_RETRY). */
  retry?: RetryPolicy;
  /** Never through a proxy: the link-local metadata servers (GCE's, OCI's), which gcloud and OCI's SDKs reach directly. */
  direct?: boolean;
  /** Left out of --log-http, as gcloud leaves out its GCE metadata-server probe. */
  unlogged?: boolean;
  /** What --log-http shows instead of the body (uploads, token requests). */
  bodySummary?: string;
  /** --log-http does not show the answer's body either (it holds a token). */
  redactResponse?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
  /**
   * An earlier attempt of this request may have been acted on: it failed without a definite answer
   * (a lost answer, a reset or a timeout once it was sent). A non-idempotent call may have happened.
   */
  retried: boolean;
}

export class NetworkError extends Error {
  constructor(
    readonly url: string,
    message: string,
    readonly cause: Error,
    /** Some attempt may have reached the server and been acted on (see HttpResponse.retried). */
    readonly maybeActed: boolean,
  ) {
    super(message);
    this.name = 'NetworkError';
  }

  /** A certificate that could not be verified: nothing reached the server. */
  get certificateFailure(): boolean {
    return isCertificateError(this.cause);
  }
}

export interface HttpClientOptions {
  settings: NetSettings;
  headers: HeaderDefaults;
  logHttp?: boolean;
  retry?: RetryPolicy;
  /** Requests abort when it does (Ctrl-C), unless they say otherwise. */
  signal?: AbortSignal;
  /** Tests replace the clock of the back-off. */
  clock?: Clock;
  /** Connections per origin at most (default 32, the small-file upload concurrency). */
  connections?: number;
}

const REDACTED_RESPONSE = 'Body redacted: Contains oauth token.';

type AttemptResult =
  | { ok: true; status: number; headers: Record<string, string>; body: Buffer }
  | { ok: false; error: Error; requestSent: boolean };

export class HttpClient {
  private readonly dispatchers: Dispatchers;
  private readonly clock: Clock;
  /** Hosts already warned about (auth/disable_ssl_validation): once each, as urllib3 warns in gcloud. */
  private readonly unverifiedHosts = new Set<string>();

  constructor(
    private readonly output: Output,
    private readonly options: HttpClientOptions,
  ) {
    this.dispatchers = new Dispatchers(options.settings, options.connections ?? 32);
    this.clock = options.clock ?? systemClock;
  }

  get timeoutMs(): number {
    return this.options.settings.timeoutMs;
  }

  /**
   * A client like this one (headers, --log-http, retries, Ctrl-C) whose TLS differs: the trust and
   * client certificate a registry's own variables ask for (MLflow's MLFLOW_TRACKING_*), for its requests only.
   */
  withTls(tls: Partial<Pick<NetSettings, 'extraCa' | 'insecure' | 'insecureSource' | 'clientCertificate'>>): HttpClient {
    const own = this.options.settings;
    const extraCa = [own.extraCa, tls.extraCa].filter(Boolean).join('\n') || undefined;
    return new HttpClient(this.output, { ...this.options, settings: { ...own, ...tls, extraCa } });
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const interrupt = request.signal === null ? undefined : (request.signal ?? this.options.signal);
    // Combined only for the rare request with a deadline: AbortSignal.any per upload cost ~9 % on 1000 small files.
    const deadline = request.deadlineMs === undefined ? undefined : AbortSignal.timeout(request.deadlineMs);
    const signal = deadline && interrupt ? AbortSignal.any([deadline, interrupt]) : (deadline ?? interrupt);
    const backoff = new Backoff(request.retry ?? this.options.retry ?? API_RETRY, this.clock);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (err) {
      throw new NetworkError(request.url, `Invalid URL [${request.url}]`, err as Error, false);
    }
    const route = this.dispatchers.route(url, request.direct);
    if (this.options.settings.insecure && url.protocol === 'https:' && !this.unverifiedHosts.has(url.hostname)) {
      this.unverifiedHosts.add(url.hostname);
      this.output.warning(
        `Unverified HTTPS request is being made to host '${url.hostname}' (${this.options.settings.insecureSource ?? 'auth/disable_ssl_validation'}). Adding certificate verification is strongly advised.`,
      );
    }
    let refreshToken = false;
    let tokenRefreshed = false;
    let mayHaveActed = false;
    for (;;) {
      signal?.throwIfAborted();
      const token = await request.credentials?.token(refreshToken ? { forceRefresh: true } : undefined);
      const result = await this.attempt(request, url, route, token, signal);
      if (!result.ok) {
        if (signal?.aborted) throw signal.reason;
        const verdict = classify(result);
        mayHaveActed ||= verdict.mayHaveActed;
        const delay = verdict.retry ? backoff.next() : undefined;
        const message = describeFailure(result.error, url, route, this.timeoutMs);
        if (delay === undefined) throw new NetworkError(request.url, message, result.error, mayHaveActed);
        await this.wait(request, backoff, delay, message, signal);
        continue;
      }
      const response = { status: result.status, headers: result.headers, body: result.body, retried: mayHaveActed };
      // A token may expire between being handed out and being checked: one fresh one, as gcloud's credential
      // refresh does. A request sent without one (credentials disabled) is not sent again, as in gcloud.
      if (response.status === 401 && token !== undefined && !tokenRefreshed) {
        refreshToken = tokenRefreshed = true;
        continue;
      }
      refreshToken = false;
      if (!classify({ status: response.status }).retry) return response;
      const delay = backoff.next(retryAfterMs(response.headers['retry-after'], this.clock.now()));
      if (delay === undefined) return response;
      await this.wait(request, backoff, delay, `HTTP ${response.status}`, signal);
    }
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.dispatchers.destroy();
  }

  private async wait(request: HttpRequest, backoff: Backoff, delay: number, reason: string, signal: AbortSignal | undefined) {
    this.output.info(
      `Retrying ${request.method} ${request.url.split('?')[0]} after ${reason} ` +
        `(attempt ${backoff.attempts} of ${backoff.policy.maxAttempts}, in ${(delay / 1000).toFixed(1)}s).`,
    );
    await this.clock.sleep(delay, signal);
  }

  /**
   * One exchange; resolves with the answer or with what went wrong (never rejects). Long because
   * undici's callbacks for one request (connect, headers, body, errors, deadlines) share its state.
   */
  private attempt(
    request: HttpRequest,
    url: URL,
    route: Route,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AttemptResult> {
    const headers = buildHeaders(this.options.headers, request, token);
    const raw = request.body;
    const streamed = raw !== undefined && typeof raw === 'object' && !Buffer.isBuffer(raw) ? raw : undefined;
    const body = streamed ? { [Symbol.asyncIterator]: () => streamed.chunks()[Symbol.asyncIterator]() } : raw;
    if (raw !== undefined) headers['content-length'] = String(streamed ? streamed.length : Buffer.byteLength(raw as string | Buffer));
    const logHttp = this.options.logHttp && !request.unlogged;
    if (logHttp) {
      const shown = request.bodySummary ?? (raw === undefined || streamed ? '' : raw.toString());
      this.output.raw(requestBlock(request.method, request.url, headers, shown));
    }
    const started = Date.now();
    const timeout = this.timeoutMs;
    // The proxy agent needs the target's origin; a forwarded http:// request names it in full.
    const options: Dispatcher.DispatchOptions = {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body: body as Dispatcher.DispatchOptions['body'],
      headersTimeout: timeout,
      bodyTimeout: timeout,
    };
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let status = 0;
      let responseHeaders: Record<string, string> = {};
      let requestSent = false;
      let abort: ((err: Error) => void) | undefined;
      let settled = false;
      let answerDeadline: NodeJS.Timeout | undefined;
      // Before undici hands the request a connection (connecting, or a proxy's CONNECT) it cannot
      // be aborted: the attempt ends at once all the same, and the connection is left to its timeout.
      const onAbort = () => (abort ? abort(signal!.reason) : finish({ ok: false, error: signal!.reason, requestSent: false }));
      const finish = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(answerDeadline);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const handler: CallbackHandler = {
        onConnect: (abortRequest) => {
          abort = abortRequest;
          if (signal?.aborted) abortRequest(signal.reason);
        },
        onRequestSent: () => {
          requestSent = true;
        },
        onHeaders: (statusCode, rawHeaders) => {
          if (statusCode < 200) return true; // an interim answer (100 Continue): the real one follows
          status = statusCode;
          responseHeaders = parseHeaders(rawHeaders);
          // undici's body timeout counts silence: a server trickling a byte at a time would never
          // end the attempt. The body as a whole gets a deadline past that timeout (so that plain
          // silence still ends in its words; undici's timers fire up to a second late).
          const deadline = 2 * timeout + 1000;
          answerDeadline = setTimeout(() => abort?.(new AnswerDeadlineError(deadline)), deadline);
          return true;
        },
        onData: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          const responseBody = Buffer.concat(chunks);
          this.output.debug(`${url.origin} "${request.method} ${url.pathname}${url.search} HTTP/1.1" ${status} ${responseBody.length}`);
          if (logHttp) {
            const shown = request.redactResponse ? REDACTED_RESPONSE : responseBody.toString('utf8');
            this.output.raw(responseBlock(status, responseHeaders, shown, (Date.now() - started) / 1000));
          }
          finish({ ok: true, status, headers: responseHeaders, body: responseBody });
        },
        onError: (error) => finish({ ok: false, error, requestSent: requestSent || status !== 0 }),
      };
      try {
        dispatchWithCallbacks(route.dispatcher, options, handler);
      } catch (error) {
        finish({ ok: false, error: error as Error, requestSent: false });
      }
    });
  }
}

function parseHeaders(raw: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString('latin1').toLowerCase();
    const value = raw[i + 1].toString('latin1');
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** The answer's body took longer than its deadline as a whole (however often bytes came). */
class AnswerDeadlineError extends Error {
  readonly code = 'ANSWER_DEADLINE';
  constructor(readonly timeoutMs: number) {
    super('the answer took too long');
    this.name = 'AnswerDeadlineError';
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** One line saying what went wrong, in words a person can act on, with the code they can search for. */
function describeFailure(err: Error, target: URL, route: Route, timeoutMs: number): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const seconds = `${Number((timeoutMs / 1000).toFixed(3))}s`;
  if (route.proxy) {
    const proxy = proxyLabel(route.proxy);
    const answered =
      /Proxy response \((\d+)\)/.exec(err.message)?.[1] ?? (/Proxy Authentication Required/.test(err.message) ? '407' : undefined);
    if (answered === '407')
      return `The proxy [${proxy}] requires authentication (HTTP 407): set proxy/username and proxy/password, or the credentials in the proxy URL.`;
    if (answered) return `The proxy [${proxy}] refused the request (HTTP ${answered}).`;
    if (err instanceof ProxyHandshakeError) {
      return err.timedOut
        ? `The proxy [${proxy}] did not answer the CONNECT request for [${target.host}] within ${seconds} (core/http_timeout).`
        : `The proxy [${proxy}] closed the connection without answering the CONNECT request for [${target.host}].`;
    }
    if (neverConnected(code)) return `Could not connect to the proxy [${proxy}]: ${err.message}`;
  }
  if (TIMEOUT_CODES.has(code)) return `no answer from [${target.host}] for ${seconds} (core/http_timeout; ${code})`;
  if (err instanceof AnswerDeadlineError) {
    return `the answer from [${target.host}] was not complete ${Number((err.timeoutMs / 1000).toFixed(3))}s after it began (core/http_timeout: ${seconds})`;
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `could not connect to [${target.host}] within ${seconds} (core/http_timeout; ${code})`;
  if (code === 'UND_ERR_SOCKET') return `connection closed before the answer was complete (${err.message}, ${code})`;
  if (isCertificateError(err)) {
    return `${err.message} (${code}): the server's certificate could not be verified. If a proxy re-signs TLS traffic, set core/custom_ca_certs_file to its CA bundle.`;
  }
  return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}
