// The bearer token is asked for before every attempt of a request, and refreshed once after a 401:
// a token that expired while an operation was being waited for costs one retry, not the command.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { HttpClient } from '../../src/context/http';
import { Output } from '../../src/context/output';

let server: Server;
let base: string;
const seen: (string | undefined)[] = [];

before(async () => {
  // Only "fresh" is accepted; everything else is an expired token.
  server = createServer((req, res) => {
    req.resume();
    seen.push(req.headers.authorization);
    res.writeHead(req.headers.authorization === 'Bearer fresh' ? 200 : 401, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(() => server.close());

const quiet = new Output({ stdout: process.stdout, stderr: process.stderr, userOutputEnabled: false, verbosity: 'none', interactive: false });

test('a 401 gets one retry with a token obtained with forceRefresh', async () => {
  seen.length = 0;
  const asked: boolean[] = [];
  const http = new HttpClient(quiet, { userAgent: 'test' });
  const res = await http.request({
    method: 'GET',
    url: base,
    token: async ({ forceRefresh }) => {
      asked.push(Boolean(forceRefresh));
      return forceRefresh ? 'fresh' : 'expired';
    },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(asked, [false, true]);
  assert.deepEqual(seen, ['Bearer expired', 'Bearer fresh']);
});

test('a second 401 is the answer (no loop), and no token means no Authorization header', async () => {
  seen.length = 0;
  const http = new HttpClient(quiet, { userAgent: 'test' });
  const res = await http.request({ method: 'GET', url: base, token: async () => 'expired' });
  assert.equal(res.status, 401);
  assert.equal(seen.length, 2);
  await http.request({ method: 'GET', url: base, token: async () => undefined });
  assert.equal(seen.at(-1), undefined);
});
