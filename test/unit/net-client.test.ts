// The network client's retry policy against a scripted local server: which failures are retried, how
// long it waits (the back-off clock is replaced, so nothing here depends on timing), the bounds on
// attempts and total time, Retry-After, timeouts, tokens per attempt, Ctrl-C, and that --log-http
// never shows a token.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { API_RETRY as DEFAULT_RETRY, HttpClient, NetworkError, NO_RETRY, uploadSummary, type RetryPolicy } from '../../src/net';
import type { Output } from '../../src/ui/output';
import { InterruptedError } from '../../src/errors';
import { fakeClock, silentOutput, testHttp } from '../support/net';

type Step = { status: number; headers?: Record<string, string>; body?: string } | 'reset' | 'hang';

let server: Server;
let base: string;
let script: Step[] = [];
let seen = 0;

let received: IncomingMessage[] = [];

function answer(req: IncomingMessage, res: ServerResponse) {
  req.resume();
  seen++;
  received.push(req);
  const step = script.shift() ?? { status: 200, body: '{}' };
  if (step === 'hang') return;
  if (step === 'reset') {
    req.socket.destroy();
    return;
  }
  res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
  res.end(step.body ?? '{}');
}

function capture(verbosity = 'info') {
  return silentOutput(verbosity);
}

function client(
  output: Output,
  retry: Partial<RetryPolicy> = {},
  extra: { signal?: AbortSignal; logHttp?: boolean; timeoutMs?: number } = {},
) {
  const clock = fakeClock(); // no jitter: delays are exactly base·2^n
  const { timeoutMs, ...rest } = extra;
  const http = testHttp({
    output,
    clock,
    retry: { ...DEFAULT_RETRY, ...retry },
    ...(timeoutMs ? { settings: { timeoutMs } } : {}),
    ...rest,
  });
  return { http, sleeps: clock.sleeps };
}

before(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  script = [];
  seen = 0;
  received = [];
});

describe('retries', () => {
  test('5xx is retried with exponential back-off, each retry logged at info', async () => {
    script = [{ status: 503 }, { status: 500 }, { status: 200, body: '{"ok":true}' }];
    const { output, text } = capture();
    const { http, sleeps } = client(output);
    const res = await http.request({ method: 'POST', url: `${base}v1/x?alt=json`, body: '{}' });
    assert.equal(res.status, 200);
    assert.equal(res.retried, false, 'a 5xx is a definite answer');
    assert.deepEqual(sleeps, [2000, 4000]);
    assert.equal(seen, 3);
    const lines = text().trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^INFO: Retrying POST http:\/\/127\.0\.0\.1:\d+\/v1\/x after HTTP 503 \(attempt 2 of 5, in 2\.0s\)\.$/);
    assert.match(lines[1], /after HTTP 500 \(attempt 3 of 5, in 4\.0s\)/);
  });

  test('jitter stays within a quarter of the delay either way', async () => {
    for (const random of [0, 0.999]) {
      script = [{ status: 502 }];
      const clock = fakeClock(random);
      await testHttp({ clock }).request({ method: 'GET', url: base });
      assert.ok(clock.sleeps[0] >= 1500 && clock.sleeps[0] <= 2500, String(clock.sleeps[0]));
    }
  });

  test('408 and 429 are retried; 429 honours Retry-After and proves nothing was done', async () => {
    script = [{ status: 408 }, { status: 200 }];
    const first = client(capture().output);
    assert.equal((await first.http.request({ method: 'GET', url: base })).status, 200);
    assert.deepEqual(first.sleeps, [2000]);

    script = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 200 }];
    const second = client(capture().output);
    const res = await second.http.request({ method: 'POST', url: base, body: '{}' });
    assert.equal(res.status, 200);
    assert.deepEqual(second.sleeps, [7000]);
    assert.equal(res.retried, false);
  });

  test('Retry-After on a 503 wins over the back-off, capped at the longest wait', async () => {
    script = [{ status: 503, headers: { 'retry-after': '3' } }, { status: 503, headers: { 'retry-after': '9999' } }, { status: 200 }];
    const { http, sleeps } = client(capture().output);
    await http.request({ method: 'GET', url: base });
    assert.deepEqual(sleeps, [3000, DEFAULT_RETRY.maxDelayMs]);
  });

  test('other 4xx answers are returned at once', async () => {
    for (const status of [400, 403, 404, 409]) {
      script = [{ status }];
      const { http, sleeps } = client(capture().output);
      assert.equal((await http.request({ method: 'POST', url: base, body: '{}' })).status, status);
      assert.deepEqual(sleeps, []);
    }
  });

  test('attempts are bounded: the last 5xx is returned after maxAttempts', async () => {
    script = Array.from({ length: 10 }, () => ({ status: 500 }));
    const { http, sleeps } = client(capture().output);
    assert.equal((await http.request({ method: 'GET', url: base })).status, 500);
    assert.equal(seen, DEFAULT_RETRY.maxAttempts);
    assert.deepEqual(sleeps, [2000, 4000, 8000, 16000]);
  });

  test('total time is bounded: no retry that would start past maxTotalMs', async () => {
    script = Array.from({ length: 10 }, () => ({ status: 503 }));
    const { http, sleeps } = client(capture().output, { maxTotalMs: 5000 });
    assert.equal((await http.request({ method: 'GET', url: base })).status, 503);
    assert.deepEqual(sleeps, [2000], 'the second wait (4 s) would end past 5 s');
    assert.equal(seen, 2);
  });

  test('a connection reset is retried and marks the request as possibly done', async () => {
    script = ['reset', { status: 200 }];
    const { output, text } = capture();
    const { http, sleeps } = client(output);
    const res = await http.request({ method: 'POST', url: base, body: '{}' });
    assert.equal(res.status, 200);
    assert.equal(res.retried, true);
    assert.equal(sleeps.length, 1);
    assert.match(text(), /INFO: Retrying POST .* after .*(connection closed|ECONNRESET)/);
  });

  test('a response that never comes is abandoned after the idle timeout, then retried', async () => {
    script = ['hang', { status: 200 }];
    const { http } = client(capture().output, {}, { timeoutMs: 100 });
    assert.equal((await http.request({ method: 'GET', url: base })).status, 200);
    assert.equal(seen, 2);
  });

  test('connection failures past the last attempt become a NetworkError', async () => {
    script = Array.from({ length: 5 }, () => 'reset' as const);
    const { http, sleeps } = client(capture().output);
    await assert.rejects(http.request({ method: 'GET', url: base }), NetworkError);
    assert.equal(sleeps.length, 4);
  });

  test('a refused connection never reached a server', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { http } = client(capture().output, { maxAttempts: 2 });
    await assert.rejects(http.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }), (err: NetworkError) => {
      assert.equal((err.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
      return true;
    });
  });

  test('a request Node refuses to send (bad header, bad URL) fails at once', async () => {
    const { http, sleeps } = client(capture().output);
    await assert.rejects(http.request({ method: 'GET', url: base, headers: { authorization: 'Bearer a\nb' } }), NetworkError);
    await assert.rejects(http.request({ method: 'GET', url: 'http://us-central1-127.0.0.1:1/' }), NetworkError);
    assert.deepEqual(sleeps, []);
    assert.equal(seen, 0);
  });

  test('retries are not shown below --verbosity=info', async () => {
    script = [{ status: 503 }, { status: 200 }];
    const { output, text } = capture('warning');
    await client(output).http.request({ method: 'GET', url: base });
    assert.equal(text(), '');
  });
});

