// A small HTTP proxy in front of the emulator that misbehaves on purpose, the way a broken server or
// middlebox might: for requests matching a rule it answers by itself (an operation that is done
// with an error, `null`, an HTML page…), or forwards the request and then rewrites the answer (a
// wrong md5Hash, a repeated page token). Everything else passes through unchanged. Upload session
// URLs (Location headers) are rewritten to point back at the proxy.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

export interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface ProxyRule {
  /** Tested against `METHOD /path?query`. */
  match: RegExp;
  /** How many matching requests the rule applies to (default: every one). */
  times?: number;
  /** Answer this without forwarding: the upstream never sees the request. */
  reply?: ProxyAnswer;
  /** Forward, then answer with this instead of what the upstream said (the request was carried out). */
  rewrite?: (upstream: ProxyAnswer) => ProxyAnswer;
  /** Hold the answer back this long first. */
  delayMs?: number;
}

export interface MisbehavingProxy {
  /** http://127.0.0.1:port/ */
  url: string;
  port: number;
  /** Rules in order; the first that matches (and has uses left) applies. */
  rules: ProxyRule[];
  /** `METHOD /path?query` of every request a rule applied to. */
  applied: string[];
  close(): Promise<void>;
}

export async function startMisbehavingProxy(upstreamPort: number): Promise<MisbehavingProxy> {
  const rules: ProxyRule[] = [];
  const applied: string[] = [];
  const used = new Map<ProxyRule, number>();
  let ownHost = '';

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readAll(req);
      const line = `${req.method} ${req.url}`;
      const rule = rules.find((r) => r.match.test(line) && (r.times === undefined || (used.get(r) ?? 0) < r.times));
      if (rule) {
        used.set(rule, (used.get(rule) ?? 0) + 1);
        applied.push(line);
      }
      const answer = rule?.reply ?? (await forward(req, body));
      const final = rule?.rewrite ? rule.rewrite(answer) : answer;
      if (rule?.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
      const headers = { ...final.headers };
      if (headers.location) headers.location = headers.location.replace(`127.0.0.1:${upstreamPort}`, ownHost);
      delete headers['transfer-encoding'];
      headers['content-length'] = String(Buffer.byteLength(final.body));
      res.writeHead(final.status, headers);
      res.end(final.body);
    } catch {
      res.destroy();
    }
  });

  function forward(req: IncomingMessage, body: Buffer): Promise<ProxyAnswer> {
    return new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port: upstreamPort,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: `127.0.0.1:${upstreamPort}` },
        },
        async (res) => {
          try {
            resolve({ status: res.statusCode ?? 502, headers: flatHeaders(res.headers), body: (await readAll(res)).toString('utf8') });
          } catch (err) {
            reject(err);
          }
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  ownHost = `127.0.0.1:${port}`;
  return {
    url: `http://${ownHost}/`,
    port,
    rules,
    applied,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** A forward proxy that never opens a tunnel: it closes each connection on its first bytes (a CONNECT), or never answers. */
export interface HostileProxy {
  /** http://127.0.0.1:port */
  url: string;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

export async function startHostileProxy(mode: 'close-after-connect' | 'silent'): Promise<HostileProxy> {
  const sockets = new Set<import('node:net').Socket>();
  const proxy = { url: '', connections: 0, close: () => Promise.resolve() };
  const server = createNetServer((socket) => {
    proxy.connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => {
      if (mode === 'close-after-connect') socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
