// The upload's HTTP/1.1 client against scripted raw servers: framing (length, chunked, until
// close), keep-alive reuse and when a connection must not be reused, failures and cut-offs, TLS.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { after, describe, test } from 'node:test';
import { Http1Pool, type Http1Request } from '../../src/upload/http1';

/** What a scripted server saw: each connection's raw bytes, in order of connection. */
interface Transcript {
  connections: string[];
}

type Script = (socket: net.Socket, request: string, transcript: Transcript) => void;

const servers: net.Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

/**
 * A server that hands each complete request (head, plus a body of its Content-Length) to `script`
 * along with its socket; `script` writes whatever answer the test needs.
 */
async function scriptedServer(script: Script, createServer: (onSocket: (s: net.Socket) => void) => net.Server = net.createServer): Promise<{ url: string; transcript: Transcript }> {
  const transcript: Transcript = { connections: [] };
  const server = createServer((socket) => {
    const index = transcript.connections.push('') - 1;
    let buffered = '';
    socket.on('error', () => {});
    socket.on('data', (data) => {
      transcript.connections[index] += data.toString('latin1');
      buffered += data.toString('latin1');
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(buffered.slice(0, headEnd))?.[1] ?? 0);
        if (buffered.length < headEnd + 4 + length) return;
        const request = buffered.slice(0, headEnd + 4 + length);
        buffered = buffered.slice(request.length);
        script(socket, request, transcript);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, transcript };
}

function get(url: string, path = '/o'): Http1Request {
  return { method: 'GET', url: new URL(path, url), headers: { Accept: 'application/json' } };
}

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

// A client bug here tends to hang rather than fail: the timeout turns that into a failure.
describe('Http1Pool', { timeout: 20_000 }, () => {
  test('sends the request line, Host and headers; a Content-Length answer; the connection is reused', async () => {
    const { url, transcript } = await scriptedServer((socket) => socket.write(ok('{"size":"3","name":"é"}')));
    const pool = new Http1Pool();
    const first = await pool.request(get(url, '/storage/v1/b/x/o?prefix=a%2Fb'));
    const second = await pool.request({
      method: 'POST',
      url: new URL('/upload', url),
      headers: { 'Content-Length': '5' },
      writeBody: async (body) => {
        body.write(Buffer.from('ab'));
        body.end(Buffer.from('cde'));
      },
    });
    pool.close();
    assert.equal(first.status, 200);
    assert.equal(first.headers['content-type'], 'application/json');
    assert.equal(first.body, '{"size":"3","name":"é"}');
    assert.equal(second.status, 200);
    assert.equal(transcript.connections.length, 1, 'one keep-alive connection for both');
    const { port } = new URL(url);
    assert.equal(
      transcript.connections[0],
      `GET /storage/v1/b/x/o?prefix=a%2Fb HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\n\r\n` +
        `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 5\r\n\r\nabcde`,
    );
  });

  test('a chunked answer arriving a byte at a time, with a chunk extension and a trailer', async () => {
    const answer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a\r\nset-cookie: b\r\n\r\n' + '4;ext=1\r\n{"a"\r\n6\r\n:"ü"}\r\n0\r\nX-Trailer: t\r\n\r\n';
    const { url, transcript } = await scriptedServer((socket) => {
      const bytes = Buffer.from(answer);
      for (let i = 0; i < bytes.length; i++) setTimeout(() => socket.write(bytes.subarray(i, i + 1)), i / 10);
    });
    const pool = new Http1Pool();
    const response = await pool.request(get(url));
    assert.equal(response.body, '{"a":"ü"}');
    assert.equal(response.headers['set-cookie'], 'a, b');
    await pool.request(get(url));
    pool.close();
    assert.equal(transcript.connections.length, 1, 'the connection is reused after a complete chunked answer');
  });

  test('Connection: close, or an answer framed by the end of the connection: the next request connects again', async () => {
    const { url, transcript } = await scriptedServer((socket, request) => {
      if (request.startsWith('GET /close ')) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno');
      else socket.end('HTTP/1.1 200 OK\r\n\r\nuntil the end');
    });
    const pool = new Http1Pool();
    assert.deepEqual([(await pool.request(get(url, '/close'))).status, (await pool.request(get(url, '/eof'))).body], [404, 'until the end']);
    assert.equal((await pool.request(get(url, '/eof'))).status, 200);
    pool.close();
    assert.equal(transcript.connections.length, 3);
  });

  test('an interim 100 Continue is skipped', async () => {
    const { url } = await scriptedServer((socket) => socket.write('HTTP/1.1 100 Continue\r\n\r\n' + ok('done')));
    const pool = new Http1Pool();
    const response = await pool.request(get(url));
    pool.close();
    assert.deepEqual([response.status, response.body], [200, 'done']);
  });

  test('a connection dropped mid-answer fails the request as a reset (so it is retried)', async () => {
    const { url } = await scriptedServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const pool = new Http1Pool();
    await assert.rejects(pool.request(get(url)), { code: 'ECONNRESET' });
    pool.close();
  });

  test('an answer before the whole body is sent is returned, and that connection is not reused', async () => {
    // A refusal need not read the body: this server answers as soon as the request head arrives.
    const { url, transcript } = await scriptedServer(() => {});
    const refusing = new Set<net.Socket>();
    const server = servers[servers.length - 1];
    server.removeAllListeners('connection');
    server.on('connection', (socket: net.Socket) => {
      transcript.connections.push('');
      refusing.add(socket);
      socket.on('error', () => {});
      socket.once('data', () => socket.write('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n'));
    });
    const pool = new Http1Pool();
    let sendRest: () => void = () => {};
    const post = (): Http1Request => ({
      method: 'POST',
      url: new URL('/upload', url),
      headers: { 'Content-Length': '100' },
      writeBody: async (body) => {
        body.write(Buffer.from('only part'));
        await new Promise<void>((resolve) => (sendRest = resolve));
        if (!body.destroyed) body.end(Buffer.alloc(91));
      },
    });
    assert.equal((await pool.request(post())).status, 413);
    sendRest();
    assert.equal((await pool.request(post())).status, 413);
    sendRest();
    pool.close();
    assert.equal(transcript.connections.length, 2, 'each request on a connection of its own');
  });

  test('cutOff fails the requests in flight with its reason, and any later request', async () => {
    const { url } = await scriptedServer(() => {}); // never answers
    const pool = new Http1Pool();
    const inFlight = pool.request(get(url));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reason = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    pool.cutOff(reason);
    await assert.rejects(inFlight, reason);
    await assert.rejects(pool.request(get(url)), reason);
  });

  test('an idle connection the server closed is dropped; the next request connects again', async () => {
    const { url, transcript } = await scriptedServer((socket) => {
      socket.write(ok('{}'));
      setTimeout(() => socket.destroy(), 5); // the server's idle timeout, without Connection: close
    });
    const pool = new Http1Pool();
    await pool.request(get(url));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await pool.request(get(url))).status, 200);
    pool.close();
    assert.equal(transcript.connections.length, 2);
  });

  test('a header value with a line break is refused before anything is sent', async () => {
    const { url, transcript } = await scriptedServer((socket) => socket.write(ok('{}')));
    const pool = new Http1Pool();
    await assert.rejects(pool.request({ method: 'GET', url: new URL('/o', url), headers: { Authorization: 'Bearer x\r\nX-Injected: 1' } }), /line break/);
    pool.close();
    assert.equal(transcript.connections.length, 0);
  });

  test('https: TLS with the host name sent (SNI) and the certificate verified', async () => {
    let servername: string | undefined;
    const server = tls.createServer({ key: TEST_KEY, cert: TEST_CERT, SNICallback: (name, done) => ((servername = name), done(null, undefined)) });
    server.on('tlsClientError', () => {});
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const pool = new Http1Pool();
    await assert.rejects(pool.request(get(`https://localhost:${port}`)), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    pool.close();
    assert.equal(servername, 'localhost');
  });
});

// A self-signed certificate for CN=localhost (test only: trusted by nothing).
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgC1qgjwYVzLhzrZtw
Wv5noPBKtxsmt9tYmdHDtFlccyOhRANCAAQPkXfQWKZRVpArLQhxAK06h44Q+l5V
FJ3e3DMoKvLk2eMJ/1Uvp68hzg0PWhVFfgb30Qo5ssKbbH5noputaDdk
-----END PRIVATE KEY-----
`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBfzCCASWgAwIBAgIUUutmPgw6YAbQf0n6hIKaTqRkTWowCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMzExMzgxNloYDzIxMjYxMDMw
MTEzODE2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQPkXfQWKZRVpArLQhxAK06h44Q+l5VFJ3e3DMoKvLk2eMJ/1Uvp68h
zg0PWhVFfgb30Qo5ssKbbH5noputaDdko1MwUTAdBgNVHQ4EFgQUutFFUyuOSw0A
DpNAQrElk6c6yVAwHwYDVR0jBBgwFoAUutFFUyuOSw0ADpNAQrElk6c6yVAwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEA+O01GK/jB6Z50BLZZDVy
Rd/2G9QAXARe/rFztLr3LEUCIB6ZJUQsIH5aXKCMk/OvPyawaxr99+T4+RIjErez
Uf/G
-----END CERTIFICATE-----
`;
