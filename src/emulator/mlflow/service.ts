// The MLflow Model Registry calls gcloud-aip makes (registered-models/create and get,
// model-versions/create and get), and the two searches (GET and POST forms) that let a user
// inspect the registry, under both URL forms:
//   open-source MLflow   /api/2.0/mlflow/…            errors {error_code, message}
//   OCI AI Data Platform /20260430/aiDataPlatforms/{aiDataPlatformId}/mlops/api/2.0/mlflow/…
//                        errors {code, message}, opc-request-id answered, opc-retry-token honoured
// Each OCI platform id is a registry of its own. Given an OciTrust, the OCI form checks every
// request's OCI signature and answers OCI's 401 NotAuthenticated to an unsigned or badly signed one. A new version is PENDING_REGISTRATION for
// `registrationDelayMs`, then READY, or FAILED_REGISTRATION when its gs:// source holds no objects
// in the emulator's storage; like the ml API, the outcome is settled from timestamps, not timers.
// Requests are checked with the CLI's own schema (mlflow/schema.ts), plus MLflow's rule for tag
// names, which the OCI reference does not state and the CLI therefore does not check.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequestProblems, type CreateModelVersionRequest, type ModelVersionStatus } from '../../mlflow/schema';
import { JSON_BODY_LIMIT, type Exchange, type Reply } from '../exchange';
import type { OciTrust } from '../oci/trust';
import type { Store } from '../store';

const OSS_PREFIX = /^\/api\/2\.0\/mlflow\/([a-z-]+\/[a-z-]+)$/;
const OCI_PREFIX = /^\/20260430\/aiDataPlatforms\/([^/]+)\/mlops\/api\/2\.0\/mlflow\/([a-z-]+\/[a-z-]+)$/;
/** OCI: "Retry tokens expire after 24 hours". */
const RETRY_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** MLflow's tag names: "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)". */
const VALID_TAG_NAME = /^[\p{L}\p{N}_/.\- :]*$/u;
const STATE_FILE = 'mlflow-registry.json';
/** MLflow's page sizes for the searches: default and most. */
const SEARCH_LIMITS = {
  'registered-models/search': { default: 100, max: 1000 },
  'model-versions/search': { default: 10_000, max: 200_000 },
};
/** OCI's answer to a request it cannot authenticate. */
const NOT_AUTHENTICATED = {
  code: 'NotAuthenticated',
  message: 'The required information to complete authentication was not provided or was incorrect.',
};

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

type ErrorKind =
  | 'INVALID_PARAMETER_VALUE'
  | 'MALFORMED_REQUEST'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RETRY_TOKEN_CONFLICT'
  | 'ENDPOINT_NOT_FOUND';

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
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Which registry a request addresses, and how it wants its answers shaped. */
interface Call {
  ex: Exchange;
  endpoint: string;
  registry: Registry;
  oci: boolean;
  /** The request body as received (empty for GET). */
  raw: Buffer;
}

export class MlflowRegistryService {
  private readonly registries: Record<string, Registry>;

  constructor(
    private readonly store: Store,
    private readonly registrationDelayMs: number,
    /** Persist the registries there (next to the store's state); in memory without it. */
    private readonly dataDir?: string,
    /** Whom the OCI form believes; without it, OCI requests are not checked for a signature. */
    private readonly ociTrust?: OciTrust,
  ) {
    this.registries = dataDir ? load(join(dataDir, STATE_FILE)) : {};
  }

  static handles(path: string): boolean {
    return OSS_PREFIX.test(path) || OCI_PREFIX.test(path);
  }

  /** OCI's form, whose requests carry an OCI signature rather than a bearer token. */
  static isOciPath(path: string): boolean {
    return OCI_PREFIX.test(path);
  }

  async handle(ex: Exchange): Promise<Reply> {
    const oci = OCI_PREFIX.exec(ex.rawPath);
    const endpoint = oci ? oci[2] : OSS_PREFIX.exec(ex.rawPath)![1];
    const space = oci ? `oci:${decodeURIComponent(oci[1])}` : '';
    const requestId = ex.header('opc-request-id') || randomBytes(16).toString('hex').toUpperCase();
    const headers: Record<string, string> = oci ? { 'opc-request-id': requestId } : {};
    const raw = await readRaw(ex);
    if (oci && this.ociTrust) {
      const url = `http://${ex.host}${ex.rawPath}${ex.query.size ? `?${ex.req.url!.split('?').slice(1).join('?')}` : ''}`;
      const problem = this.ociTrust.problem({ method: ex.method, url, headers: ex.headerRecord(), body: raw });
      // OCI says nothing more; the emulator says why in a header of its own, for whoever debugs a client.
      if (problem) return { status: 401, headers: { ...headers, 'x-emulator-auth-problem': problem }, json: NOT_AUTHENTICATED };
    }
    const call: Call = { ex, endpoint, oci: Boolean(oci), raw, registry: (this.registries[space] ??= { models: {}, retryTokens: [] }) };
    try {
      const json = this.route(call);
      return { status: 200, headers, json };
    } catch (err) {
      if (!(err instanceof RegistryFailure)) throw err;
      const shape = ERRORS[err.kind];
      return oci
        ? { status: shape.ociStatus, headers, json: { code: shape.ociCode, message: err.message } }
        : { status: shape.status, json: { error_code: err.kind, message: err.message } };
    }
  }

