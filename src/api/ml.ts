// The ml v1 REST API, called directly (no generated client: start-up time matters). Requests carry
// `?alt=json`, a bearer token and X-Goog-User-Project as gcloud sends them; HTTP errors become
// UserErrors worded as gcloud words them.
import { UserError } from '../errors';
import { SHUTDOWN_HINT } from '../config/target';
import type { Credentials } from '../credentials/auth';
import { isRetryableStatus, NetworkError, type HttpClient, type HttpResponse } from '../net';
import { VERSION_OUTPUT_ONLY_FIELDS } from '../version/output-only';
import { renderFormat } from '../format';
import { decodeMessage, isJsonObject, type MessageType } from './messages';

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

/**
 * What versions.create led to: the operation the POST returned, or (after an attempt that may have
 * acted without a definite answer) a version with exactly the settings sent, found on the server.
 */
export type CreateOutcome = { kind: 'operation'; operation: Operation } | { kind: 'adopted'; version: VersionResource };

export interface MlApiOptions {
  endpoint: string; // e.g. https://us-central1-ml.googleapis.com/
  /** The path's API version: ml is v1; Vertex AI is v1 (GA) or v1beta1 (gcloud's beta/alpha, and its endpoint operation polls). */
  apiVersion?: 'v1' | 'v1beta1';
  http: HttpClient;
  credentials: Credentials;
}

/** The ml API rejects bigger requests long before this; a bigger body is a runaway input, not a Version. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** An API failure that may pass by itself (lost connection, 5xx, 429): a poll can try again later. */
export class TransientApiError extends UserError {
  constructor(
    message: string,
    /** The request may have been carried out all the same (see HttpResponse.retried). */
    readonly maybeActed: boolean,
    options: { advice?: string } = {},
  ) {
    super(message, options);
    this.name = 'TransientApiError';
  }
}

/**
 * A request that may have been carried out although its outcome could not be read (an answer that
 * is not what the API returns): the caller says what to check.
 */
export class UnknownOutcomeError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownOutcomeError';
  }
}

