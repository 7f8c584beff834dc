// A minimal HTTP/1.1 client for the upload requests: keep-alive connections over net/tls, one
// request at a time on each, answers framed by Content-Length, chunked encoding or the connection's
// end. node:http costs ~0.35 ms of CPU per request here (its request/response objects, header
// validation, streams); this costs half, which is a third of the CPU of 1000 small uploads
// (measured: README, "Why the upload does not use @google-cloud/storage").
import * as net from 'node:net';
import * as tls from 'node:tls';

/** What a request body is written to (a view of the connection, which stays open). */
export interface RequestBody {
  /** `callback` runs once the bytes are handed to the socket (or the connection failed). */
  write(chunk: Buffer, callback?: (err?: Error | null) => void): void;
  /** The body is complete (after writing `chunk`, if given). */
  end(chunk?: Buffer): void;
  /** The connection failed or was cut off: stop writing. */
  readonly destroyed: boolean;
}

export interface Http1Request {
  method: string;
  url: URL;
  /** Header names as sent; Content-Length is required with a body. */
  headers: Record<string, string>;
  /** Writes the body and calls `end`; a rejection cuts the connection and fails the request. */
  writeBody?: (body: RequestBody) => Promise<void>;
}

export interface Http1Response {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
}

/** Most bytes of status line and headers accepted in an answer. */
const MAX_HEAD_BYTES = 64 * 1024;

/** A kept-alive connection waiting for its next request. */
interface IdleConnection {
  socket: net.Socket;
  /** Stops watching it as idle; returns it. */
  takeBack(): net.Socket;
}

/** Keep-alive connections by origin; `cutOff` fails every request in flight and closes them all. */
export class Http1Pool {
  private readonly idle = new Map<string, IdleConnection[]>();
  private readonly busy = new Set<net.Socket>();
  private closedWith: Error | undefined;

  request(req: Http1Request): Promise<Http1Response> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    for (const value of Object.values(req.headers)) {
      if (/[\r\n]/.test(value)) return Promise.reject(new Error('A request header value holds a line break.'));
    }
    const origin = req.url.origin;
    const socket = this.takeIdle(origin) ?? this.connect(req.url);
    this.busy.add(socket);
    return new Promise<Http1Response>((resolve, reject) => {
      const exchange = new Exchange(socket);
      exchange.onDone = (err, response) => {
        this.busy.delete(socket);
        socket.removeListener('data', exchange.onData);
        socket.removeListener('close', exchange.onClose);
        socket.removeListener('error', exchange.onError);
        if (err) {
          socket.destroy();
          return reject(err);
        }
        if (exchange.reusable && !this.closedWith) this.park(origin, socket);
        else socket.destroy();
        resolve(response!);
      };
      socket.on('data', exchange.onData);
      socket.on('close', exchange.onClose);
      socket.on('error', exchange.onError);
      socket.cork(); // request head and a body written at once leave in one packet
      socket.write(requestHead(req), 'latin1');
      if (!req.writeBody) exchange.bodyDone = true;
      else req.writeBody(exchange.body).catch((err: Error) => exchange.fail(err));
      socket.uncork();
    });
  }

  /** Fails the requests in flight with `reason` and closes every connection; later requests fail too. */
  cutOff(reason: Error): void {
    this.closedWith = reason;
    for (const socket of this.busy) socket.destroy(reason);
    this.close();
  }

  /** Closes the idle connections. */
  close(): void {
    for (const connections of this.idle.values()) for (const { socket } of connections) socket.destroy();
    this.idle.clear();
  }

  /** A kept-alive connection to `origin` that is still open, if there is one. */
  private takeIdle(origin: string): net.Socket | undefined {
    const connections = this.idle.get(origin) ?? [];
    for (let connection = connections.pop(); connection; connection = connections.pop()) {
      const socket = connection.takeBack();
      if (!socket.destroyed && socket.writable) return socket;
      socket.destroy();
    }
    return undefined;
  }

  private connect(url: URL): net.Socket {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'https:';
    const port = Number(url.port) || (secure ? 443 : 80);
    const socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] }) : net.connect({ host, port });
    socket.setNoDelay(true);
    socket.on('error', () => {}); // errors reach the request in flight; between requests they only close it
    return socket;
  }

  /** Keeps an idle connection until it is reused or the server closes it. */
  private park(origin: string, socket: net.Socket): void {
    let connections = this.idle.get(origin);
    if (!connections) this.idle.set(origin, (connections = []));
    const drop = () => {
      const at = connections!.indexOf(connection);
      if (at >= 0) connections!.splice(at, 1);
      socket.destroy();
    };
    const connection: IdleConnection = {
      socket,
      takeBack: () => {
        socket.ref();
        socket.removeListener('close', drop);
        socket.removeListener('data', drop);
        return socket;
      },
    };
    connections.push(connection);
    socket.once('close', drop);
    socket.once('data', drop); // nothing is expected between requests
    socket.unref(); // an idle connection does not keep the process alive
  }
}

