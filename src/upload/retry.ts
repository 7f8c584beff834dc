// Bounded retries with exponential back-off and jitter for upload requests. Repeating an upload is
// safe: object names start with the sha256 of the model, so a repeat writes the same bytes.
import { DEFAULT_RETRY, retryAfterMs } from '../context/http';
import { GcsHttpError } from './gcs-client';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Back-off before the first retry; doubles for each next one (with jitter). */
  firstDelayMs: number;
  /** Told of each retry before its wait (the command logs it at --verbosity=info). */
  onRetry?: (reason: string, delayMs: number) => void;
}

/** The ml API client's budget (5 attempts in all, apitools' numbers: see DEFAULT_RETRY). */
export const UPLOAD_RETRY: RetryPolicy = { retries: DEFAULT_RETRY.maxAttempts - 1, firstDelayMs: 1000 };

/** The longest wait a Retry-After may ask for, as gcloud's HTTP layer caps it (60 s). */
export const MAX_RETRY_AFTER_MS = DEFAULT_RETRY.maxDelayMs;

// A connection that dropped or stalled may work on the next try; a refused one will not.
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** 408, 429 and 5xx answers, and dropped connections, are worth another try. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof GcsHttpError) return err.status === 408 || err.status === 429 || err.status >= 500;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries are used up; `attempt` gets the
 * number of the try (0 first). Stops at once when `signal` aborts.
 */
export async function withRetries<T>(policy: RetryPolicy, signal: AbortSignal, attempt: (tryNumber: number) => Promise<T>): Promise<T> {
  for (let tryNumber = 0; ; tryNumber++) {
    try {
      return await attempt(tryNumber);
    } catch (err) {
      if (signal.aborted || tryNumber >= policy.retries || !isRetryable(err)) throw err;
      await backOff(policy, tryNumber, signal, err);
    }
  }
}

/**
 * Waits before retry number `tryNumber + 1`: full back-off halved at random (jitter), or longer when
 * the server's Retry-After asks for it, up to MAX_RETRY_AFTER_MS.
 */
export function backOff(policy: RetryPolicy, tryNumber: number, signal: AbortSignal, cause?: unknown): Promise<void> {
  const jittered = policy.firstDelayMs * 2 ** tryNumber * (0.5 + Math.random() / 2);
  const asked = cause instanceof GcsHttpError ? retryAfterMs(cause.retryAfter) : undefined;
  const ms = Math.min(MAX_RETRY_AFTER_MS, Math.max(jittered, asked ?? 0));
  policy.onRetry?.(describeFailure(cause), ms);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function describeFailure(cause: unknown): string {
  if (cause instanceof GcsHttpError) return `HTTP ${cause.status}`;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (cause instanceof Error ? cause.message : 'no answer');
}