/** A definite error answer (not a passing one): its HTTP status and google.rpc status, for callers that handle one (a 409, a 404). */
export class ApiError extends UserError {
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly status: string | undefined,
    options: { advice?: string } = {},
  ) {
    super(message, options);
    this.name = 'ApiError';
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
export function mlUrl(endpoint: string, resourcePath: string, apiVersion: 'v1' | 'v1beta1' = 'v1'): string {
  return `${endpoint.replace(/\/?$/, '/')}${apiVersion}/${encodePath(resourcePath)}`;
}

export function encodePath(path: string): string {
  return Array.from(path)
    .map((c) => (/[A-Za-z0-9_.~-]/.test(c) || RESERVED_URI_CHARS.includes(c) ? c : encodeURIComponent(c)))
    .join('');
}

/** A version is "ours" when every field we sent matches, but for those the service sets itself. */
const SERVER_SET_VERSION_FIELDS = new Set(VERSION_OUTPUT_ONLY_FIELDS);

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

  /** The URL a request for this resource path goes to (what --dry-run reports; gcloud's resource reference in its messages). */
  url(resourcePath: string): string {
    return mlUrl(this.options.endpoint, resourcePath, this.options.apiVersion);
  }

  /** `signal`: see HttpRequest (by default the HTTP client's, Ctrl-C). */
  async call<T>(
    method: string,
    resourcePath: string,
    body?: unknown,
    signal?: AbortSignal | null,
    query: Record<string, string> = {},
  ): Promise<T> {
    const { response, parsed } = await this.answer(method, resourcePath, body, signal, query);
    if (!isJsonObject(parsed)) throw new UserError(unexpectedAnswer(method, resourcePath, response, 'a JSON object'));
    return parsed as T;
  }

  /**
   * A call answered by one of the ml v1 messages gcloud decodes (messages.ts): the answer as gcloud
   * prints it (bytes fields re-encoded), or an InvalidServerDataError where gcloud would crash.
   */
  async message(
    type: MessageType,
    method: string,
    resourcePath: string,
    body?: unknown,
    query: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    const { response, parsed } = await this.answer(method, resourcePath, body, undefined, query);
    if (!isJsonObject(parsed)) throw new UserError(unexpectedAnswer(method, resourcePath, response, 'a JSON object'));
    return decodeMessage(type, parsed, response.body.toString('utf8'));
  }

  /** A successful answer and its parsed body (undefined when not JSON); an error status throws. */
  private async answer(
    method: string,
    resourcePath: string,
    body?: unknown,
    signal?: AbortSignal | null,
    query: Record<string, string> = {},
  ) {
    const response = await this.send(method, resourcePath, body, signal, query);
    if (response.status >= 300) throw this.httpError(response, resourcePath);
    return { response, parsed: parseJson(response) };
  }

  private async send(
    method: string,
    resourcePath: string,
    body: unknown,
    signal: AbortSignal | null | undefined,
    query: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined && Buffer.byteLength(payload) > MAX_REQUEST_BYTES) {
      throw new UserError(`The request to ${method} [${resourcePath}] is over ${MAX_REQUEST_BYTES} bytes; nothing was sent.`);
    }
    const search = new URLSearchParams({ ...query, alt: 'json' }).toString();
    const url = `${mlUrl(this.options.endpoint, resourcePath, this.options.apiVersion)}?${search}`;
    try {
      return await this.options.http.request({
        method,
        url,
        headers,
        body: payload,
        signal,
        credentials: this.options.credentials,
        google: true,
      });
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
    const advice = shutDownServiceAnswered(this.options.endpoint, response.status) ? { advice: SHUTDOWN_HINT } : {};
    // Any status is a definite answer: only an earlier attempt that got none may have acted.
    if (isRetryableStatus(response.status)) return new TransientApiError(message, response.retried, advice);
    return new ApiError(message, response.status, error?.status, advice);
  }

  /**
   * POST versions.create. The POST is not idempotent: when our own retry is answered 409
   * ALREADY_EXISTS after an earlier attempt was sent and got no answer (reset, cut off, timed out),
   * that attempt may have created the version. It is adopted only then, and only when it carries
   * exactly what we sent; after definite answers (503, 429, …) a 409 is a real conflict (another
   * run won), reported as gcloud reports it. Never aborted once sent: its outcome decides what the
   * user is told. A success answer that is not an operation is an UnknownOutcomeError.
   */
  async createVersion(modelPath: string, version: Record<string, unknown>): Promise<CreateOutcome> {
    const path = `${modelPath}/versions`;
    const response = await this.send('POST', path, version, null);
    if (response.status < 300) {
      const operation = parseJson(response);
      if (!isOperation(operation)) throw new UnknownOutcomeError(unexpectedAnswer('POST', path, response, 'an operation'));
      return { kind: 'operation', operation };
    }
    if (response.status === 409 && response.retried && googleError(response)?.status === 'ALREADY_EXISTS') {
      let found: VersionResource;
      try {
        found = await this.call<VersionResource>('GET', `${modelPath}/versions/${String(version.name)}`, undefined, null);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        throw new UserError(
          `${this.httpError(response, modelPath).message}\nAn earlier attempt of this request was sent and got no answer, so the ` +
            `existing version may be the one it created; looking it up failed: ${err.message}`,
        );
      }
      if (sameVersionRequest(version, found)) return { kind: 'adopted', version: found };
    }
    throw this.httpError(response, modelPath);
  }

  /** A GET of a resource that may not exist: undefined on 404. */
  async find<T>(resourcePath: string, query: Record<string, string> = {}): Promise<T | undefined> {
    const response = await this.send('GET', resourcePath, undefined, undefined, query);
    if (response.status === 404) return undefined;
    if (response.status >= 300) throw this.httpError(response, resourcePath);
    const parsed = parseJson(response);
    if (!isJsonObject(parsed)) throw new UserError(unexpectedAnswer('GET', resourcePath, response, 'a JSON object'));
    return parsed as T;
  }

  /** A call that starts an operation (deletions, Vertex AI's changes); an answer that is not one is an error. */
  async startOperation(method: string, resourcePath: string, body?: unknown, query: Record<string, string> = {}): Promise<Operation> {
    const { response, parsed } = await this.answer(method, resourcePath, body, undefined, query);
    if (!isOperation(parsed)) throw new UnknownOutcomeError(unexpectedAnswer(method, resourcePath, response, 'an operation'));
    return parsed;
  }

  /** A poll whose answer is not an operation counts as a failed poll (TransientApiError), tried again. */
  async getOperation(name: string): Promise<Operation> {
    const { response, parsed } = await this.answer('GET', name);
    if (!isOperation(parsed)) throw new TransientApiError(unexpectedAnswer('GET', name, response, 'an operation'), false);
    return parsed;
  }

  /** Like getOperation: an answer that is not a version counts as a failed poll. */
  async getVersion(name: string): Promise<VersionResource> {
    const { response, parsed } = await this.answer('GET', name);
    if (!isJsonObject(parsed) || typeof parsed.name !== 'string')
      throw new TransientApiError(unexpectedAnswer('GET', name, response, 'a version'), false);
    return parsed as VersionResource;
  }
}

/**
 * Google's real ml host (global or regional; not an override pointing elsewhere) answering as a
 * removed service does: AI Platform Prediction was shut down on 2025-01-31.
 */
function shutDownServiceAnswered(endpoint: string, status: number): boolean {
  if (![403, 404, 410, 501].includes(status)) return false;
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return /^(?:[a-z0-9-]+-)?ml\.googleapis\.com$/.test(host);
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

/** The parsed body; undefined when it is not JSON (an empty body is `{}`, as the API sends for Empty). */
function parseJson(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8') || '{}');
  } catch {
    return undefined;
  }
}

/** An operation as the API returns it: named, and when done carrying an error or a response object. */
function isOperation(value: unknown): value is Operation {
  if (!isJsonObject(value) || typeof value.name !== 'string' || value.name === '') return false;
  return (value.error === undefined || isJsonObject(value.error)) && (value.response === undefined || isJsonObject(value.response));
}

/** `The server answered POST [p] (HTTP 200) with <what it was>, not an operation.` */
function unexpectedAnswer(method: string, resourcePath: string, response: HttpResponse, expected: string): string {
  const text = response.body.toString('utf8').trim();
  const json = parseJson(response);
  const what =
    json === undefined
      ? `a body that is not JSON (${JSON.stringify(text.slice(0, 60))}${text.length > 60 ? '…' : ''})`
      : isJsonObject(json)
        ? 'an object without the fields of one'
        : `JSON ${JSON.stringify(json)?.slice(0, 60) ?? ''}`;
  return `The server answered ${method} [${resourcePath}] (HTTP ${response.status}) with ${what}, not ${expected}.`;
}
