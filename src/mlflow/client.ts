// A small client of the MLflow Model Registry REST API (api/2.0/mlflow), open-source or OCI AI
// Data Platform: the calls a registration needs (registered-models/get and create,
// model-versions/create, get and search) over the CLI's HTTP client, so they get its retries,
// back-off, --log-http and token redaction. Errors become UserErrors that say what the registry
// answered.
//
// A create is not idempotent on open-source MLflow (and OCI's retry token is kept for a day only),
// so it is retried here rather than by the HTTP client: after an answer that does not prove the
// registry did nothing (a 5xx or 408, a reset, timeout or lost answer once the body was sent), the
// version is looked up by the request's identity tag (request.ts) before the create is sent again,
// and adopted when found.
import { UserError } from '../errors';
import {
  abortableSleep,
  API_RETRY,
  Backoff,
  classify,
  isRetryableStatus,
  NetworkError,
  NO_RETRY,
  retryAfterMs,
  systemClock,
  type Clock,
  type HttpClient,
  type HttpResponse,
  type RetryPolicy,
} from '../net';
import type { Output } from '../ui/output';
import type { RequestSigner } from './oci-auth';
import { identityTag } from './request';
import { retryTokenFor } from './retry-token';
import { modelVersionListSchema, modelVersionResponseSchema, type CreateModelVersionRequest, type ModelVersion } from './schema';
import { newRequestId, type TrackingServer } from './tracking';

/** What an open-source MLflow server (error_code) or OCI (code) says about a refused call. */
interface RegistryErrorBody {
  error_code?: string;
  code?: string;
  message?: string;
}

/** What the OCI AI Data Platform reference says each error status means. */
const OCI_STATUS_MEANING: Record<number, string> = {
  400: 'Bad Request (invalid query parameters, malformed headers, and so on)',
  401: 'Unauthorized (missing or expired credentials, and so on)',
  404: 'Not Found. The requested resource was not found',
  409: 'Conflict. Request conflicts with the current state of the resource',
  429: 'Too Many Requests. Too many requests sent to the server in a short period',
  500: 'Internal Server Error. The server encountered an unexpected condition preventing fulfilment of the request',
};
/** The reference's default response, for any other status. */
const OCI_OTHER_STATUS = 'Unknown Error. Error is not recognized by the system';

/**
 * The check before a deploy: one retry, so an unreachable registry stops the command in seconds
 * (nothing has been done yet; running it again costs nothing).
 */
export const PRECHECK_RETRY: RetryPolicy = { ...API_RETRY, maxAttempts: 2 };

/** How a create ended: made by this request, or an existing version adopted (and why). */
export interface CreateOutcome {
  modelVersion: ModelVersion;
  /**
   * `after-failure`: an attempt got an answer that did not prove the registry did nothing, and the
   * version it made was found by the identity tag; `existing`: found before any create was sent.
   */
  adopted?: { reason: 'after-failure' | 'existing'; tag: { key: string; value: string }; answer?: string };
  /** Sent again after an uncertain attempt, with no identity tag to look for: a duplicate may exist. */
  resentBlind?: boolean;
}

/** MLflow's clients wait this long for a new version to leave PENDING_REGISTRATION (await_registration_for). */
export const MAX_REGISTRATION_WAIT_MS = 300_000;
export const REGISTRATION_POLL_MS = 1000;

export class MlflowClient {
  private readonly http: HttpClient;

  constructor(
    readonly server: TrackingServer,
    http: HttpClient,
    /** OCI request signing (--mlflow-auth other than bearer); replaces the server's Authorization. */
    private readonly signer?: RequestSigner,
    /** The back-off of the create's own retries (tests replace it). */
    private readonly clock: Clock = systemClock,
  ) {
    // The MLFLOW_TRACKING_* TLS variables apply to registry requests only.
    this.http = server.tls ? http.withTls(server.tls) : http;
  }

  get isOci(): boolean {
    return this.server.aiDataPlatformId !== undefined;
  }

  /**
   * The registered model, or undefined when the registry says it does not exist: open-source
   * MLflow's RESOURCE_DOES_NOT_EXIST, or any OCI error (OCI answers 404 to what it will not show).
   * Any other 404 means no MLflow REST API answers at the tracking URI.
   */
  async getRegisteredModel(name: string, retry?: RetryPolicy): Promise<Record<string, unknown> | undefined> {
    const response = await this.send('GET', 'registered-models/get', { query: { name }, retry });
    if (response.status === 404) {
      const error = registryError(response);
      if (error?.error_code === 'RESOURCE_DOES_NOT_EXIST' || (this.isOci && error?.code)) return undefined;
      throw new UserError(
        `No MLflow REST API answers at [${this.server.base}] (HTTP 404 to registered-models/get): check the tracking URI, including its path prefix.`,
      );
    }
    return (this.parse(response, 'registered-models/get') as { registered_model?: Record<string, unknown> }).registered_model ?? {};
  }