describe('interrupts', () => {
  test('an aborted signal stops the back-off with its reason', async () => {
    script = [{ status: 503 }, { status: 200 }];
    const interrupt = new AbortController();
    const http = testHttp({
      signal: interrupt.signal,
      clock: { ...fakeClock(), sleep: async () => interrupt.abort(new InterruptedError()) },
    });
    await assert.rejects(http.request({ method: 'GET', url: base }), InterruptedError);
    assert.equal(seen, 1);
  });

  test('an aborted signal stops a request in flight; signal: null opts out', async () => {
    script = ['hang'];
    const interrupt = new AbortController();
    const { http } = client(capture().output, {}, { signal: interrupt.signal });
    const pending = http.request({ method: 'GET', url: base });
    setImmediate(() => interrupt.abort(new InterruptedError()));
    await assert.rejects(pending, InterruptedError);

    script = [{ status: 200 }];
    const res = await http.request({ method: 'POST', url: base, body: '{}', signal: null });
    assert.equal(res.status, 200, 'a create is never cut off');
  });
});

describe('interrupts with a deadline', () => {
  test("a request with a deadline (a probe) is still stopped by the client's signal (Ctrl-C)", async () => {
    script = ['hang'];
    const interrupt = new AbortController();
    const { http } = client(capture().output, {}, { signal: interrupt.signal });
    const pending = http.request({ method: 'GET', url: base, deadlineMs: 60_000 });
    setImmediate(() => interrupt.abort(new InterruptedError()));
    await assert.rejects(pending, InterruptedError);

    script = ['hang'];
    const { http: fresh } = client(capture().output, {}, { signal: new AbortController().signal });
    const second = fresh.request({ method: 'GET', url: base, deadlineMs: 20 });
    await assert.rejects(second, (err: Error) => err.name === 'TimeoutError');
  });
});

describe('secrets', () => {
  test('--log-http redacts the Authorization header; retries never show it', async () => {
    script = [{ status: 503 }, { status: 200 }];
    const { output, text } = capture('debug');
    const { http } = client(output, {}, { logHttp: true });
    await http.request({ method: 'GET', url: base, credentials: { token: async () => 'ya29.secret-token' } });
    assert.doesNotMatch(text(), /ya29\.secret-token/);
    assert.match(text(), /authorization: --- Token Redacted ---/);
  });
});

