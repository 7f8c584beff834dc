// What shapes every connection, read as gcloud reads it: the proxy (the proxy/* properties, else
// the http_proxy / https_proxy / no_proxy environment variables, lower case first), the TLS trust
// (core/custom_ca_certs_file, auth/disable_ssl_validation) and the socket timeout (core/http_timeout).
import { isIP } from 'node:net';
import { UserError } from '../errors';
import type { Properties } from '../config/properties';
import { readRegularFile } from '../io/bounded-read';

export interface ProxySettings {
  /** http://[user:pass@]host:port, as given; shown (without the credentials) in errors. */
  url: URL;
  /** Hosts that bypass it (no_proxy), when it comes from the environment. */
  noProxy: string[];
}

export interface NetSettings {
  /** The proxy for http:// and for https:// targets (gcloud's properties set both alike). */
  httpProxy?: ProxySettings;
  httpsProxy?: ProxySettings;
  /** PEM CA certificates trusted besides the system's (core/custom_ca_certs_file). */
  extraCa?: string;
  /** auth/disable_ssl_validation: certificates are not checked at all. */
  insecure: boolean;
  /** What turned verification off, for the warning (default auth/disable_ssl_validation). */
  insecureSource?: string;
  /** A TLS client certificate presented to servers (PEM; the key may be in the same file), e.g. an MLflow registry's. */
  clientCertificate?: { cert: string; key: string };
  /** gcloud's socket timeout: connecting, and any silence while waiting for or reading an answer. */
  timeoutMs: number;
}

/** core/http_timeout when unset: gcloud's 300 s. */
export const DEFAULT_TIMEOUT_MS = 300_000;

const PROXY_TYPES = ['http', 'http_no_tunnel', 'socks4', 'socks5'];

export function netSettings(properties: Properties, env: NodeJS.ProcessEnv): NetSettings {
  const timeout = properties.get('core/http_timeout');
  const seconds = timeout === undefined ? undefined : Number(timeout);
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
    throw new UserError(`Invalid value for [core/http_timeout]: ${timeout}. Expected a positive number of seconds.`);
  }
  const fromProperties = propertyProxy(properties);
  return {
    httpProxy: fromProperties ?? envProxy(env, 'http'),
    httpsProxy: fromProperties ?? envProxy(env, 'https'),
    extraCa: caBundle(properties.get('core/custom_ca_certs_file')),
    insecure: properties.getBool('auth/disable_ssl_validation', false),
    timeoutMs: seconds === undefined ? DEFAULT_TIMEOUT_MS : Math.round(seconds * 1000),
  };
}

/**
 * proxy/type, proxy/address and proxy/port (all or none; a port of 0 counts as unset, as in gcloud),
 * with proxy/username and proxy/password. gcloud pastes these into a proxy URL and lets its HTTP
 * library parse it: an address with a scheme, port, path or credentials then names another host
 * (`http://proxy.corp` becomes the host `http`), or fails as an unparsable URL. Here such an
 * address is refused, with the rest of what gcloud refuses, before any connection is made.
 */
function propertyProxy(properties: Properties): ProxySettings | undefined {
  const type = properties.get('proxy/type');
  const address = properties.get('proxy/address');
  const portText = properties.get('proxy/port');
  const port = portText === undefined || portText.trim() === '' ? undefined : Number(portText.trim());
  if (port !== undefined && !Number.isInteger(port)) {
    throw new UserError(`The property [proxy/port] must have an integer value: [${portText}]`);
  }
  const set = [type, address, port].filter(Boolean).length;
  if (set === 0) return undefined;
  if (set !== 3) throw new UserError('Please set all or none of the following properties: proxy/type, proxy/address and proxy/port');
  if (!PROXY_TYPES.includes(type!)) {
    throw new UserError(
      `Invalid value for property [proxy/type]: The proxy type property value [${type}] is not valid. Possible values: [${PROXY_TYPES.join(', ')}].`,
    );
  }
  if (type!.startsWith('socks')) {
    throw new UserError(`A ${type} proxy (proxy/type) is not supported by gcloud-aip; use an http proxy (proxy/type=http).`);
  }
  if (port! < 1 || port! > 65535)
    throw new UserError(`Invalid value for property [proxy/port]: [${portText}]. Expected a port number (1-65535).`);
  const host = bareHost(address!);
  if (host === undefined) {
    throw new UserError(
      `Invalid value for property [proxy/address]: [${redactUserinfo(address!)}]. Expected a host name or IP address alone, ` +
        'without a scheme, port, path or credentials (those go in proxy/port, proxy/username and proxy/password).',
    );
  }
  const url = new URL(`http://${host}:${port}`);
  const username = properties.get('proxy/username');
  const password = properties.get('proxy/password');
  if (username || password) {
    url.username = encodeURIComponent(username ?? '');
    url.password = encodeURIComponent(password ?? '');
  }
  return { url, noProxy: [] };
}