  /** True when this call created it; false when someone else did in the meantime (that is what we wanted). */
  async createRegisteredModel(name: string): Promise<boolean> {
    const response = await this.send('POST', 'registered-models/create', { body: { name } });
    if (registryError(response)?.error_code === 'RESOURCE_ALREADY_EXISTS' || (this.isOci && response.status === 409)) return false;
    this.parse(response, 'registered-models/create');
    return true;
  }

  /**
   * Creates the version, retrying as the module comment says. `lookupFirst`: look for a version
   * this request already made before sending anything (a re-run of the same registration).
   */
  async createModelVersion(
    request: CreateModelVersionRequest,
    options: { lookupFirst?: boolean; signal?: AbortSignal; info?: (message: string) => void } = {},
  ): Promise<CreateOutcome> {
    const tag = identityTag(request);
    if (options.lookupFirst && tag) {
      const existing = await this.versionMadeBy(request);
      if (existing) return { modelVersion: existing, adopted: { reason: 'existing', tag } };
    }
    const backoff = new Backoff(API_RETRY, this.clock);
    let uncertain: string | undefined; // what the first attempt that left the outcome open got
    for (;;) {
      const attempt = await this.attemptCreate(request);
      if ('answer' in attempt) {
        const { answer } = attempt;
        // A create sent again with its retry token, answered with a conflict rather than the
        // first answer: the version the first one made is the one wanted.
        if (this.isOci && answer.status === 409) {
          const adopted = await this.adoptAfterFailure(request, tag, uncertain ?? 'HTTP 409');
          if (adopted) return adopted;
        }
        return { modelVersion: this.modelVersion(answer, 'model-versions/create'), resentBlind: Boolean(uncertain) && !tag };
      }
      if (attempt.maybeActed) uncertain ??= attempt.got;
      const delay = backoff.next(attempt.hintMs);
      if (delay === undefined) return (await this.adoptAfterFailure(request, tag, uncertain)) ?? { modelVersion: attempt.fail() };
      options.info?.(
        `Retrying model-versions/create after ${attempt.got} (attempt ${backoff.attempts} of ${backoff.policy.maxAttempts}, in ${(delay / 1000).toFixed(1)}s).`,
      );
      await this.clock.sleep(delay, options.signal);
      const adopted = await this.adoptAfterFailure(request, tag, uncertain);
      if (adopted) return adopted;
    }
  }

  /**
   * After an attempt that left the outcome open (`answer`: what it got), the version it made, found
   * by its identity tag, is the answer; undefined when there is none (or no tag or nothing open).
   */
  private async adoptAfterFailure(
    request: CreateModelVersionRequest,
    tag: { key: string; value: string } | undefined,
    answer: string | undefined,
  ): Promise<CreateOutcome | undefined> {
    const made = answer && tag ? await this.versionMadeBy(request) : undefined;
    return made && tag && answer ? { modelVersion: made, adopted: { reason: 'after-failure', tag, answer } } : undefined;
  }

  /**
   * One create attempt (never retried by the HTTP client): a definite answer, or what makes another
   * attempt worth it — `got` (for messages), whether the registry may have acted on this one, the
   * server's Retry-After, and the error to give when no attempt is left. A throttled request (429)
   * and a connection never made were not carried out; a 5xx (a gateway's too), a 408, and a reset,
   * timeout or lost answer once the request was sent prove nothing.
   */
  private async attemptCreate(
    request: CreateModelVersionRequest,
  ): Promise<
    { answer: HttpResponse & { requestId?: string } } | { got: string; maybeActed: boolean; hintMs?: number; fail: () => ModelVersion }
  > {
    try {
      const answer = await this.sendOnce('POST', 'model-versions/create', {
        body: request,
        retryToken: retryTokenFor(request),
        retry: NO_RETRY,
      });
      if (!isRetryableStatus(answer.status)) return { answer };
      return {
        got: `HTTP ${answer.status}`,
        maybeActed: answer.status !== 429,
        hintMs: retryAfterMs(answer.headers['retry-after'], this.clock.now()),
        fail: () => this.modelVersion(answer, 'model-versions/create'),
      };
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      if (!classify({ error: err.cause, requestSent: true }).retry) throw this.unreachable(err);
      return {
        got: err.maybeActed ? 'no answer' : err.message,
        maybeActed: err.maybeActed,
        fail: () => {
          throw this.unreachable(err);
        },
      };
    }
  }

