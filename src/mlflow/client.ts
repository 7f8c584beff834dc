// A small client of the MLflow Model Registry REST API (api/2.0/mlflow), open-source or OCI AI
// Data Platform: the calls a registration needs (registered-models/get and create,
// model-versions/create and get) over the CLI's HTTP client, so they get its retries, back-off,
// --log-http and token redaction. Errors become UserErrors that say what the registry answered.
import { UserError } from '../errors';
import { abortableSleep, NetworkError, type HttpClient, type HttpResponse } from '../net';
import type { Output } from '../ui/output';
import type { RequestSigner } from './oci-auth';
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

/** MLflow's clients wait this long for a new version to leave PENDING_REGISTRATION (await_registration_for). */
export const MAX_REGISTRATION_WAIT_MS = 300_000;
export const REGISTRATION_POLL_MS = 1000;

export class MlflowClient {
  constructor(
    readonly server: TrackingServer,
    private readonly http: HttpClient,
    /** OCI request signing (--mlflow-auth other than bearer); replaces the server's Authorization. */
    private readonly signer?: RequestSigner,
  ) {}

  get isOci(): boolean {
    return this.server.aiDataPlatformId !== undefined;
  }

  async getRegisteredModel(name: string): Promise<Record<string, unknown> | undefined> {
    const response = await this.send('GET', 'registered-models/get', { query: { name } });
    if (response.status === 404) return undefined;
    return (this.parse(response, 'registered-models/get') as { registered_model?: Record<string, unknown> }).registered_model ?? {};
  }

  async createRegisteredModel(name: string): Promise<void> {
    const response = await this.send('POST', 'registered-models/create', { body: { name } });
    // Someone else created it in the meantime: that is what we wanted.
    if (registryError(response)?.error_code === 'RESOURCE_ALREADY_EXISTS' || (this.isOci && response.status === 409)) return;
    this.parse(response, 'registered-models/create');
  }

  /** `retried`: an earlier attempt may have reached the registry (see HttpResponse.retried). */
  async createModelVersion(request: CreateModelVersionRequest): Promise<{ modelVersion: ModelVersion; retried: boolean }> {
    const response = await this.send('POST', 'model-versions/create', { body: request, retryToken: retryTokenFor(request) });
    if (this.isOci && response.status === 409) {
      // A create sent again with its retry token, answered with a conflict rather than the first
      // answer: the version the first one made is the one wanted.
      const made = await this.versionMadeBy(request);
      if (made) return { modelVersion: made, retried: true };
    }
    return { modelVersion: this.modelVersion(response, 'model-versions/create'), retried: response.retried };
  }

  /** The newest version of the model with exactly this request's source, run and tags. */
  private async versionMadeBy(request: CreateModelVersionRequest): Promise<ModelVersion | undefined> {
    const response = await this.send('GET', 'model-versions/search', { query: { filter: `name='${request.name.replace(/'/g, "''")}'` } });
    if (response.status !== 200) return undefined;
    const parsed = modelVersionListSchema.safeParse(this.parse(response, 'model-versions/search'));
    if (!parsed.success) return undefined;
    const tagSet = (tags: { key: string; value?: string }[] | undefined) =>
      JSON.stringify((tags ?? []).map((t) => [t.key, t.value ?? '']).sort());
    const wanted = tagSet(request.tags);
    return parsed.data.model_versions
      .filter((v) => v.source === request.source && (v.run_id || undefined) === request.run_id && tagSet(v.tags) === wanted)
      .sort((a, b) => Number(b.version) - Number(a.version))[0];
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const response = await this.send('GET', 'model-versions/get', { query: { name, version } });
    return this.modelVersion(response, 'model-versions/get');
  }

  private async send(
    method: string,
    endpoint: string,
    options: { query?: Record<string, string>; body?: unknown; retryToken?: string },
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
    try {
      const response = await this.http.request({ method, url, headers, body });
      return { ...response, requestId: headerValue(response, 'opc-request-id') ?? requestId };
    } catch (err) {
      if (err instanceof NetworkError) throw new UserError(`Could not reach the MLflow registry at [${this.server.base}]: ${err.message}`);
      throw err;
    }
  }

  private parse(response: HttpResponse & { requestId?: string }, endpoint: string): unknown {
    if (response.status >= 300) {
      const error = registryError(response);
      const code = error?.error_code ?? error?.code;
      const said = error?.message ?? (response.body.toString('utf8').trim() || '(no message)');
      const id = response.requestId ? ` (opc-request-id: ${response.requestId})` : '';
      if (this.isOci) {
        const meaning = OCI_STATUS_MEANING[response.status] ?? OCI_OTHER_STATUS;
        const hint = this.ociHint(response.status);
        const sentence = hint && !/[.!?]$/.test(said) ? `${said}.` : said;
        throw new UserError(
          `The MLflow registry refused ${endpoint}: HTTP ${response.status} ${meaning}. ${code ? `${code}: ` : ''}${sentence}${hint}${id}`,
        );
      }
      throw new UserError(`The MLflow registry refused ${endpoint} (HTTP ${response.status}${code ? ` ${code}` : ''}): ${said}${id}`);
    }
    try {
      return JSON.parse(response.body.toString('utf8') || '{}');
    } catch {
      throw new UserError(`The MLflow registry answered ${endpoint} with something that is not JSON (HTTP ${response.status}).`);
    }
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

function headerValue(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface RegisterOptions {
  signal?: AbortSignal;
  /** Tests replace the clock of the wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  pollIntervalMs?: number;
}

/**
 * Registers a model version: the registered model is created when missing, the version is created
 * (with its retry token on OCI), then polled until it leaves PENDING_REGISTRATION. A version that
 * ends FAILED_REGISTRATION is an error carrying the registry's status message.
 */
export async function registerModelVersion(
  client: MlflowClient,
  request: CreateModelVersionRequest,
  output: Output,
  options: RegisterOptions = {},
): Promise<ModelVersion> {
  if (!(await client.getRegisteredModel(request.name))) {
    await client.createRegisteredModel(request.name);
    output.status(`Created registered model [${request.name}] in the MLflow registry.`);
  }
  const created = await client.createModelVersion(request);
  if (created.retried && !client.isOci) {
    output.warning(
      'The MLflow create request was sent again after an earlier attempt got no answer. Open-source MLflow has no retry ' +
        `token: if the first attempt was recorded too, model [${request.name}] has another version of this source below version [${created.modelVersion.version}].`,
    );
  }
  let current = created.modelVersion;
  const sleep = options.sleep ?? abortableSleep;
  const interval = options.pollIntervalMs ?? REGISTRATION_POLL_MS;
  const started = Date.now();
  if (current.status === 'PENDING_REGISTRATION')
    output.status(`Waiting for version [${current.version}] of MLflow model [${request.name}] to be registered...`);
  while (current.status === 'PENDING_REGISTRATION') {
    if (Date.now() - started > MAX_REGISTRATION_WAIT_MS) {
      throw new UserError(
        `Version [${current.version}] of MLflow model [${request.name}] is still PENDING_REGISTRATION after ${MAX_REGISTRATION_WAIT_MS / 1000} seconds.`,
      );
    }
    await sleep(interval, options.signal);
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
