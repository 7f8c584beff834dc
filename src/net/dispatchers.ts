// undici dispatchers for the settings: one Agent for direct connections and one ProxyAgent per
// proxy, made on first use. Only the dispatcher classes used are loaded (not undici's fetch,
// WebSocket or cache), which keeps them out of the start-up path (src/runtime/undici-internals.ts).
import type * as dns from 'node:dns';
import type { Dispatcher } from 'undici';
import { keepWasmOnBaselineTier, loadAgent, loadBuildConnector, loadPool, loadProxyAgent } from '../runtime';
import { bypassesProxy, type NetSettings, type ProxySettings } from './settings';

/** `localhost` and `*.localhost` are loopback (RFC 6761), so local emulators can serve regional host names. */
function localhostLookup(hostname: string, options: dns.LookupOptions, callback: (...args: never[]) => void): void {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    const cb = callback as unknown as (err: null, address: string | dns.LookupAddress[], family?: number) => void;
    if (options.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
    return;
  }
  // Required here: node:dns (like node:tls below) loads only if a command connects to a named host.
  (require('node:dns') as typeof dns).lookup(hostname, options, callback as never);
}

/** TLS options of every connection (to servers, and to an https:// proxy). */
function tlsOptions(settings: NetSettings): { ca?: string[]; rejectUnauthorized: boolean } {
  return {
    // The custom bundle is trusted besides the system's roots, so a proxy's CA does not shut out the rest.
    ...(settings.extraCa ? { ca: [...(require('node:tls') as typeof import('node:tls')).rootCertificates, settings.extraCa] } : {}),
    rejectUnauthorized: !settings.insecure,
  };
}

/** TLS options of connections to servers: those above, with the client certificate if any (never shown to a proxy). */
function serverTlsOptions(settings: NetSettings): ReturnType<typeof tlsOptions> & { cert?: string; key?: string } {
  return { ...tlsOptions(settings), ...settings.clientCertificate };
}

type Connector = import('undici').buildConnector.connector;

export interface Route {
  dispatcher: Dispatcher;
  /** The proxy the request goes through, if any. */
  proxy?: ProxySettings;
}

export class Dispatchers {
  private direct: Dispatcher | undefined;
  private readonly viaProxy = new Map<ProxySettings, Dispatcher>();

  constructor(
    private readonly settings: NetSettings,
    /** Connections per origin at most (the upload concurrency). */
    private readonly connections: number,
  ) {}

  /** `direct`: no proxy, whatever the settings. */
  route(url: URL, direct = false): Route {
    const proxy = url.protocol === 'https:' ? this.settings.httpsProxy : this.settings.httpProxy;
    if (direct || !proxy || bypassesProxy(url, proxy.noProxy)) return { dispatcher: (this.direct ??= this.agent()) };
    let dispatcher = this.viaProxy.get(proxy);
    if (!dispatcher) this.viaProxy.set(proxy, (dispatcher = this.proxyAgent(proxy)));
    return { dispatcher, proxy };
  }

  /** Closes idle connections; requests in flight fail. */
  destroy(): void {
    void this.direct?.destroy().catch(() => undefined);
    for (const dispatcher of this.viaProxy.values()) void dispatcher.destroy().catch(() => undefined);
  }

  private common() {
    const { timeoutMs } = this.settings;
    return {
      connections: this.connections,
      // Node's default (--max-http-header-size), given here so that undici need not load node:http to ask.
      maxHeaderSize: 16 * 1024,
      // (Direct connections time their connecting in connector() below.)
      connectTimeout: timeoutMs,
      // Both count silence: the wait for an answer restarts with every body write, the body timer with every chunk.
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    };
  }

  private agent(): Dispatcher {
    keepWasmOnBaselineTier();
    const Agent = loadAgent();
    return new Agent({ ...this.common(), connect: this.connector() });
  }

  /**
   * Opens the sockets of direct connections. The TLS options (and node:tls, and a CA bundle's
   * parsing) are made on the first https:// connection, so a command that talks to a local http://
   * emulator does not pay for them.
   */
  private connector(): Connector {
    const buildConnector = loadBuildConnector();
    const common = { lookup: localhostLookup, timeout: this.settings.timeoutMs };
    let plain: Connector | undefined;
    let secure: Connector | undefined;
    return (options, callback) => {
      const connect =
        options.protocol === 'https:'
          ? (secure ??= buildConnector({ ...common, ...serverTlsOptions(this.settings) }))
          : (plain ??= buildConnector(common));
      return connect(options, callback);
    };
  }

  /** CONNECT tunnels for https:// targets, absolute-URI forwarding for http:// ones (as Python's requests does). */
  private proxyAgent(proxy: ProxySettings): Dispatcher {
    keepWasmOnBaselineTier();
    const ProxyAgent = loadProxyAgent();
    const Pool = loadPool();
    const { timeoutMs } = this.settings;
    const tls = { lookup: localhostLookup as never, timeout: timeoutMs, ...tlsOptions(this.settings) };
    return new ProxyAgent({
      ...this.common(),
      uri: proxy.url.href,
      proxyTunnel: false,
      requestTls: { ...tls, ...this.settings.clientCertificate },
      proxyTls: tls,
      // The connection to the proxy that carries the CONNECT requests: undici would give it its own
      // 300 s wait for the proxy's answer; core/http_timeout bounds it like every other wait.
      clientFactory: (origin, options) =>
        boundedHandshakes(new Pool(origin, { ...options, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })),
    });
  }
}

/** A CONNECT that got no answer: the proxy closed the connection, or stayed silent past core/http_timeout. */
export class ProxyHandshakeError extends Error {
  readonly code = 'PROXY_HANDSHAKE';
  constructor(readonly cause: Error) {
    super(cause.message);
    this.name = 'ProxyHandshakeError';
  }

  get timedOut(): boolean {
    return (this.cause as NodeJS.ErrnoException).code === 'UND_ERR_HEADERS_TIMEOUT';
  }
}

/**
 * undici's client treats a "socket closed" failure while connecting as a connection to retry at
 * once, with no count or delay: a proxy that closes after each CONNECT was reconnected to
 * thousands of times a second, forever. Under another code the pending request fails instead,
 * and the one retry loop (client.ts) decides, bounded and with back-off.
 */
function boundedHandshakes<P extends { connect: (...args: never[]) => unknown }>(pool: P): P {
  const connect = (pool.connect as (params: object) => Promise<unknown>).bind(pool);
  (pool as { connect: unknown }).connect = async (params: object) => {
    try {
      return await connect(params);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw code === 'UND_ERR_SOCKET' || code === 'UND_ERR_INFO' || code === 'UND_ERR_HEADERS_TIMEOUT'
        ? new ProxyHandshakeError(err as Error)
        : err;
    }
  };
  return pool;
}