  /**
   * The newest version of the model with this request's identity tag and exactly its source, run
   * and tags (model-versions/search, filtered on the tag; the match is checked here too).
   */
  private async versionMadeBy(request: CreateModelVersionRequest): Promise<ModelVersion | undefined> {
    const tag = identityTag(request);
    const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
    const filter = `name=${quote(request.name)}${tag ? ` AND tags.\`${tag.key}\`=${quote(tag.value)}` : ''}`;
    const response = await this.send('GET', 'model-versions/search', { query: { filter } });
    const parsed = modelVersionListSchema.safeParse(this.parse(response, 'model-versions/search'));
    if (!parsed.success) return undefined;
    const tagSet = (tags: { key: string; value?: string | null }[] | null | undefined) =>
      JSON.stringify((tags ?? []).map((t) => [t.key, t.value ?? '']).sort());
    const wanted = tagSet(request.tags);
    return parsed.data.model_versions
      .filter((v) => (v.source ?? undefined) === request.source && (v.run_id || undefined) === request.run_id && tagSet(v.tags) === wanted)
      .sort((a, b) => Number(b.version) - Number(a.version))[0];
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const response = await this.send('GET', 'model-versions/get', { query: { name, version } });
    return this.modelVersion(response, 'model-versions/get');
  }

  private async send(
    method: string,
    endpoint: string,
    options: { query?: Record<string, string>; body?: unknown; retryToken?: string; retry?: RetryPolicy },
  ): Promise<HttpResponse & { requestId?: string }> {
    try {
      return await this.sendOnce(method, endpoint, options);
    } catch (err) {
      if (err instanceof NetworkError) throw this.unreachable(err);
      throw err;
    }
  }

  /** One request (with the HTTP client's retries unless `retry` says otherwise); network failures thrown as they are. */
  private async sendOnce(
    method: string,
    endpoint: string,
    options: { query?: Record<string, string>; body?: unknown; retryToken?: string; retry?: RetryPolicy },
  ): Promise<HttpResponse & { requestId?: string }> {
    let headers: Record<string, string> = {};
    if (this.server.authorization && !this.signer) headers.authorization = this.server.authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const requestId = this.isOci ? newRequestId() : undefined;
    if (requestId) headers['opc-request-id'] = requestId;
    if (this.isOci && options.retryToken) headers['opc-retry-token'] = options.retryToken;
    const search = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const url = `${this.server.base}/api/2.0/mlflow/${endpoint}${search}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (this.signer) headers = await this.signer.sign({ method, url, headers, body });
    const response = await this.http.request({ method, url, headers, body, retry: options.retry });
    return { ...response, requestId: response.headers['opc-request-id'] ?? requestId };
  }

  private unreachable(err: NetworkError): UserError {
    return new UserError(`Could not reach the MLflow registry at [${this.server.base}]: ${err.message}`);
  }

  private parse(response: HttpResponse & { requestId?: string }, endpoint: string): unknown {
    if (response.status >= 300) {
      const error = registryError(response);
      const code = error?.error_code ?? error?.code;
      const said = error?.message ?? bodyForMessage(response);
      const id = response.requestId ? ` (opc-request-id: ${response.requestId})` : '';
      if (this.isOci) {
        const meaning = OCI_STATUS_MEANING[response.status] ?? OCI_OTHER_STATUS;
        const hint = this.ociHint(response.status);
        const sentence = hint && !/[.!?]$/.test(said) ? `${said}.` : said;
        throw new UserError(
          `The MLflow registry refused ${endpoint}: HTTP ${response.status} ${meaning}. ${code ? `${code}: ` : ''}${sentence}${hint}${id}`,
        );
      }
      const hint = response.status === 401 ? this.credentialsHint() : '';
      throw new UserError(
        `The MLflow registry refused ${endpoint} (HTTP ${response.status}${code ? ` ${code}` : ''}): ${said}${hint}${id}`,
      );
    }
    try {
      return JSON.parse(response.body.toString('utf8') || '{}');
    } catch {
      throw new UserError(`The MLflow registry answered ${endpoint} with something that is not JSON (HTTP ${response.status}).`);
    }
  }

  /** After an open-source registry's 401: what was sent, and the variables MLflow's clients read. */
  private credentialsHint(): string {
    const sent = {
      none: 'no credentials were sent',
      token: 'a bearer token from MLFLOW_TRACKING_TOKEN was sent',
      basic: 'basic auth from MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD was sent',
    }[this.server.credentials];
    return ` (${sent}; set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)`;
  }

  /** What to check after an OCI refusal, by status (OCI answers 404 to what it will not show, too). */
  private ociHint(status: number): string {
    if (status === 401) {
      return this.signer
        ? ` The request was signed (${this.signer.mode}) with keyId [${this.signer.keyIdForDisplay}]: check that OCI knows this key (or that the token is current) and that this machine's clock is right.`
        : ' The request carried no OCI signature: OCI AI Data Platforms authenticate signed requests (an OCI config file, a session token, an instance or resource principal: --mlflow-auth, or --auth of `gcloud-aip mlflow model-versions create`).';
    }
    if (status === 404) return ' Check the aiDataPlatformId in the tracking URI, and that your OCI policies let you use it.';
    return '';
  }

  private modelVersion(response: HttpResponse, endpoint: string): ModelVersion {
    const parsed = modelVersionResponseSchema.safeParse(this.parse(response, endpoint));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(
        `The MLflow registry's answer to ${endpoint} is not a model version: ${issue.path.join('.') || 'body'}: ${issue.message}`,
      );
    }
    return parsed.data.model_version;
  }
}

