// The one retry policy of every request: which failures are worth another attempt (and which of
// them may have been acted on by the server), how long to wait (exponential back-off with jitter,
// or the server's Retry-After, capped), and the clock those waits run on (tests replace it).

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Retry n waits baseDelayMs·2^n, ±25 % jitter, at least baseDelayMs and at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry is started once it would begin later than this after the first attempt. */
  maxTotalMs: number;
}

/**
 * apitools' numbers (gcloud's HTTP layer): 5 attempts, waits of 2^n s ±25 % capped at 60 s. The
 * total bound keeps a CI step from waiting out a long outage (the waits alone add up to ~30 s).
 */
export const API_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, maxTotalMs: 5 * 60_000 };

/** Uploads get the same budget: repeating one is safe (object names start with the model's sha256). */
export const UPLOAD_RETRY: RetryPolicy = API_RETRY;

/** One attempt only: the caller decides what follows a failure (a resumable chunk asks the server first). */
export const NO_RETRY: RetryPolicy = { ...API_RETRY, maxAttempts: 1 };

/** A Retry-After longer than this is not waited out: the wait is cut to it. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Time as the back-off sees it. */
export interface Clock {
  now(): number;
  /** Rejects with the signal's reason as soon as it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** In [0, 1): the jitter. */
  random(): number;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: abortableSleep, random: () => Math.random() };

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

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from now, at most MAX_RETRY_AFTER_MS; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** What one attempt ended with: an answer, or a failure before a complete answer. */
export type Attempt = { status: number } | { error: Error; requestSent: boolean };

export interface Verdict {
  /** Another attempt may succeed. */
  retry: boolean;
  /**
   * The server may have received the request and acted on it, without a definite answer saying
   * so: a lost answer, a reset or a timeout once the whole request was sent. Any HTTP status is a
   * definite answer; so is a connection that was never made.
   */
  mayHaveActed: boolean;
}

/** Connection failures that prove the request never reached a server (PROXY_HANDSHAKE: no tunnel was made). */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'PROXY_HANDSHAKE',
]);

/** Whether a connection failure's code proves the request never reached a server. */
export function neverConnected(code: string): boolean {
  return NEVER_CONNECTED.has(code);
}

/** The connection failed or stalled mid-exchange: the answer (if any) was lost. */
const CUT_OFF = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ANSWER_DEADLINE',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Statuses worth another attempt: the server or something on the way was briefly unable to answer. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A TLS certificate (or handshake) failure: the same every time, and nothing reached the server. */
export function isCertificateError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  return /^(CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|ERR_TLS_CERT|ERR_SSL_|HOSTNAME_MISMATCH|UND_ERR_PRX_TLS)/.test(code);
}

export function classify(attempt: Attempt): Verdict {
  if ('status' in attempt) return { retry: isRetryableStatus(attempt.status), mayHaveActed: false };
  const code = (attempt.error as NodeJS.ErrnoException).code ?? '';
  if (isCertificateError(attempt.error) || (attempt.error as { permanent?: boolean }).permanent)
    return { retry: false, mayHaveActed: false };
  if (NEVER_CONNECTED.has(code)) return { retry: true, mayHaveActed: false };
  if (CUT_OFF.has(code)) return { retry: true, mayHaveActed: attempt.requestSent };
  // Anything else (a bad URL or header, a file that cannot be read) fails the same way every time.
  return { retry: false, mayHaveActed: false };
}

/** The waits of one request's retries: attempts and total time counted from its first attempt. */
export class Backoff {
  private readonly started: number;
  /** Attempts made so far. */
  attempts = 1;

  constructor(
    readonly policy: RetryPolicy,
    private readonly clock: Clock = systemClock,
  ) {
    this.started = clock.now();
  }

  /** The wait before the next attempt (counting it), or undefined when attempts or time are used up. */
  next(hintedMs?: number): number | undefined {
    const { policy } = this;
    if (this.attempts >= policy.maxAttempts) return undefined;
    const exponential = policy.baseDelayMs * 2 ** this.attempts;
    const jittered = exponential + (this.clock.random() * 2 - 1) * (exponential / 4);
    const delay = Math.min(policy.maxDelayMs, hintedMs ?? Math.max(policy.baseDelayMs, jittered));
    if (this.clock.now() + delay - this.started > policy.maxTotalMs) return undefined;
    this.attempts++;
    return delay;
  }
}
