// The retry policy's pieces without a network: the classification of failures (retry? may the
// server have acted?), the Retry-After rule and its cap, and the back-off on a fake clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_RETRY, Backoff, classify, retryAfterMs, UPLOAD_RETRY } from '../../src/net';
import { MAX_RETRY_AFTER_MS } from '../../src/net/retry';
import { fakeClock } from '../support/net';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('classification', () => {
  test('every HTTP status is a definite answer: retried when 408/429/5xx, never "may have acted"', () => {
    for (const status of [408, 429, 500, 502, 503, 504])
      assert.deepEqual(classify({ status }), { retry: true, mayHaveActed: false }, String(status));
    for (const status of [200, 308, 400, 401, 403, 404, 409, 412])
      assert.deepEqual(classify({ status }), { retry: false, mayHaveActed: false }, String(status));
  });

  test('a connection never made is retried and proves nothing was done', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
      assert.deepEqual(classify({ error: errno(code), requestSent: false }), { retry: true, mayHaveActed: false }, code);
    }
  });

  test('a lost answer, a reset or a timeout may have been acted on only once the request was sent', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      assert.deepEqual(classify({ error: errno(code), requestSent: true }), { retry: true, mayHaveActed: true }, code);
      assert.deepEqual(classify({ error: errno(code), requestSent: false }), { retry: true, mayHaveActed: false }, code);
    }
  });

  test('certificate failures are neither retried nor "may have acted"', () => {
    for (const code of [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'ERR_SSL_WRONG_VERSION_NUMBER',
    ]) {
      assert.deepEqual(classify({ error: errno(code), requestSent: true }), { retry: false, mayHaveActed: false }, code);
    }
  });

  test('anything else (a bad header, an unreadable file) fails at once', () => {
    assert.deepEqual(classify({ error: errno('UND_ERR_INVALID_ARG'), requestSent: false }), { retry: false, mayHaveActed: false });
    assert.deepEqual(classify({ error: new Error('EACCES: permission denied'), requestSent: true }), { retry: false, mayHaveActed: false });
  });
});

describe('Retry-After', () => {
  test('seconds or an HTTP date, capped at 60 s', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs('12', now), 12000);
    assert.equal(retryAfterMs('3600', now), MAX_RETRY_AFTER_MS);
    assert.equal(MAX_RETRY_AFTER_MS, 60_000);
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(retryAfterMs('Fri, 02 Jan 2026 00:00:00 GMT', now), MAX_RETRY_AFTER_MS);
    assert.equal(retryAfterMs('Wed, 31 Dec 2025 00:00:05 GMT', now), 0);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs(undefined, now), undefined);
  });
});

describe('back-off', () => {
  test('uploads and API calls share one budget: 5 attempts', () => {
    assert.equal(API_RETRY.maxAttempts, 5);
    assert.equal(UPLOAD_RETRY.maxAttempts, API_RETRY.maxAttempts);
  });

  test('waits double from 2 s, a hint replaces the wait, and attempts run out', () => {
    const clock = fakeClock();
    const backoff = new Backoff(API_RETRY, clock);
    assert.equal(backoff.next(), 2000);
    assert.equal(backoff.next(7000), 7000);
    assert.equal(backoff.next(), 8000);
    assert.equal(backoff.next(), 16000);
    assert.equal(backoff.attempts, 5);
    assert.equal(backoff.next(), undefined);
  });

  test('no retry starts past the total bound, measured on the injected clock', async () => {
    const clock = fakeClock();
    const backoff = new Backoff({ ...API_RETRY, maxTotalMs: 10_000 }, clock);
    await clock.sleep(backoff.next()!); // 2 s
    await clock.sleep(9000); // an attempt that took 9 s
    assert.equal(backoff.next(), undefined, '11 s + the next wait is past 10 s');
  });

  test('jitter stays within a quarter either way and never below the base delay', () => {
    for (const random of [0, 0.999]) {
      const wait = new Backoff(API_RETRY, fakeClock(random)).next()!;
      assert.ok(wait >= 1500 && wait <= 2500, String(wait));
    }
  });
});
