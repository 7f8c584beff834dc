// A small HTTP proxy for tests: CONNECT tunnels (https:// targets) and absolute-URI forwarding
// (http:// targets), optionally requiring Basic credentials, recording what passed through it.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxiedRequest {
  /** CONNECT, or the forwarded request's method. */
  method: string;
  /** host:port for CONNECT, the absolute URI otherwise. */
  target: string;
  /** The Proxy-Authorization header as received. */
  proxyAuthorization?: string;
  /** 407 when refused for credentials, else 200 for a tunnel or the origin's status. */
  status: number;
}

export interface TestProxy {
  url: string;
  port: number;
  seen: ProxiedRequest[];
  close(): Promise<void>;
}

export async function startProxy(options: { username?: string; password?: string } = {}): Promise<TestProxy> {
  const seen: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const expected =
    options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}` : undefined;
  const authorized = (req: IncomingMessage) => !expected || req.headers['proxy-authorization'] === expected;
  /** Logs a request as it arrives; its status is filled in once known. */
  const recorded = (req: IncomingMessage, method: string): ProxiedRequest => {
    const record = { method, target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'], status: 0 };
    seen.push(record);
    return record;
  };

  const server: Server = createServer((req, res) => {
    const record = recorded(req, req.method ?? '');
    if (!authorized(req)) {
      record.status = 407;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-length': '0' });
      res.end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      record.status = 400;
      res.writeHead(400).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        record.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const record = recorded(req, 'CONNECT');
    if (!authorized(req)) {
      record.status = 407;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host.replace(/^\[|\]$/g, ''), () => {
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const drop = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', () => {
      if (!record.status) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      drop();
    });
    client.on('error', drop);
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
