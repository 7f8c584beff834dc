// One small HTTP client for the ml API: keep-alive connections, bounded retries with back-off and
// jitter (connection errors, 429, 5xx; one retry on 401 as gcloud's credential refresh does),
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
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class NetworkError extends Error {
  constructor(readonly url: string, readonly cause: Error) {
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
  maxRetries: number;
  /** First back-off in ms; doubles each retry, with full jitter, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 32000 };

export class HttpClient {
  constructor(
    private readonly output: Output,
    private readonly logHttp: boolean,
    private readonly userAgent: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    let authRetried = false;
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.once(req);
      } catch (err) {
        if (attempt >= this.retry.maxRetries) throw new NetworkError(req.url, err as Error);
        await this.backOff(attempt, undefined, `${(err as Error).message}`);
        continue;
      }
      if (response.status === 401 && !authRetried) {
        authRetried = true;
        continue;
      }
      const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
      if (!retryable || attempt >= this.retry.maxRetries) return response;
      await this.backOff(attempt, response.headers['retry-after'], `HTTP ${response.status}`);
    }
  }

  private async backOff(attempt: number, retryAfter: string | string[] | undefined, reason: string) {
    const hinted = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    const delay = Number.isFinite(hinted) && hinted >= 0 ? Math.min(hinted * 1000, this.retry.maxDelayMs) : ceiling / 2 + Math.random() * (ceiling / 2);
    this.output.info(`Retrying request after ${reason} (attempt ${attempt + 2}, waiting ${(delay / 1000).toFixed(1)}s).`);
    await this.sleep(delay);
  }

  private once(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    if (body) headers['content-length'] = String(body.length);
    if (this.logHttp) this.logRequest(req, headers, body);
    const started = Date.now();
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        { method: req.method, headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const response = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
            this.output.debug(`${url.origin} "${req.method} ${url.pathname}${url.search} HTTP/1.1" ${response.status} ${response.body.length}`);
            if (this.logHttp) this.logResponse(response, Date.now() - started);
            resolve(response);
          });
        },
      );
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