/** One request and its answer on one connection. */
class Exchange {
  onDone: (err: Error | undefined, response?: Http1Response) => void = () => {};
  bodyDone = false;
  reusable = false;
  readonly body: RequestBody;
  private status = 0;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  /** Bytes of body still expected: a count, 'chunked', or 'until-close'. */
  private framing: number | 'chunked' | 'until-close' = 0;
  private pending: Buffer | undefined; // unparsed bytes (head or chunk framing split across packets)
  /** Chunked: data bytes left in the current chunk; 0 = at the CRLF after it, -1 = at a size line, -2 = in the trailers. */
  private chunkLeft = -1;
  private finished = false;
  private complete = false; // the whole answer has arrived

  constructor(socket: net.Socket) {
    this.body = {
      write: (chunk, callback) => void socket.write(chunk, callback),
      end: (chunk) => {
        if (chunk) socket.write(chunk);
        this.bodyDone = true;
      },
      get destroyed() {
        return socket.destroyed;
      },
    };
  }

  readonly onData = (data: Buffer): void => {
    try {
      this.consume(this.pending ? Buffer.concat([this.pending, data]) : data);
    } catch (err) {
      this.fail(err as Error);
    }
  };

  readonly onClose = (): void => {
    if (this.framing === 'until-close' && this.status !== 0) return this.finish(false); // the end of the answer
    this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  };

  readonly onError = (err: Error): void => this.fail(err);

  fail(err: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.onDone(err);
  }

  private consume(data: Buffer): void {
    this.pending = undefined;
    let at = 0;
    while (at < data.length && !this.complete) {
      if (this.status === 0) {
        const end = data.indexOf('\r\n\r\n', at, 'latin1');
        if (end < 0) {
          if (data.length - at > MAX_HEAD_BYTES) throw new Error('The server sent an oversized response head.');
          this.pending = data.subarray(at);
          return;
        }
        this.parseHead(data.toString('latin1', at, end));
        at = end + 4;
        this.complete = this.status !== 0 && this.framing === 0;
      } else if (this.framing === 'chunked') {
        at = this.consumeChunked(data, at);
      } else {
        const take = this.framing === 'until-close' ? data.length - at : Math.min(this.framing, data.length - at);
        this.chunks.push(data.subarray(at, at + take));
        at += take;
        if (this.framing !== 'until-close') this.complete = (this.framing -= take) === 0;
      }
    }
    if (this.complete) this.finish(at === data.length);
  }

  private parseHead(head: string): void {
    const lines = head.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
    if (!statusLine) throw new Error('The server sent a malformed response.');
    const status = Number(statusLine[2]);
    if (status >= 100 && status < 200) return; // interim answer (100 Continue): the real one follows
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const connection = (headers.connection ?? '').toLowerCase();
    this.reusable = statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    if (status === 204 || status === 304) this.framing = 0;
    else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) this.framing = 'chunked';
    else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (!Number.isSafeInteger(length) || length < 0) throw new Error('The server sent a malformed response.');
      this.framing = length;
    } else {
      this.framing = 'until-close';
      this.reusable = false;
    }
    this.status = status;
    this.headers = headers;
  }

  /** Chunked body: size line, data, CRLF, ..., a zero size line, trailers, an empty line. */
  private consumeChunked(data: Buffer, at: number): number {
    while (at < data.length) {
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, data.length - at);
        this.chunks.push(data.subarray(at, at + take));
        at += take;
        this.chunkLeft -= take;
        continue;
      }
      const lineEnd = data.indexOf('\r\n', at, 'latin1');
      if (lineEnd < 0) {
        this.pending = data.subarray(at);
        return data.length;
      }
      const line = data.toString('latin1', at, lineEnd);
      at = lineEnd + 2;
      if (this.chunkLeft === 0) {
        this.chunkLeft = -1; // the CRLF after a chunk's data
      } else if (this.chunkLeft === -1) {
        const size = parseInt(line, 16);
        if (!/^[0-9a-f]+/i.test(line) || !Number.isSafeInteger(size)) throw new Error('The server sent a malformed response.');
        this.chunkLeft = size === 0 ? -2 : size;
      } else if (line === '') {
        this.complete = true; // the empty line after the last chunk (and any trailers)
        return at;
      }
    }
    return at;
  }

  /**
   * The answer is complete. `clean`: nothing came after it (bytes that were not asked for, or a
   * closed connection, mean the connection is not reused; so does a body not sent in full).
   */
  private finish(clean: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.reusable &&= clean && this.bodyDone;
    this.onDone(undefined, { status: this.status, headers: this.headers, body: Buffer.concat(this.chunks).toString('utf8') });
  }
}

/** Request line and headers; Host from the URL (with the port unless it is the default). */
function requestHead(req: Http1Request): string {
  let head = `${req.method} ${req.url.pathname}${req.url.search} HTTP/1.1\r\nHost: ${req.url.host}\r\n`;
  for (const [name, value] of Object.entries(req.headers)) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}
