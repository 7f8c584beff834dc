// Upload retries: which failures are retried, the server's Retry-After honoured, each retry reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GcsHttpError } from '../../src/upload/gcs-client';
import { withRetries } from '../../src/upload/retry';

test('a 429 with Retry-After waits at least that long, reports the retry, then succeeds', async () => {
  const retries: [string, number][] = [];
  let calls = 0;
  const result = await withRetries({ retries: 3, firstDelayMs: 1, onRetry: (reason, ms) => retries.push([reason, ms]) }, new AbortController().signal, async () => {
    calls++;
    if (calls === 1) throw new GcsHttpError(429, 'slow down', '1');
    if (calls === 2) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    return 'ok';
  });
  assert.equal(result, 'ok');
  assert.equal(retries.length, 2);
  assert.deepEqual(retries.map(([reason]) => reason), ['HTTP 429', 'ECONNRESET']);
  assert.ok(retries[0][1] >= 1000, `Retry-After: 1 asks for a second, got ${retries[0][1]} ms`);
  assert.ok(retries[1][1] < 1000, 'without Retry-After the (tiny) back-off applies');
});

test('a 400 is not retried; retries stop at the bound', async () => {
  let calls = 0;
  await assert.rejects(withRetries({ retries: 3, firstDelayMs: 1 }, new AbortController().signal, async () => {
    calls++;
    throw new GcsHttpError(400, 'bad');
  }), GcsHttpError);
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(withRetries({ retries: 2, firstDelayMs: 1 }, new AbortController().signal, async () => {
    calls++;
    throw new GcsHttpError(503, 'busy');
  }), GcsHttpError);
  assert.equal(calls, 3);
});
