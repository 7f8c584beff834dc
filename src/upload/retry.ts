// Bounded retries with exponential back-off and jitter for upload requests. Repeating an upload is
// safe: object names start with the sha256 of the model, so a repeat writes the same bytes.
import { GcsHttpError } from './gcs-client';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Back-off before the first retry; doubles for each next one (with jitter). */
  firstDelayMs: number;
}

export const UPLOAD_RETRY: RetryPolicy = { retries: 3, firstDelayMs: 1000 };

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
    }
    await backOff(policy, tryNumber, signal);
  }
}

/** Waits before retry number `tryNumber + 1`: full back-off halved at random (jitter). */
export function backOff(policy: RetryPolicy, tryNumber: number, signal: AbortSignal): Promise<void> {
  const ms = policy.firstDelayMs * 2 ** tryNumber * (0.5 + Math.random() / 2);
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
