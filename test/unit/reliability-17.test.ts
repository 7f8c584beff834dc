// Issue 17, unit level: which failures mean an earlier attempt may have acted (HTTP client), and
// the upload retries' bounds (Retry-After capped, the API client's budget).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DEFAULT_RETRY, HttpClient } from '../../src/context/http';
import { Output } from '../../src/context/output';
import { GcsHttpError } from '../../src/upload/gcs-client';
import { UPLOAD_RETRY, withRetries } from '../../src/upload/retry';

let server: Server;
let base: string;
let steps: ('reset-at-once' | 'reset-after-body' | 'ok' | '503')[] = [];

before(async () => {
  server = createServer((req, res) => {
    const step = steps.shift() ?? 'ok';
    if (step === 'reset-at-once') return req.socket.destroy(); // before the body has arrived
    req.resume();
    req.on('end', () => {
      if (step === 'reset-after-body') return req.socket.destroy();
      res.writeHead(step === '503' ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function client(): HttpClient {
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const output = new Output({ stdout: sink, stderr: sink, userOutputEnabled: true, verbosity: 'warning', interactive: false });
  return new HttpClient(output, { userAgent: 't', retry: DEFAULT_RETRY, sleep: async () => undefined });
}

test('an earlier attempt "may have acted" only when its whole request was sent and no answer came', async () => {
  const big = Buffer.alloc(8 * 1024 * 1024, 1); // far more than the socket buffers: still being sent when the server hangs up
  const cases: [typeof steps, boolean][] = [
    [['503', 'ok'], false],
    [['503', '503', 'ok'], false],
    [['reset-at-once', 'ok'], false],
    [['reset-after-body', 'ok'], true],
    [['reset-after-body', '503', 'ok'], true],
  ];
  for (const [script, mayHaveActed] of cases) {
    steps = [...script];
    const res = await client().request({ method: 'POST', url: base, body: big });
    assert.equal(res.status, 200);
    assert.equal(res.retried, mayHaveActed, script.join(' → '));
  }
});

test('an upload retry honours Retry-After up to 60 s (a day is not waited)', async () => {
  const waits: number[] = [];
  const stop = new AbortController();
  const failing = withRetries({ retries: 1, firstDelayMs: 1, onRetry: (_reason, ms) => (waits.push(ms), stop.abort(new Error('stop'))) }, stop.signal, async () => {
    throw new GcsHttpError(503, 'busy', '86400');
  });
  await assert.rejects(failing, /stop/);
  assert.deepEqual(waits, [60_000]);
});

test('uploads get the API client\'s retry budget: 5 attempts in all', async () => {
  assert.equal(UPLOAD_RETRY.retries + 1, DEFAULT_RETRY.maxAttempts);
  let calls = 0;
  await assert.rejects(withRetries({ ...UPLOAD_RETRY, firstDelayMs: 1 }, new AbortController().signal, async () => {
    calls++;
    throw new GcsHttpError(503, 'busy');
  }), GcsHttpError);
  assert.equal(calls, 5);
});

test('issue 15 item 5: anything written to stderr after a live progress line starts on a line of its own', () => {
  let text = '';
  const stream = { write: (s: string) => ((text += s), true), isTTY: true } as unknown as NodeJS.WritableStream;
  const output = new Output({ stdout: stream, stderr: stream, userOutputEnabled: true, verbosity: 'warning', interactive: true });
  output.liveLine('Uploading to gs://b/: 3/9 files, ETA 0:03');
  output.error('ERROR: (gcloud.ai-platform.versions.create) Aborted by user.');
  assert.equal(text, '\rUploading to gs://b/: 3/9 files, ETA 0:03\x1b[K\nERROR: (gcloud.ai-platform.versions.create) Aborted by user.\n');
  text = '';
  output.liveLine('done');
  output.endLiveLine();
  output.warning('after');
  output.endLiveLine(); // nothing open: nothing written
  assert.equal(text, '\rdone\x1b[K\nWARNING: after\n');
});
