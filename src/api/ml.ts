// The ml v1 REST API, called directly (no generated client: start-up time matters). Requests carry
// `?alt=json`, a bearer token and X-Goog-User-Project as gcloud sends them; HTTP errors become
// UserErrors worded as gcloud words them.
import { UserError } from '../errors';
import type { Credentials } from '../context/auth';
import { isRetryableStatus, NetworkError, type HttpClient, type HttpResponse } from '../context/http';
import { renderFormat } from '../output/format';

export interface Operation {
  name: string;
  done?: boolean;
  metadata?: Record<string, unknown>;
  response?: Record<string, unknown>;
  error?: { code?: number; message?: string; details?: unknown[] };
}

export interface VersionResource extends Record<string, unknown> {
  name: string;
  state?: string;
  errorMessage?: string;
}

/** What versions.create led to: the operation the POST returned, or (after a lost response) our version found on the server. */
export type CreateOutcome = { kind: 'operation'; operation: Operation } | { kind: 'adopted'; version: VersionResource };

export interface MlApiOptions {
  endpoint: string; // e.g. https://us-central1-ml.googleapis.com/
  http: HttpClient;
  credentials: Credentials;
  quotaProject?: string;
}

/** The ml API rejects bigger requests long before this; a bigger body is a runaway input, not a Version. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** An API failure that may pass by itself (lost connection, 5xx, 429): a poll can try again later. */
export class TransientApiError extends UserError {
  constructor(
    message: string,
    /** The request may have been carried out all the same (see HttpResponse.retried). */
    readonly maybeActed: boolean,
  ) {
    super(message);
    this.name = 'TransientApiError';
  }
}

interface GoogleError {
  code?: number;
  message?: string;
  status?: string;
  details?: unknown[];
}

/** URI characters apitools leaves as they are when it fills `{+name}` templates (reserved expansion). */
const RESERVED_URI_CHARS = ":/?#[]@!$&'()*+,;=";

/** Percent-encode a resource path as apitools fills `{+name}` (Python's quote() with the reserved set safe), so `v1:setDefault` keeps its colon. */
/** The ml v1 URL of a resource path on an endpoint (what --dry-run reports, what requests go to). */
export function mlUrl(endpoint: string, resourcePath: string): string {
  return `${endpoint.replace(/\/?$/, '/')}v1/${encodePath(resourcePath)}`;
}

export function encodePath(path: string): string {
  return Array.from(path)
    .map((c) => (/[A-Za-z0-9_.~-]/.test(c) || RESERVED_URI_CHARS.includes(c) ? c : encodeURIComponent(c)))
    .join('');
}

/** Fields the service fills in itself; a version is "ours" when every other field we sent matches. */
const SERVER_SET_VERSION_FIELDS = new Set(['name', 'state', 'createTime', 'etag', 'isDefault', 'errorMessage', 'lastUseTime', 'lastMigrationTime', 'lastMigrationModelId']);

