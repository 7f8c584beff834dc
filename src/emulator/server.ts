// The embedded emulator's HTTP server: one node:http (or https) server in front of the emulated
// services (service.ts: each claims its paths, the first that claims a path answers): ml v1, Vertex
// AI, Cloud Storage, IAM Credentials, OAuth and the GCE metadata server, the MLflow registry and the
// OCI identity endpoints. The server injects faults (faults.ts), records every request (tests read
// the log in-process via requests() or, from a subprocess, via GET/DELETE /__emulator/requests, with
// credentials redacted: redact.ts) and writes the answers. Bad input never crashes it: it answers
// with a Google-shaped error instead. The Host header is ignored for routing, so clients may use
// regional hosts such as us-central1-<host>.

import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ApiError, httpError } from './errors';
import { FaultInjector, parseFaultSpec, type FaultDecision, type FaultKind, type FaultSpec } from './faults';
import { Exchange, type Reply } from './exchange';
import type { EmulatedService } from './service';
import { IamCredentialsService } from './iam/service';
import { MlService } from './ml/service';
import { MlflowRegistryService } from './mlflow/service';
import { OAuthService, type OAuthOptions } from './oauth/service';
import { OciIdentityService } from './oci/identity';
import { OciTrust } from './oci/trust';
import { redactRecorded } from './redact';
import { StorageService } from './storage/service';
import { Store } from './store';
import { VertexService } from './vertex/service';
import { preferNativeCrc32c } from '../checksum/crc32c';

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Persist state there and reload it on start; without it, state lives in memory. */
  dataDir?: string;
  /** How long a new ml version stays CREATING before READY/FAILED, and a Vertex AI operation runs. Default 2000. */
  operationDelayMs?: number;
  /** How long a new MLflow model version stays PENDING_REGISTRATION. Default 1000. */
  registrationDelayMs?: number;
  /** Delay added before every response (benchmarks). */
  latencyMs?: number;
  /** Caps every list page (default 100, as the service): small pages let tests see paging. */
  maxPageSize?: number;
  /** Makes the etag of each new model and version (default: 8 random bytes in base64, as the service sends). */
  newEtag?: () => string;
  /** Injected failures (faults.ts): a spec string as --faults takes, or a parsed spec. */
  faults?: string | FaultSpec;
  /** Serve HTTPS with this certificate and key (PEM); see certificates.ts for a generated pair. */
  tls?: { cert: string; key: string };
  /** The token endpoint, metadata server and bearer-token check (oauth/service.ts). */
  oauth?: OAuthOptions;
  /** OCI config files or PEM keys whose signatures the OCI registry form requires (oci/trust.ts). */
  ociTrust?: string[];
  /** Serve an OCI instance metadata service from this directory, and a federation endpoint (oci/identity.ts). */
  ociMetadataDir?: string;
  /** Buckets to create at start (those that exist already are kept as they are). */
  buckets?: string[];
}

export interface RecordedRequest {
  method: string;
  host: string;
  /** As sent, still percent-encoded, without the query. */
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  /** Parsed JSON for JSON bodies, {size, sha256} for media, {multipart: [...]} for multipart uploads. */
  body: unknown;
  /** 0 when no answer was sent (a cut connection). */
  status: number;
  /** The injected fault this request suffered. */
  fault?: FaultKind;
  /** Whose token the request carried, when the emulator issued it. */
  principal?: string;
}

export interface RunningEmulator {
  /** http://host:port/ (https:// with TLS) */
  url: string;
  host: string;
  port: number;
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** Replaces the fault injection (undefined: none), e.g. to inspect the state undisturbed. */
  setFaults(faults: string | FaultSpec | undefined): void;
  /** Faults injected so far, by kind. */
  faultCounts(): Record<FaultKind, number> | undefined;
  /** A new service-account key whose token_uri is this emulator's token endpoint. */
  createServiceAccountKey(email: string): Record<string, string>;
  /** A user login (OAuth client and refresh token) the token endpoint accepts. */
  createUserLogin(email: string): { client_id: string; client_secret: string; refresh_token: string };
  close(): Promise<void>;
}

