// The ml v1 REST API, called directly (no generated client: start-up time matters). Requests carry
// `?alt=json`, a bearer token and X-Goog-User-Project as gcloud sends them; HTTP errors become
// UserErrors worded as gcloud words them.
import { UserError } from '../errors';
import type { Credentials } from '../context/auth';
import { NetworkError, type HttpClient, type HttpResponse } from '../context/http';
import { renderFormat } from '../output/format';

export interface Operation {
  name: string;
  done?: boolean;
  metadata?: Record<string, unknown>;
  response?: Record<string, unknown>;
  error?: { code?: number; message?: string; details?: unknown[] };
}

export interface MlApiOptions {
  endpoint: string; // e.g. https://us-central1-ml.googleapis.com/
  http: HttpClient;
  credentials: Credentials;
  quotaProject?: string;
}

/** Percent-encode a resource path the way apitools fills `{+name}` templates: keep '/', escape the rest. */
export function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
}

export class MlApi {
  constructor(private readonly options: MlApiOptions) {}

  async call<T>(method: string, resourcePath: string, body?: unknown, query: Record<string, string> = {}): Promise<T> {
    const token = await this.options.credentials.token();
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (this.options.quotaProject) headers['x-goog-user-project'] = this.options.quotaProject;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const search = new URLSearchParams({ ...query, alt: 'json' }).toString();
    const url = `${this.options.endpoint.replace(/\/?$/, '/')}v1/${encodePath(resourcePath)}?${search}`;
    let response: HttpResponse;
    try {
      response = await this.options.http.request({ method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      if (err instanceof NetworkError) throw new UserError(`There was a problem refreshing your current auth tokens or connecting to the server: ${err.message} (${err.url.split('?')[0]})`);
      throw err;
    }
    if (response.status >= 300) throw this.httpError(response);
    try {
      return JSON.parse(response.body.toString('utf8') || '{}') as T;
    } catch {
      throw new UserError(`The server returned a response that is not JSON (HTTP ${response.status}).`);
    }
  }

  private httpError(response: HttpResponse): UserError {
    const text = response.body.toString('utf8');
    let error: { code?: number; message?: string; status?: string; details?: unknown[] } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      error = undefined;
    }
    let message = error?.status
      ? `${error.status}: ${error.message ?? ''}`
      : `HTTPError ${response.status}: ${error?.message ?? text}`;
    if (response.status === 401 || response.status === 403) message += ` ${this.options.credentials.describe()}`;
    // Details follow as YAML, as gcloud prints them.
    if (error?.details?.length) message += `\n${renderFormat(error.details, 'yaml', { isList: false }).trimEnd()}`;
    return new UserError(message);
  }

  createVersion(modelPath: string, version: Record<string, unknown>): Promise<Operation> {
    return this.call<Operation>('POST', `${modelPath}/versions`, version);
  }

  getOperation(name: string): Promise<Operation> {
    return this.call<Operation>('GET', name);
  }
}
