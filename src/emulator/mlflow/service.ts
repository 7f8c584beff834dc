// The MLflow Model Registry calls gcloud-aip makes (registered-models/create and get,
// model-versions/create and get), under both URL forms:
//   open-source MLflow   /api/2.0/mlflow/…            errors {error_code, message}
//   OCI AI Data Platform /20260430/aiDataPlatforms/{aiDataPlatformId}/mlops/api/2.0/mlflow/…
//                        errors {code, message}, opc-request-id answered, opc-retry-token honoured
// Each OCI platform id is a registry of its own. A new version is PENDING_REGISTRATION for
// `registrationDelayMs`, then READY, or FAILED_REGISTRATION when its gs:// source holds no objects
// in the emulator's storage; like the ml API, the outcome is settled from timestamps, not timers.
// Requests are checked with the CLI's own schema (mlflow/schema.ts), plus MLflow's rule for tag
// names, which the OCI reference does not state and the CLI therefore does not check.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequestProblems, type CreateModelVersionRequest, type ModelVersionStatus } from '../../mlflow/schema';
import type { Exchange, Reply } from '../exchange';
import type { Store } from '../store';

const OSS_PREFIX = /^\/api\/2\.0\/mlflow\/([a-z-]+\/[a-z-]+)$/;
const OCI_PREFIX = /^\/20260430\/aiDataPlatforms\/([^/]+)\/mlops\/api\/2\.0\/mlflow\/([a-z-]+\/[a-z-]+)$/;
/** OCI: "Retry tokens expire after 24 hours". */
const RETRY_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** MLflow's tag names: "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)". */
const VALID_TAG_NAME = /^[\p{L}\p{N}_/.\- :]*$/u;
const STATE_FILE = 'mlflow-registry.json';

interface VersionRecord extends CreateModelVersionRequest {
  version: string;
  creation_timestamp: number;
  /** When PENDING_REGISTRATION ends. */
  settles_at: number;
  /** Why registration fails when it settles; absent: it becomes READY. */
  failure?: string;
  user_id?: string;
}

interface RegisteredModelRecord {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  versions: VersionRecord[];
}

interface RetryTokenRecord {
  token: string;
  /** Digest of the request body it was first used with. */
  request: string;
  name: string;
  version: string;
  at: number;
}

/** One registry: the open-source form ('') or one OCI platform. */
interface Registry {
  models: Record<string, RegisteredModelRecord>;
  retryTokens: RetryTokenRecord[];
}

type ErrorKind = 'INVALID_PARAMETER_VALUE' | 'MALFORMED_REQUEST' | 'RESOURCE_DOES_NOT_EXIST' | 'RESOURCE_ALREADY_EXISTS' | 'RETRY_TOKEN_CONFLICT' | 'ENDPOINT_NOT_FOUND';

/** HTTP status and OCI error code of each MLflow error code. */
const ERRORS: Record<ErrorKind, { status: number; ociStatus: number; ociCode: string }> = {
  INVALID_PARAMETER_VALUE: { status: 400, ociStatus: 400, ociCode: 'InvalidParameter' },
  MALFORMED_REQUEST: { status: 400, ociStatus: 400, ociCode: 'InvalidParameter' },
  RESOURCE_DOES_NOT_EXIST: { status: 404, ociStatus: 404, ociCode: 'NotAuthorizedOrNotFound' },
  RESOURCE_ALREADY_EXISTS: { status: 400, ociStatus: 409, ociCode: 'Conflict' },
  RETRY_TOKEN_CONFLICT: { status: 409, ociStatus: 409, ociCode: 'Conflict' },
  ENDPOINT_NOT_FOUND: { status: 404, ociStatus: 404, ociCode: 'NotFound' },
};

class RegistryFailure extends Error {
  constructor(readonly kind: ErrorKind, message: string) {
    super(message);
  }
}