  private route(call: Call): unknown {
    const { ex, endpoint } = call;
    const wants = (...methods: string[]) => {
      if (!methods.includes(ex.method))
        throw new RegistryFailure('ENDPOINT_NOT_FOUND', `${endpoint} takes ${methods.join(' or ')}, not ${ex.method}.`);
    };
    switch (endpoint) {
      case 'registered-models/get':
        wants('GET');
        return { registered_model: this.modelView(this.model(call, requiredParam(ex, 'name'))) };
      case 'registered-models/create':
        wants('POST');
        return this.createRegisteredModel(call, readBody(call));
      case 'model-versions/get': {
        wants('GET');
        const model = this.model(call, requiredParam(ex, 'name'));
        return { model_version: this.versionView(model, requiredParam(ex, 'version')) };
      }
      case 'model-versions/create':
        wants('POST');
        return this.createModelVersion(call, readBody(call));
      case 'registered-models/search':
      case 'model-versions/search':
        wants('GET', 'POST');
        return this.search(call, endpoint);
      default:
        throw new RegistryFailure('ENDPOINT_NOT_FOUND', `The emulator does not serve ${endpoint}.`);
    }
  }

  private createRegisteredModel(call: Call, body: Record<string, unknown>): unknown {
    const name = body.name;
    if (typeof name !== 'string' || name === '')
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
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
      if (earlier.request !== digest)
        throw new RegistryFailure('RETRY_TOKEN_CONFLICT', 'The opc-retry-token was already used for a different request.');
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

  /**
   * registered-models/search and model-versions/search: MLflow's filter (clauses joined by AND),
   * order_by, max_results and page_token, from the query (GET) or a JSON body (POST).
   */
  private search(call: Call, endpoint: keyof typeof SEARCH_LIMITS): unknown {
    const { ex } = call;
    const body = ex.method === 'POST' && call.raw.length ? readBody(call) : {};
    const param = (name: string) => (ex.method === 'POST' ? body[name] : ex.param(name));
    const orderBy = ex.method === 'POST' ? body.order_by : ex.query.getAll('order_by');
    const limits = SEARCH_LIMITS[endpoint];
    const maxResults = param('max_results') === undefined ? limits.default : Number(param('max_results'));
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > limits.max) {
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', `Invalid value for max_results: it must be an integer from 1 to ${limits.max}.`);
    }
    const offset = pageOffset(param('page_token'));
    const filter = param('filter');
    if (filter !== undefined && typeof filter !== 'string')
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', 'filter must be a string.');
    if (orderBy !== undefined && !(Array.isArray(orderBy) && orderBy.every((o) => typeof o === 'string'))) {
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', 'order_by must be a list of strings.');
    }
    const models = Object.values(call.registry.models);
    const rows: Record<string, unknown>[] =
      endpoint === 'registered-models/search'
        ? models.map((m) => this.modelView(m))
        : models.flatMap((m) => m.versions.map((v) => this.versionView(m, v.version)));
    const attributes = endpoint === 'registered-models/search' ? ['name'] : ['name', 'run_id', 'source', 'version_number'];
    const clauses = parseFilter(filter ?? '', attributes);
    const defaultOrder =
      endpoint === 'registered-models/search' ? ['name ASC'] : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];
    const matching = rows
      .filter((row) => clauses.every((c) => c.matches(row)))
      .sort(ordering([...(orderBy ?? []), ...defaultOrder], attributes));
    const page = matching.slice(offset, offset + maxResults);
    const next =
      offset + maxResults < matching.length ? Buffer.from(JSON.stringify({ offset: offset + maxResults })).toString('base64') : undefined;
    const key = endpoint === 'registered-models/search' ? 'registered_models' : 'model_versions';
    return { [key]: page, ...(next && { next_page_token: next }) };
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

/** The whole (small) body as bytes: the OCI signature covers them before they are parsed. */
async function readRaw(ex: Exchange): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of ex.body(JSON_BODY_LIMIT)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function readBody(call: Call): Record<string, unknown> {
  const text = call.raw.toString('utf8');
  let value: unknown;
  try {
    value = text.trim() === '' ? undefined : JSON.parse(text);
  } catch (e) {
    call.ex.bodyRecord = text;
    throw new RegistryFailure('MALFORMED_REQUEST', `Malformed JSON body: ${(e as Error).message}`);
  }
  call.ex.bodyRecord = value ?? null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RegistryFailure('MALFORMED_REQUEST', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function pageOffset(token: unknown): number {
  if (token === undefined || token === '') return 0;
  try {
    const offset = (JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // answered below
  }
  throw new RegistryFailure('INVALID_PARAMETER_VALUE', 'Invalid page_token.');
}

/** A row's value for a filter or order_by attribute (`version_number` is the version, as a number). */
function attribute(row: Record<string, unknown>, name: string): unknown {
  if (name === 'version_number') return Number(row.version);
  if (name.startsWith('tags.'))
    return (row.tags as { key: string; value?: string }[] | undefined)?.find((t) => t.key === name.slice(5))?.value;
  return row[name];
}

/**
 * MLflow's search filter: `attribute OP value` clauses joined by AND, OP one of = != LIKE ILIKE
 * (and IN for a list), values quoted; attributes as listed, plus tags.KEY (backquoted when needed).
 */
function parseFilter(filter: string, attributes: string[]): { matches(row: Record<string, unknown>): boolean }[] {
  const clause =
    /^\s*(tags\.(?:`[^`]+`|"[^"]+"|[\w.]+)|\w+)\s*(!=|=|NOT\s+LIKE|LIKE|ILIKE|IN)\s*('(?:[^']|'')*'|"[^"]*"|\([^)]*\)|\d+)\s*(AND\b|$)/i;
  const clauses: { matches(row: Record<string, unknown>): boolean }[] = [];
  let rest = filter.trim();
  while (rest !== '') {
    const m = clause.exec(rest);
    if (!m)
      throw new RegistryFailure(
        'INVALID_PARAMETER_VALUE',
        `Invalid filter '${filter}': expected clauses like name='x' or tags.key LIKE 'v%' joined by AND.`,
      );
    const name = m[1].replace(/^tags\.[`"]?(.*?)[`"]?$/, 'tags.$1');
    if (!name.startsWith('tags.') && !attributes.includes(name)) {
      throw new RegistryFailure(
        'INVALID_PARAMETER_VALUE',
        `Invalid attribute '${name}' in the filter: expected one of ${attributes.join(', ')} or tags.KEY.`,
      );
    }
    const op = m[2].toUpperCase().replace(/\s+/, ' ');
    const unquote = (v: string) => (/^'.*'$|^".*"$/s.test(v) ? v.slice(1, -1).replace(/''/g, "'") : v);
    const values = op === 'IN' ? [...m[3].slice(1, -1).matchAll(/'(?:[^']|'')*'|"[^"]*"/g)].map((v) => unquote(v[0])) : [unquote(m[3])];
    const like = (pattern: string, flags: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/%/g, '.*')
          .replace(/_/g, '.')}$`,
        flags,
      );
    clauses.push({
      matches(row) {
        const actual = attribute(row, name);
        const text = actual === undefined ? undefined : String(actual);
        switch (op) {
          case '=':
            return text === values[0];
          case '!=':
            return text !== undefined && text !== values[0];
          case 'IN':
            return text !== undefined && values.includes(text);
          case 'LIKE':
            return text !== undefined && like(values[0], 's').test(text);
          case 'NOT LIKE':
            return text !== undefined && !like(values[0], 's').test(text);
          default:
            return text !== undefined && like(values[0], 'is').test(text);
        }
      },
    });
    rest = rest.slice(m[0].length).trim();
    if (/AND$/i.test(m[0].trim()) && rest === '')
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', `Invalid filter '${filter}': it ends with AND.`);
  }
  return clauses;
}

/** MLflow's order_by: `attribute [ASC|DESC]`, earlier keys first. */
function ordering(orderBy: string[], attributes: string[]): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const keys = orderBy.map((spec) => {
    const m = /^\s*(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(spec);
    const allowed = [...attributes.filter((a) => a !== 'run_id' && a !== 'source'), 'creation_timestamp', 'last_updated_timestamp'];
    if (!m || !allowed.includes(m[1])) {
      throw new RegistryFailure(
        'INVALID_PARAMETER_VALUE',
        `Invalid order_by '${spec}': expected one of ${allowed.join(', ')}, then ASC or DESC.`,
      );
    }
    return { name: m[1], sign: m[2]?.toUpperCase() === 'DESC' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { name, sign } of keys) {
      const x = attribute(a, name) as string | number;
      const y = attribute(b, name) as string | number;
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return 0;
  };
}

function basicAuthUser(ex: Exchange): string | undefined {
  const basic = /^Basic (\S+)$/.exec(ex.header('authorization') ?? '');
  return basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] : undefined;
}
