// Builds the @google-cloud/storage client the uploads use: pointed at the configured endpoint and
// sending exactly our headers (bearer token, quota project) and no credentials of its own.
// The libraries are loaded here, lazily, so CLI start-up never pays for them.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Bucket } from '@google-cloud/storage';
import type { AuthClient as AuthClientBase } from 'google-auth-library';

export interface StorageConnection {
  /** JSON API base, e.g. `https://storage.googleapis.com/storage/v1/` (api_endpoint_overrides/storage). */
  storageEndpoint: string;
  /** Bearer token; undefined sends no Authorization header (auth/disable_credentials). */
  accessToken?: string;
  /** X-Goog-User-Project. */
  quotaProject?: string;
}

export interface StorageSession {
  bucket: Bucket;
  /** The library's test for errors worth retrying (429, 5xx, dropped connections). */
  isRetryable: (err: unknown) => boolean;
  /** Closes idle connections; call when done. */
  close: () => void;
}

/**
 * A client for `name`. Once `signal` aborts, resumable uploads are cut off: their requests are
 * aborted and their connections closed (destroying an upload stream only stops its data and
 * leaves its request open), and the library's retries of them fail at once.
 */
export function openBucket(name: string, connection: StorageConnection, signal: AbortSignal): StorageSession {
  // require(), not import(): import() picks the libraries' ESM builds, which load ~80 ms slower.
  const { Storage, IdempotencyStrategy } = require('@google-cloud/storage') as typeof import('@google-cloud/storage');
  const { AuthClient } = require('google-auth-library') as typeof import('google-auth-library');

  /**
   * Stands in for Application Default Credentials: without an authClient the library would look
   * for credentials itself (files under ~/.config/gcloud, the metadata server). Our headers are
   * added by the interceptor below instead, because the library drops auth for resumable uploads
   * to custom endpoints (7.22 never passes useAuthWithCustomEndpoint to them).
   */
  class HeadersFromInterceptorAuthClient extends AuthClient {
    async getAccessToken() {
      return { token: null };
    }
    async getRequestHeaders() {
      return {};
    }
    request<T>(opts: Parameters<AuthClientBase['request']>[0]) {
      return this.transporter.request<T>(opts);
    }
  }

  const apiEndpoint = apiEndpointOf(connection.storageEndpoint);
  const storage = new Storage({
    apiEndpoint,
    authClient: new HeadersFromInterceptorAuthClient(),
    // Object names start with the sha256 of the content, so repeating an upload is harmless.
    retryOptions: { idempotencyStrategy: IdempotencyStrategy.RetryAlways },
  });
  const headers = requestHeaders(connection);
  // Resumable uploads (gaxios) take our signal, and our agent so their streaming PUTs (which get
  // the library's own signal) can be cut off too. No agent when a proxy is configured: gaxios
  // ignores its proxy settings when given an agent.
  const agent = proxyConfigured() ? undefined : newAgent(apiEndpoint);
  signal.addEventListener('abort', () => agent?.destroy(), { once: true });
  type Interceptor = (typeof storage.interceptors)[number];
  // Storage-level interceptors reach JSON and multipart requests (which ignore agent and signal),
  // and, as customRequestOptions, every request of a resumable upload.
  storage.interceptors.push({
    request: (reqOpts) => {
      reqOpts.headers = { ...reqOpts.headers, ...headers };
      Object.assign(reqOpts, agent ? { signal, agent } : { signal });
      return reqOpts as ReturnType<Interceptor['request']>;
    },
  });
  return {
    bucket: storage.bucket(name),
    isRetryable: (err) => storage.retryOptions.retryableErrorFn?.(err as never) ?? false,
    close: () => agent?.destroy(),
  };
}

/**
 * The library wants `scheme://host[:port][/base]` and appends `/storage/v1` (and
 * `/upload/storage/v1`) itself, so strip that suffix from the JSON API base.
 */
export function apiEndpointOf(storageEndpoint: string): string {
  const url = new URL(storageEndpoint);
  const base = url.pathname.replace(/\/+$/, '').replace(/\/storage\/v1$/, '');
  return `${url.protocol}//${url.host}${base}`;
}

function requestHeaders({ accessToken, quotaProject }: StorageConnection): Record<string, string> {
  const headers: Record<string, string> = {};
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  if (quotaProject) headers['X-Goog-User-Project'] = quotaProject;
  return headers;
}

function newAgent(apiEndpoint: string): http.Agent {
  return apiEndpoint.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
}

function proxyConfigured(): boolean {
  const env = process.env;
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}