describe('tokens', () => {
  test('the token is asked for on every attempt; after a 401 once more, fresh, and the request is retried', async () => {
    script = [{ status: 503 }, { status: 401 }, { status: 200 }];
    const asked: (boolean | undefined)[] = [];
    const token = async (options?: { forceRefresh?: boolean }) => {
      asked.push(options?.forceRefresh);
      return `t${asked.length}`;
    };
    const credentials = { token };
    const { http } = client(capture().output);
    assert.equal((await http.request({ method: 'GET', url: base, credentials })).status, 200);
    assert.deepEqual(asked, [undefined, undefined, true]);
    assert.deepEqual(
      received.map((r) => r.headers.authorization),
      ['Bearer t1', 'Bearer t2', 'Bearer t3'],
    );
  });

  test('a second 401 is the answer', async () => {
    script = [{ status: 401 }, { status: 401 }, { status: 200 }];
    const { http } = client(capture().output);
    assert.equal((await http.request({ method: 'GET', url: base, credentials: { token: async () => 't' } })).status, 401);
    assert.equal(seen, 2);
  });
});

describe('headers', () => {
  test('User-Agent everywhere; quota project, trace cookie and request reason on Google API requests only', async () => {
    const headers = { userAgent: 'gcloud-aip/9 command/x', quotaProject: 'billing', traceToken: 'token:abc', requestReason: 'ticket-1' };
    const withDefaults = new HttpClient(capture().output, { settings: { insecure: false, timeoutMs: 5000 }, headers });
    await withDefaults.request({ method: 'GET', url: base, google: true });
    await withDefaults.request({ method: 'GET', url: base });
    const [google, other] = received.map((r) => r.headers);
    assert.equal(google['user-agent'], 'gcloud-aip/9 command/x');
    assert.equal(google['x-goog-user-project'], 'billing');
    assert.equal(google.cookie, 'token:abc');
    assert.equal(google['x-goog-request-reason'], 'ticket-1');
    assert.equal(other['user-agent'], 'gcloud-aip/9 command/x');
    assert.equal(other['x-goog-user-project'], undefined);
    assert.equal(other.cookie, undefined);
  });

  test('*.localhost names reach loopback', async () => {
    const { http } = client(capture().output);
    const port = new URL(base).port;
    assert.equal((await http.request({ method: 'GET', url: `http://us-central1-ml.localhost:${port}/` })).status, 200);
    assert.equal(received[0].headers.host, `us-central1-ml.localhost:${port}`);
  });
});

describe('timeouts', () => {
  test('a stalled answer fails after the socket timeout with a clear message, then is retried until the attempts run out', async () => {
    script = ['hang', 'hang', 'hang'];
    const { output, text } = capture();
    const { http, sleeps } = client(output, { maxAttempts: 3 }, { timeoutMs: 150 });
    const started = Date.now();
    await assert.rejects(http.request({ method: 'PUT', url: `${base}upload`, body: Buffer.alloc(10) }), (err: NetworkError) => {
      assert.match(err.message, /^no answer from \[127\.0\.0\.1:\d+\] for 0\.15s \(core\/http_timeout; UND_ERR_HEADERS_TIMEOUT\)$/);
      assert.equal(err.maybeActed, true, 'the body was sent: the server may have acted');
      return true;
    });
    assert.equal(seen, 3);
    assert.equal(sleeps.length, 2);
    assert.ok(Date.now() - started < 5000, 'three attempts of 150 ms each, the waits on the fake clock');
    assert.match(text(), /Retrying PUT .*\/upload after no answer/);
  });

  test('one attempt only (a resumable chunk): the failure goes back to the caller at once', async () => {
    script = ['reset'];
    const { http, sleeps } = client(capture().output);
    await assert.rejects(http.request({ method: 'PUT', url: base, body: 'x', retry: NO_RETRY }), NetworkError);
    assert.deepEqual(sleeps, []);
    assert.equal(seen, 1);
  });
});

describe('--log-http of uploads', () => {
  test('a streamed body is sent in pieces and summarised, never dumped', async () => {
    script = [{ status: 200 }];
    const { output, text } = capture('debug');
    const { http } = client(output, {}, { logHttp: true });
    const pieces = [Buffer.from('secret-file-'), Buffer.from('contents')];
    let bytes = 0;
    const bodyDone = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (received[0]) {
          received[0].on('data', (d: Buffer) => (bytes += d.length));
          received[0].on('end', () => resolve());
          clearInterval(check);
        }
      }, 1);
    });
    const res = await http.request({
      method: 'PUT',
      url: base,
      body: {
        length: 20,
        chunks: async function* () {
          yield* pieces;
        },
      },
      bodySummary: uploadSummary(20),
    });
    assert.equal(res.status, 200);
    await Promise.race([bodyDone, new Promise((r) => setTimeout(r, 200))]);
    assert.doesNotMatch(text(), /secret-file/);
    assert.match(text(), /== body start ==\nBody redacted: upload of 20 bytes \(file contents are not logged\)\.\n== body end ==/);
    assert.match(text(), /user-agent: gcloud-aip-test/);
  });
});