export function sameVersionRequest(sent: Record<string, unknown>, found: Record<string, unknown>): boolean {
  return Object.entries(sent).every(([field, value]) => SERVER_SET_VERSION_FIELDS.has(field) || deepEqual(value, found[field]));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export class MlApi {
  constructor(private readonly options: MlApiOptions) {}

  /** `signal`: see HttpRequest (by default the HTTP client's, Ctrl-C). */
  async call<T>(method: string, resourcePath: string, body?: unknown, signal?: AbortSignal | null, query: Record<string, string> = {}): Promise<T> {
    const response = await this.send(method, resourcePath, body, signal, query);
    if (response.status >= 300) throw this.httpError(response, resourcePath);
    return parseJson<T>(response);
  }

  private async send(method: string, resourcePath: string, body: unknown, signal: AbortSignal | null | undefined, query: Record<string, string> = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (this.options.quotaProject) headers['x-goog-user-project'] = this.options.quotaProject;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined && Buffer.byteLength(payload) > MAX_REQUEST_BYTES) {
      throw new UserError(`The request to ${method} [${resourcePath}] is over ${MAX_REQUEST_BYTES} bytes; nothing was sent.`);
    }
    const search = new URLSearchParams({ ...query, alt: 'json' }).toString();
    const url = `${mlUrl(this.options.endpoint, resourcePath)}?${search}`;
    try {
      const credentials = this.options.credentials;
      return await this.options.http.request({ method, url, headers, body: payload, signal, token: (options) => credentials.token(options) });
    } catch (err) {
      if (err instanceof NetworkError) {
        throw new TransientApiError(
          `There was a problem refreshing your current auth tokens or connecting to the server: ${err.message} (${err.url.split('?')[0]})`,
          err.maybeActed,
        );
      }
      throw err;
    }
  }

  private httpError(response: HttpResponse, resourcePath: string): UserError {
    const error = googleError(response);
    const lead = error && (instanceErrorLead(response.status, resourcePath) ?? error.status);
    let message = lead
      ? `${lead}: ${error?.message ?? ''}`
      : `HTTPError ${response.status}: ${error?.message ?? response.body.toString('utf8')}`;
    // gcloud names the credentials used after 401/403/404 messages (joined with '. ' when the message has no final period).
    if (error?.message && [401, 403, 404].includes(response.status)) {
      const info = this.options.credentials.describe();
      message = `${message}${error.message.endsWith('.') ? ` ${info}` : `. ${info.replace(/\.$/, '')}`}`;
    }
    // Details follow as YAML, as gcloud prints them.
    if (error?.details?.length) message += `\n${renderFormat(error.details, 'yaml', { isList: false }).trimEnd()}`;
    return isRetryableStatus(response.status) ? new TransientApiError(message, response.retried || response.status !== 429) : new UserError(message);
  }

  /**
   * POST versions.create. The POST is not idempotent: when our own retry (after a lost response or
   * a 5xx) is answered 409 ALREADY_EXISTS, the first attempt probably created the version. It is
   * adopted when it carries exactly what we sent; anything else is a real conflict, reported as
   * gcloud reports it. Never aborted once sent: its outcome decides what the user is told.
   */
  async createVersion(modelPath: string, version: Record<string, unknown>): Promise<CreateOutcome> {
    const response = await this.send('POST', `${modelPath}/versions`, version, null);
    if (response.status < 300) return { kind: 'operation', operation: parseJson<Operation>(response) };
    if (response.status === 409 && response.retried && googleError(response)?.status === 'ALREADY_EXISTS') {
      let found: VersionResource;
      try {
        found = await this.call<VersionResource>('GET', `${modelPath}/versions/${String(version.name)}`, undefined, null);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        throw new UserError(
          `${this.httpError(response, modelPath).message}\nThis request was sent again after an earlier attempt got no answer, so the ` +
            `existing version may be the one it created; looking it up failed: ${err.message}`,
        );
      }
      if (sameVersionRequest(version, found)) return { kind: 'adopted', version: found };
    }
    throw this.httpError(response, modelPath);
  }

  getOperation(name: string): Promise<Operation> {
    return this.call<Operation>('GET', name);
  }

  getVersion(name: string): Promise<VersionResource> {
    return this.call<VersionResource>('GET', name);
  }
}

/**
 * gcloud leads a 404 or 409 on a URL that names one instance of a collection (`projects/P` or
 * `projects/P/models`: models.create, the list calls) with that instance instead of the status.
 */
function instanceErrorLead(status: number, resourcePath: string): string | undefined {
  const parts = resourcePath.split('/');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const [collection, instance] = parts;
  const item = `${collection[0].toUpperCase()}${collection.slice(1)} instance [${instance}]`;
  if (status === 404) return `${item} not found`;
  if (status !== 409) return undefined;
  return `${collection === 'projects' ? `Resource in projects [${instance}]` : item} is the subject of a conflict`;
}

function googleError(response: HttpResponse): GoogleError | undefined {
  try {
    return (JSON.parse(response.body.toString('utf8')) as { error?: GoogleError }).error;
  } catch {
    return undefined; // not JSON: the caller shows the raw body
  }
}

function parseJson<T>(response: HttpResponse): T {
  try {
    return JSON.parse(response.body.toString('utf8') || '{}') as T;
  } catch {
    throw new UserError(`The server returned a response that is not JSON (HTTP ${response.status}).`);
  }
}