/** Which registry a request addresses, and how it wants its answers shaped. */
interface Call {
  ex: Exchange;
  endpoint: string;
  registry: Registry;
  oci: boolean;
}

export class MlflowRegistryService {
  private readonly registries: Record<string, Registry>;

  constructor(
    private readonly store: Store,
    private readonly registrationDelayMs: number,
    /** Persist the registries there (next to the store's state); in memory without it. */
    private readonly dataDir?: string,
  ) {
    this.registries = dataDir ? load(join(dataDir, STATE_FILE)) : {};
  }

  static handles(path: string): boolean {
    return OSS_PREFIX.test(path) || OCI_PREFIX.test(path);
  }

  async handle(ex: Exchange): Promise<Reply> {
    const oci = OCI_PREFIX.exec(ex.rawPath);
    const endpoint = oci ? oci[2] : OSS_PREFIX.exec(ex.rawPath)![1];
    const space = oci ? `oci:${decodeURIComponent(oci[1])}` : '';
    const call: Call = { ex, endpoint, oci: Boolean(oci), registry: (this.registries[space] ??= { models: {}, retryTokens: [] }) };
    const requestId = ex.header('opc-request-id') || randomBytes(16).toString('hex').toUpperCase();
    const headers: Record<string, string> = oci ? { 'opc-request-id': requestId } : {};
    try {
      const json = await this.route(call);
      return { status: 200, headers, json };
    } catch (err) {
      if (!(err instanceof RegistryFailure)) throw err;
      const shape = ERRORS[err.kind];
      return oci
        ? { status: shape.ociStatus, headers, json: { code: shape.ociCode, message: err.message } }
        : { status: shape.status, json: { error_code: err.kind, message: err.message } };
    }
  }

  private async route(call: Call): Promise<unknown> {
    const { ex, endpoint } = call;
    const wants = (method: string) => {
      if (ex.method !== method) throw new RegistryFailure('ENDPOINT_NOT_FOUND', `${endpoint} takes ${method}, not ${ex.method}.`);
    };
    switch (endpoint) {
      case 'registered-models/get':
        wants('GET');
        return { registered_model: this.modelView(this.model(call, requiredParam(ex, 'name'))) };
      case 'registered-models/create':
        wants('POST');
        return this.createRegisteredModel(call, await readBody(ex));
      case 'model-versions/get': {
        wants('GET');
        const model = this.model(call, requiredParam(ex, 'name'));
        return { model_version: this.versionView(model, requiredParam(ex, 'version')) };
      }
      case 'model-versions/create':
        wants('POST');
        return this.createModelVersion(call, await readBody(ex));
      default:
        throw new RegistryFailure('ENDPOINT_NOT_FOUND', `The emulator does not serve ${endpoint}.`);
    }
  }