/** A host name, an IPv4 address or a bracketed IPv6 one, as it goes in a URL; undefined for anything else. */
function bareHost(address: string): string | undefined {
  const text = address.trim();
  const bracketed = /^\[([0-9a-f:.]+)\]$/i.exec(text);
  if (bracketed) return isIP(bracketed[1]) === 6 ? text : undefined;
  return /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*\.?$/i.test(text) ? text : undefined;
}

/** A proxy URL as it may be shown: the password in its user-info (even a malformed one's) replaced. */
function redactUserinfo(value: string): string {
  const m = /^((?:[a-z][a-z0-9+.-]*:\/\/)?)([^/?#]*)@/i.exec(value);
  if (!m) return value;
  const user = m[2].split(':')[0];
  return `${m[1]}${user}${m[2].includes(':') ? ':***' : ''}@${value.slice(m[0].length)}`;
}

/** As Python's urllib reads them: `<scheme>_proxy`, lower case before upper case; a URL without a scheme is http://. */
function envProxy(env: NodeJS.ProcessEnv, scheme: 'http' | 'https'): ProxySettings | undefined {
  // Like urllib, HTTP_PROXY is ignored under CGI, where a client can set it through a header.
  const upper = scheme === 'http' && env.REQUEST_METHOD ? undefined : env[`${scheme.toUpperCase()}_PROXY`];
  const value = (env[`${scheme}_proxy`] ?? upper)?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new UserError(`Invalid proxy URL in ${scheme}_proxy: [${redactUserinfo(value)}].`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`Unsupported proxy scheme in ${scheme}_proxy: [${url.protocol}//${url.host}]; use an http:// proxy.`);
  }
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '')
    .split(/[,\s]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  return { url, noProxy };
}

/** Whether `url` goes direct past a proxy's no_proxy list: `*`, a host or domain suffix (with an optional port), an IP or CIDR range. */
export function bypassesProxy(url: URL, noProxy: string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const entry of noProxy) {
    if (entry === '*') return true;
    const [name, entryPort] = splitHostPort(entry);
    if (entryPort && entryPort !== port) continue;
    if (isIP(host) && name.includes('/') && inCidr(host, name)) return true;
    const bare = name.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function splitHostPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1], bracketed[2]];
  const m = /^([^:]+):(\d+)$/.exec(entry);
  return m ? [m[1], m[2]] : [entry, undefined];
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(ip) !== 4 || isIP(base) !== 4 || !(bits >= 0 && bits <= 32)) return false;
  const toInt = (a: string) => a.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

/** Every public CA bundle is well under this (Mozilla's: ~220 KB). */
const MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024;

function caBundle(file: string | undefined): string | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = readRegularFile(file, MAX_CA_BUNDLE_BYTES).toString('utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message;
    throw new UserError(`Unable to read the CA certificates file [${file}] (core/custom_ca_certs_file): ${reason}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UserError(`The CA certificates file [${file}] (core/custom_ca_certs_file) holds no PEM certificate.`);
  }
  return text;
}

/** The proxy as it may be shown: scheme, host and port, never the credentials. */
export function proxyLabel(proxy: ProxySettings): string {
  return `${proxy.url.protocol}//${proxy.url.host}`;
}