function registryError(response: HttpResponse): RegistryErrorBody | undefined {
  if (response.status < 300) return undefined;
  try {
    return JSON.parse(response.body.toString('utf8')) as RegistryErrorBody;
  } catch {
    return undefined;
  }
}

/** A body that is not MLflow's error JSON, for a one-line message: never an HTML page or many lines. */
function bodyForMessage(response: HttpResponse): string {
  const text = response.body.toString('utf8').trim();
  if (text === '') return '(no message)';
  if (/^</.test(text) || /html/i.test(response.headers['content-type'] ?? '')) return '(an HTML page, not an MLflow answer)';
  const line = text.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export interface RegisterOptions {
  signal?: AbortSignal;
  /** Look for a version this very request already made before creating one (the standalone command: a re-run). */
  lookupFirst?: boolean;
  /** Tests replace the clock of the wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Registers a model version: the registered model is created when missing, the version is created
 * (with its retry token on OCI; an existing one made by the same request adopted, with a warning),
 * then polled until it leaves PENDING_REGISTRATION. A version that ends FAILED_REGISTRATION is an
 * error carrying the registry's status message.
 */
export async function registerModelVersion(
  client: MlflowClient,
  request: CreateModelVersionRequest,
  output: Output,
  options: RegisterOptions = {},
): Promise<ModelVersion> {
  if (!(await client.getRegisteredModel(request.name)) && (await client.createRegisteredModel(request.name))) {
    output.status(`Created registered model [${request.name}] in the MLflow registry.`);
  }
  const created = await client.createModelVersion(request, {
    lookupFirst: options.lookupFirst,
    signal: options.signal,
    info: (message) => output.info(message),
  });
  reportAdoption(created, request, output);
  let current = created.modelVersion;
  const sleep = options.sleep ?? abortableSleep;
  const started = Date.now();
  if (current.status === 'PENDING_REGISTRATION')
    output.status(`Waiting for version [${current.version}] of MLflow model [${request.name}] to be registered...`);
  while (current.status === 'PENDING_REGISTRATION') {
    if (Date.now() - started > MAX_REGISTRATION_WAIT_MS) {
      throw new UserError(
        `Version [${current.version}] of MLflow model [${request.name}] is still PENDING_REGISTRATION after ${MAX_REGISTRATION_WAIT_MS / 1000} seconds.`,
      );
    }
    await sleep(REGISTRATION_POLL_MS, options.signal);
    current = await client.getModelVersion(request.name, current.version);
  }
  if (current.status === 'FAILED_REGISTRATION') {
    throw new UserError(
      `Version [${current.version}] of MLflow model [${request.name}] failed to register: ${current.status_message || '(no status message)'}`,
    );
  }
  output.status(`Registered version [${current.version}] of MLflow model [${request.name}] (${current.status ?? 'READY'}).`);
  return current;
}

function reportAdoption(created: CreateOutcome, request: CreateModelVersionRequest, output: Output): void {
  const { adopted, modelVersion } = created;
  const which = `version [${modelVersion.version}] of MLflow model [${request.name}]`;
  if (adopted?.reason === 'existing') {
    output.warning(
      `This registration was already made: ${which} has the tag ${adopted.tag.key}=${adopted.tag.value}. Nothing new is registered.`,
    );
  } else if (adopted) {
    output.warning(
      `The create request got ${adopted.answer}, but the registry had registered it: ${which} (found by its tag ${adopted.tag.key}). ` +
        'That version is the registration; no other was created.',
    );
  } else if (created.resentBlind) {
    output.warning(
      `The MLflow create request was sent again after an attempt whose outcome was unknown, and it carries no ai-platform.* tag to look the first one up by: ` +
        `if that attempt was recorded too, model [${request.name}] has another version of this source below version [${modelVersion.version}].`,
    );
  }
}