  private createRegisteredModel(call: Call, body: Record<string, unknown>): unknown {
    const name = body.name;
    if (typeof name !== 'string' || name === '') throw new RegistryFailure('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
    if (call.registry.models[name]) throw new RegistryFailure('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
    const now = Date.now();
    const model = (call.registry.models[name] = { name, creation_timestamp: now, last_updated_timestamp: now, versions: [] });
    this.save();
    return { registered_model: this.modelView(model) };
  }

  private createModelVersion(call: Call, body: Record<string, unknown>): unknown {
    const problems = createRequestProblems(body);
    if (problems.length) {
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    }
    const request = body as unknown as CreateModelVersionRequest;
    const badTag = request.tags?.find((t) => !VALID_TAG_NAME.test(t.key));
    if (badTag) {
      throw new RegistryFailure(
        'INVALID_PARAMETER_VALUE',
        `Invalid tag name: '${badTag.key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
      );
    }
    const model = this.model(call, request.name);
    const token = call.oci ? call.ex.header('opc-retry-token') : undefined;
    const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const now = Date.now();
    call.registry.retryTokens = call.registry.retryTokens.filter((t) => now - t.at < RETRY_TOKEN_TTL_MS);
    const earlier = token ? call.registry.retryTokens.find((t) => t.token === token) : undefined;
    if (earlier) {
      if (earlier.request !== digest) throw new RegistryFailure('RETRY_TOKEN_CONFLICT', 'The opc-retry-token was already used for a different request.');
      return { model_version: this.versionView(this.model(call, earlier.name), earlier.version) };
    }
    const record: VersionRecord = {
      ...request,
      version: String(model.versions.length + 1),
      creation_timestamp: now,
      settles_at: now + this.registrationDelayMs,
      failure: this.sourceFailure(request.source),
      user_id: basicAuthUser(call.ex),
    };
    model.versions.push(record);
    model.last_updated_timestamp = now;
    if (token) call.registry.retryTokens.push({ token, request: digest, name: model.name, version: record.version, at: now });
    this.save();
    return { model_version: this.versionView(model, record.version) };
  }

  /** A gs:// source must hold objects in the emulator's storage, as a deploymentUri must. */
  private sourceFailure(source: string): string | undefined {
    const gs = /^gs:\/\/([^/]+)\/?(.*)$/.exec(source);
    if (!gs || this.store.hasObjectWithPrefix(gs[1], gs[2])) return undefined;
    return `No model artifacts found at [${source}].`;
  }

  private model(call: Call, name: string): RegisteredModelRecord {
    const model = call.registry.models[name];
    if (!model) throw new RegistryFailure('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
    return model;
  }

  private modelView(model: RegisteredModelRecord): Record<string, unknown> {
    const latest = model.versions[model.versions.length - 1];
    return {
      name: model.name,
      creation_timestamp: model.creation_timestamp,
      last_updated_timestamp: model.last_updated_timestamp,
      ...(latest && { latest_versions: [this.versionView(model, latest.version)] }),
    };
  }

  private versionView(model: RegisteredModelRecord, version: string): Record<string, unknown> {
    const record = model.versions.find((v) => v.version === version);
    if (!record) throw new RegistryFailure('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${model.name}, version=${version}) not found`);
    const { settles_at: settlesAt, failure, ...fields } = record;
    const settled = Date.now() >= settlesAt;
    const status: ModelVersionStatus = !settled ? 'PENDING_REGISTRATION' : failure ? 'FAILED_REGISTRATION' : 'READY';
    return {
      ...fields,
      current_stage: 'None',
      last_updated_timestamp: settled ? settlesAt : record.creation_timestamp,
      status,
      ...(status === 'FAILED_REGISTRATION' && { status_message: failure }),
    };
  }

  /** The whole state, rewritten atomically after each change (registrations are few). */
  private save(): void {
    if (!this.dataDir) return;
    const target = join(this.dataDir, STATE_FILE);
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify({ format: 1, registries: this.registries }));
    renameSync(temp, target);
  }
}

function load(file: string): Record<string, Registry> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const state = JSON.parse(text) as { format: number; registries: Record<string, Registry> };
  if (state.format !== 1) throw new Error(`unsupported MLflow registry state format ${String(state.format)} in ${file}`);
  return state.registries;
}

function requiredParam(ex: Exchange, name: string): string {
  const value = ex.param(name);
  if (!value) throw new RegistryFailure('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'.`);
  return value;
}

async function readBody(ex: Exchange): Promise<Record<string, unknown>> {
  const body = await ex.readJson();
  if (body.kind === 'invalid') throw new RegistryFailure('MALFORMED_REQUEST', `Malformed JSON body: ${body.message}`);
  if (body.kind === 'empty' || typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    throw new RegistryFailure('MALFORMED_REQUEST', 'The request body must be a JSON object.');
  }
  return body.value as Record<string, unknown>;
}

function basicAuthUser(ex: Exchange): string | undefined {
  const basic = /^Basic (\S+)$/.exec(ex.header('authorization') ?? '');
  return basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] : undefined;
}