const REQUEST_LOG_PATH = '/__emulator/requests';
/** POST {email}: a service-account key file (createServiceAccountKey) for tests run as subprocesses. */
const KEYS_PATH = '/__emulator/service-account-keys';
/** POST {email}: a user login (createUserLogin). */
const LOGINS_PATH = '/__emulator/user-logins';
/** The log is for tests; a long benchmark must not grow it without bound. */
const MAX_RECORDED_REQUESTS = 100_000;
const KEEP_ALIVE_MS = 65_000;

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  // Every uploaded byte gets a crc32c here: on the CPU's instruction where there is a binary.
  preferNativeCrc32c();
  const host = opts.host ?? '127.0.0.1';
  const store = Store.open(opts.dataDir);
  for (const bucket of opts.buckets ?? []) store.createBucket(bucket, 'emulator');
  if (opts.buckets?.length) await store.save();
  const oauth = new OAuthService(opts.oauth);
  const log: RecordedRequest[] = [];
  const faults = new FaultSwitch(opts.faults);
  let port = 0;
  const baseUrl = () => `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const services = [controlService(log, oauth, baseUrl), oauth, ...apiServices(opts, store, oauth)];

  const serverOptions = { requestTimeout: 0, keepAliveTimeout: KEEP_ALIVE_MS };
  const server: Server = opts.tls ? createTlsServer({ ...serverOptions, ...opts.tls }) : createServer(serverOptions);
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  server.on('clientError', answerUnparsableRequest);
  const context: ServeContext = {
    fallbackHost: () => `${host}:${port}`,
    services,
    oauth,
    faults,
    log,
    latencyMs: Math.max(0, opts.latencyMs ?? 0),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => undefined); // aborted uploads surface inside the handler
    res.on('error', () => undefined);
    serve(context, req, res).catch(() => res.destroy()); // last resort: never let one request take the process down
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl(),
    host,
    port,
    requests: () => log.slice(),
    clearRequests: () => {
      log.length = 0;
    },
    setFaults: (spec) => faults.set(spec),
    faultCounts: () => faults.counts(),
    createServiceAccountKey: (email) => oauth.createServiceAccountKey(email, baseUrl()),
    createUserLogin: (email) => oauth.createUserLogin(email),
    close: () => (closing ??= closeServer(server, sockets).then(() => store.close())),
  };
}

/** The Google (and MLflow, OCI) APIs, in the order they claim paths: narrower paths first (service.ts). */
function apiServices(opts: EmulatorOptions, store: Store, oauth: OAuthService): EmulatedService[] {
  const operationDelayMs = Math.max(0, opts.operationDelayMs ?? 2000);
  const ociIdentity = opts.ociMetadataDir ? new OciIdentityService(opts.ociMetadataDir) : undefined;
  const ociTrust = opts.ociTrust?.length || ociIdentity ? OciTrust.load(opts.ociTrust ?? []) : undefined;
  if (ociIdentity) ociTrust!.trustIssuer(ociIdentity.issuerKey);
  const mlflow = new MlflowRegistryService(store, Math.max(0, opts.registrationDelayMs ?? 1000), opts.dataDir, ociTrust);
  return [
    // Tokens it hands out count as issued by the emulator (so --require-issued-tokens accepts them).
    new IamCredentialsService((token, principal, expiresAt) => oauth.register(token, principal, expiresAt)),
    // OCI's requests carry an OCI signature, not a bearer token: given an OciTrust, the MLflow service checks those.
    mlflow,
    ...(ociIdentity ? [ociIdentity] : []),
    new VertexService(store, operationDelayMs, opts.maxPageSize, opts.newEtag), // before ml v1, which claims all of /v1/
    new MlService(store, operationDelayMs, opts.maxPageSize, opts.newEtag),
    new StorageService(store),
  ];
}

/** The emulator's own routes under /__emulator/, for tests: the request log, credentials to sign in with. */
function controlService(log: RecordedRequest[], oauth: OAuthService, baseUrl: () => string): EmulatedService {
  return {
    authenticated: false,
    handles: (path) => path.startsWith('/__emulator/'),
    async handle(ex) {
      if (ex.rawPath === REQUEST_LOG_PATH) {
        if (ex.method === 'GET') return { status: 200, json: log.map(redactRecorded) }; // any local process may read it
        if (ex.method === 'DELETE') {
          log.length = 0;
          return { status: 200, json: {} };
        }
      }
      if (ex.method !== 'POST' || (ex.rawPath !== KEYS_PATH && ex.rawPath !== LOGINS_PATH)) return undefined;
      const body = await ex.readJson();
      const email = body.kind === 'json' ? (body.value as { email?: unknown })?.email : undefined;
      if (typeof email !== 'string' || !email.includes('@')) throw httpError(400, 'Expected a JSON body {"email": "..."}.');
      return {
        status: 200,
        json: ex.rawPath === KEYS_PATH ? oauth.createServiceAccountKey(email, baseUrl()) : oauth.createUserLogin(email),
      };
    },
  };
}

/** The fault injection in force; tests replace it while the emulator runs. */
class FaultSwitch {
  injector: FaultInjector | undefined;
  constructor(spec: string | FaultSpec | undefined) {
    this.set(spec);
  }
  set(spec: string | FaultSpec | undefined): void {
    this.injector = spec === undefined ? undefined : new FaultInjector(typeof spec === 'string' ? parseFaultSpec(spec) : spec);
  }
  counts(): Record<FaultKind, number> | undefined {
    return this.injector ? { ...this.injector.counts } : undefined;
  }
}

interface ServeContext {
  fallbackHost: () => string;
  services: EmulatedService[];
  oauth: OAuthService;
  faults: FaultSwitch;
  log: RecordedRequest[];
  latencyMs: number;
}

/** One request: fault, route, record, then answer (after the configured latency). */
async function serve(context: ServeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { faults, log } = context;
  let ex: Exchange | undefined;
  let reply: Reply;
  let closeConnection = false;
  let fault: FaultDecision | undefined;
  let principal: string | undefined;
  try {
    ex = new Exchange(req, context.fallbackHost());
    fault = ex.rawPath === REQUEST_LOG_PATH ? undefined : faults.injector?.decide(ex.method, ex.rawPath);
    const refusal = fault && refusalFor(fault, faults.injector!.retryAfterSeconds);
    if (fault?.kind === 'reset') armConnectionCut(ex, fault);
    if (refusal) {
      reply = refusal;
      closeConnection = !req.complete; // the body stays unread
    } else {
      const path = ex.rawPath;
      const service = context.services.find((s) => s.handles(path));
      const authenticated = service?.authenticated ?? true;
      if (typeof authenticated === 'function' ? authenticated(path) : authenticated) principal = context.oauth.authenticate(ex);
      reply = ex.connectionCut ? { status: 0 } : ((await service?.handle(ex)) ?? noRoute(ex));
      if (fault && !ex.connectionCut) reply = afterEffect(fault, reply);
    }
  } catch (e) {
    if (e instanceof ApiError) {
      reply = { status: e.httpStatus, json: e.body };
      closeConnection = e.closeConnection;
    } else {
      reply = { status: 500, json: httpError(500, `Emulator internal error: ${(e as Error)?.message ?? String(e)}`).body };
      closeConnection = !req.complete; // the body may be half read
    }
  }
  if (ex && ex.rawPath !== REQUEST_LOG_PATH && (ex.connectionCut || !(req.destroyed && !req.complete))) {
    log.push({
      method: ex.method,
      host: ex.host,
      path: ex.rawPath,
      query: ex.queryRecord(),
      headers: ex.headerRecord(),
      body: ex.bodyRecord,
      status: ex.connectionCut || fault?.kind === 'after-reset' ? 0 : reply.status,
      ...(fault && { fault: fault.kind }),
      ...(principal && { principal }),
    });
    if (log.length > MAX_RECORDED_REQUESTS) log.splice(0, log.length - MAX_RECORDED_REQUESTS);
  }
  if (ex?.connectionCut || (req.destroyed && !req.complete)) return; // a fault cut it, or the client went away mid-request
  if (fault?.kind === 'after-reset') {
    res.socket?.destroy();
    return;
  }
  const delay = context.latencyMs + (fault?.kind === 'slow' ? (faults.injector?.slowMs ?? 0) : 0);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay).unref()); // never what keeps a closed emulator alive
  try {
    if (fault?.kind === 'lost') writeHalfAndCut(res, reply, fault.cutAt);
    else writeReply(req, res, reply, closeConnection);
  } catch {
    res.destroy(); // e.g. a header value Node refuses; the client sees a reset, the server lives on
  }
}

function noRoute(ex: Exchange): never {
  throw httpError(404, `The emulator has no handler for ${ex.method} ${ex.rawPath}`);
}

/** 503 and 429 faults answer before anything is done. */
function refusalFor(fault: FaultDecision, retryAfterSeconds: number): Reply | undefined {
  if (fault.kind !== '503' && fault.kind !== '429') return undefined;
  const status = Number(fault.kind);
  const message = status === 503 ? 'The service is currently unavailable (injected fault).' : 'Too many requests (injected fault).';
  const headers: Record<string, string> = status === 429 || fault.withRetryAfter ? { 'Retry-After': String(retryAfterSeconds) } : {};
  return { status, headers, json: httpError(status, message).body };
}

/** What a gateway answers once the request took effect (after-502, after-503); after-reset is cut when written. */
function afterEffect(fault: FaultDecision, reply: Reply): Reply {
  if (fault.kind === 'after-502') {
    return {
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      text: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
    };
  }
  if (fault.kind === 'after-503')
    return { status: 503, json: httpError(503, 'The service is currently unavailable (injected fault).').body };
  return reply;
}

/** A `reset` fault: cut mid-body when there is a body, at once when there is none. */
function armConnectionCut(ex: Exchange, fault: FaultDecision): void {
  const declared = Number(ex.header('content-length') ?? '0');
  const chunked = /chunked/i.test(ex.header('transfer-encoding') ?? '');
  if (declared > 0) ex.cutBodyAfter = Math.floor(fault.cutAt * declared);
  else if (chunked) ex.cutBodyAfter = 0;
  else ex.cutConnection();
}

/** A `lost` fault: the work is done; the answer breaks off partway (or, for a bodiless answer, never comes). */
function writeHalfAndCut(res: ServerResponse, reply: Reply, cutAt: number): void {
  const payload = reply.json === undefined ? Buffer.alloc(0) : Buffer.from(`${JSON.stringify(reply.json, null, 2)}\n`);
  const cut = () => {
    res.socket?.destroy();
  };
  if (payload.length === 0 || res.headersSent) {
    cut();
    return;
  }
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(payload.length) });
  res.write(payload.subarray(0, Math.floor(cutAt * payload.length)), cut);
}

function writeReply(req: IncomingMessage, res: ServerResponse, reply: Reply, closeConnection: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (closeConnection) headers.Connection = 'close';
  const bodyless = req.method === 'HEAD' || reply.status === 204 || reply.status === 304;
  if (reply.file) {
    const { path, start, end } = reply.file;
    const length = Math.max(0, end - start + 1);
    res.writeHead(reply.status, { ...headers, 'Content-Length': String(length) });
    if (bodyless || length === 0) {
      res.end();
      return;
    }
    const stream = createReadStream(path, { start, end });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
    return;
  }
  let payload = Buffer.alloc(0);
  if (reply.text !== undefined) {
    payload = Buffer.from(reply.text);
    headers['Content-Type'] ??= 'text/plain; charset=utf-8';
  }
  if (reply.json !== undefined) {
    payload = Buffer.from(`${JSON.stringify(reply.json, null, 2)}\n`);
    headers['Content-Type'] = 'application/json; charset=UTF-8';
  }
  if (reply.status !== 204 && reply.status !== 304) headers['Content-Length'] = String(payload.length);
  res.writeHead(reply.status, headers);
  res.end(bodyless ? undefined : payload);
}

/** Malformed HTTP (bad request line, bad chunk sizes, ...): a Google-shaped 400, then close. */
function answerUnparsableRequest(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(httpError(status, `Malformed HTTP request: ${error.message}`).body);
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      'Content-Type: application/json; charset=UTF-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // In-flight requests get a moment to finish; then the connections go.
    setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, 200).unref();
  });
}
