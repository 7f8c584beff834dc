// Which failures mean an earlier attempt may have acted, against a real HTTP server
// (the network layer's own tests cover the Retry-After cap and the retry budget).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { HttpClient } from '../../src/net';
import { fakeClock, silentOutput, testHttp } from '../support/net';

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
  return testHttp({ output: silentOutput().output, clock: fakeClock() });
}

test('an earlier attempt "may have acted" only when its whole request was sent and no answer came', async () => {
  // Streamed, and far more than the socket buffers hold: still being sent when the server hangs up
  // at once. (A Buffer body is handed to the socket in one write, so it counts as sent at once.)
  const piece = Buffer.alloc(1024 * 1024, 1);
  const big = {
    length: 64 * piece.length,
    async *chunks() {
      for (let i = 0; i < 64; i++) yield piece;
    },
  };
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
