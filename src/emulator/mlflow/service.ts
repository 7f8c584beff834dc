// The MLflow Model Registry calls gcloud-aip makes (registered-models/create and get,
// model-versions/create and get), and the two searches that let a user inspect the registry,
// under both URL forms:
//   open-source MLflow   /api/2.0/mlflow/…            errors {error_code, message}
//   OCI AI Data Platform /20260430/aiDataPlatforms/{aiDataPlatformId}/mlops/api/2.0/mlflow/…
//                        errors {code, message}, opc-request-id answered, opc-retry-token honoured
// Each OCI platform id is a registry of its own. Given an OciTrust, the OCI form checks every
// request's OCI signature and answers OCI's 401 NotAuthenticated to an unsigned or badly signed one.
//
// The open-source form answers as an open-source MLflow 3 server does (measured on identical
// requests): a new version is READY at once; MLflow's own rules (mlflow/rules.ts) and nothing more
// are enforced on a create; wrong methods and unknown endpoints get Flask's HTML 405/404; a POST
// needs Content-Type: application/json; empty lists are left out of answers. The OCI form enforces
// the limits OCI documents (mlflow/schema.ts) and the same rules, and a new version is
// PENDING_REGISTRATION for `registrationDelayMs`, then READY, or FAILED_REGISTRATION when its gs://
// source holds no objects in the emulator's storage (statuses OCI documents); like the ml API, the
// outcome is settled from timestamps, not timers. Where the emulator still differs from real
// MLflow, the README says so.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelNameProblem } from '../../mlflow/rules';
import { createRequestProblems, mlflowRequestProblems, type CreateModelVersionRequest, type ModelVersionStatus } from '../../mlflow/schema';
import { JSON_BODY_LIMIT, type Exchange, type Reply } from '../exchange';
import type { EmulatedService } from '../service';
import type { OciTrust } from '../oci/trust';
import type { Store } from '../store';

const OSS_PREFIX = /^\/api\/2\.0\/mlflow\/([a-z-]+\/[a-z-]+)$/;
const OCI_PREFIX = /^\/20260430\/aiDataPlatforms\/([^/]+)\/mlops\/api\/2\.0\/mlflow\/([a-z-]+\/[a-z-]+)$/;
/** OCI: "Retry tokens expire after 24 hours". */
const RETRY_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
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
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RETRY_TOKEN_CONFLICT'
  | 'ENDPOINT_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED';

/** HTTP status and OCI error code of each MLflow error code (the last two are Flask's HTML pages on the open-source form). */
const ERRORS: Record<ErrorKind, { status: number; ociStatus: number; ociCode: string }> = {
  INVALID_PARAMETER_VALUE: { status: 400, ociStatus: 400, ociCode: 'InvalidParameter' },
  RESOURCE_DOES_NOT_EXIST: { status: 404, ociStatus: 404, ociCode: 'NotAuthorizedOrNotFound' },
  RESOURCE_ALREADY_EXISTS: { status: 400, ociStatus: 409, ociCode: 'Conflict' },
  RETRY_TOKEN_CONFLICT: { status: 409, ociStatus: 409, ociCode: 'Conflict' },
  ENDPOINT_NOT_FOUND: { status: 404, ociStatus: 404, ociCode: 'NotFound' },
  METHOD_NOT_ALLOWED: { status: 405, ociStatus: 404, ociCode: 'NotFound' },
};

/** Flask's pages for an unknown URL and a wrong method, as open-source MLflow's server sends them. */
const FLASK_PAGES: Partial<Record<ErrorKind, string>> = {
  ENDPOINT_NOT_FOUND:
    '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
  METHOD_NOT_ALLOWED:
    '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n',
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

export class MlflowRegistryService implements EmulatedService {
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

  handles(path: string): boolean {
    return OSS_PREFIX.test(path) || OCI_PREFIX.test(path);
  }

  /** A bearer token is checked except on OCI's form when OCI signatures are (its requests carry one instead). */
  readonly authenticated = (path: string): boolean => !(this.ociTrust && OCI_PREFIX.test(path));

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
      const page = FLASK_PAGES[err.kind];
      if (oci) return { status: shape.ociStatus, headers, json: { code: shape.ociCode, message: err.message } };
      if (page) return { status: shape.status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, text: page };
      return { status: shape.status, json: { error_code: err.kind, message: err.message } };
    }
  }

  private route(call: Call): unknown {
    const { ex, endpoint } = call;
    const wants = (method: 'GET' | 'POST') => {
      if (ex.method !== method) throw new RegistryFailure('METHOD_NOT_ALLOWED', `${endpoint} takes ${method}, not ${ex.method}.`);
      if (method === 'POST') checkContentType(ex);
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
        wants('GET');
        return this.search(call, endpoint);
      default:
        throw new RegistryFailure('ENDPOINT_NOT_FOUND', `The emulator does not serve ${endpoint}.`);
    }
  }

  private createRegisteredModel(call: Call, body: Record<string, unknown>): unknown {
    const name = body.name;
    if (typeof name !== 'string' || name === '')
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
    checkModelName(name);
    if (call.registry.models[name]) throw new RegistryFailure('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
    const now = Date.now();
    const model = (call.registry.models[name] = { name, creation_timestamp: now, last_updated_timestamp: now, versions: [] });
    this.save();
    return { registered_model: this.modelView(model) };
  }

  private createModelVersion(call: Call, body: Record<string, unknown>): unknown {
    // The OCI form: its documented limits and MLflow's rules; the open-source form: MLflow's rules only.
    const problems = call.oci ? createRequestProblems(body) : mlflowRequestProblems(body);
    if (problems.length) {
      // MLflow's own refusals in its words; the documented limits named by field.
      const words = problems.map((p) => (p.mlflowWords ? p.message : `${p.field}: ${p.message}`));
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', words.join('; '));
    }
    const request = pickRequest(body);
    const model = this.model(call, request.name);
    // Open-source MLflow links a version to a logged model, and the emulator logs none.
    if (!call.oci && request.model_id !== undefined)
      throw new RegistryFailure('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${request.model_id}' not found.`);
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
      settles_at: call.oci ? now + this.registrationDelayMs : now,
      failure: call.oci ? this.sourceFailure(request.source) : undefined,
    };
    model.versions.push(record);
    model.last_updated_timestamp = now;
    if (token) call.registry.retryTokens.push({ token, request: digest, name: model.name, version: record.version, at: now });
    this.save();
    return { model_version: this.versionView(model, record.version) };
  }

  /**
   * registered-models/search and model-versions/search (GET, as MLflow serves them): MLflow's
   * filter (clauses joined by AND), order_by, max_results and page_token, from the query.
   */
  private search(call: Call, endpoint: keyof typeof SEARCH_LIMITS): unknown {
    const { ex } = call;
    const limits = SEARCH_LIMITS[endpoint];
    const maxResults = ex.param('max_results') === undefined ? limits.default : Number(ex.param('max_results'));
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > limits.max) {
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', `Invalid value for max_results: it must be an integer from 1 to ${limits.max}.`);
    }
    const offset = pageOffset(ex.param('page_token'));
    const models = Object.values(call.registry.models);
    const versions = endpoint === 'model-versions/search';
    const rows: Record<string, unknown>[] = versions
      ? models.flatMap((m) => m.versions.map((v) => this.versionView(m, v.version)))
      : models.map((m) => this.modelView(m));
    const clauses = parseFilter(ex.param('filter') ?? '', versions ? VERSION_ATTRIBUTES : MODEL_ATTRIBUTES);
    const defaultOrder = versions ? ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'] : ['name ASC'];
    const sortable = versions ? ['name', 'version_number'] : ['name'];
    const matching = rows
      .filter((row) => clauses.every((c) => c.matches(row)))
      .sort(ordering([...ex.query.getAll('order_by'), ...defaultOrder], sortable));
    const page = matching.slice(offset, offset + maxResults);
    const next =
      offset + maxResults < matching.length ? Buffer.from(JSON.stringify({ offset: offset + maxResults })).toString('base64') : undefined;
    const key = versions ? 'model_versions' : 'registered_models';
    // Open-source MLflow leaves an empty list out of its answer (protobuf's JSON).
    return { ...((page.length || call.oci) && { [key]: page }), ...(next && { next_page_token: next }) };
  }

  /** A gs:// source must hold objects in the emulator's storage, as a deploymentUri must. */
  private sourceFailure(source: string): string | undefined {
    const gs = /^gs:\/\/([^/]+)\/?(.*)$/.exec(source);
    if (!gs || this.store.hasObjectWithPrefix(gs[1], gs[2])) return undefined;
    return `No model artifacts found at [${source}].`;
  }

  private model(call: Call, name: string): RegisteredModelRecord {
    checkModelName(name);
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
      // Open-source MLflow sends these empty when not given.
      description: '',
      run_id: '',
      run_link: '',
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

/** MLflow refuses a name its rules refuse on every call that names a registered model. */
function checkModelName(name: string): void {
  const problem = modelNameProblem(name);
  if (problem) throw new RegistryFailure('INVALID_PARAMETER_VALUE', problem);
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
    throw new RegistryFailure('INVALID_PARAMETER_VALUE', `Malformed JSON body: ${(e as Error).message}`);
  }
  call.ex.bodyRecord = value ?? null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RegistryFailure('INVALID_PARAMETER_VALUE', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** MLflow's server reads a POST body as JSON only when it says so. */
function checkContentType(ex: Exchange): void {
  const type = ex.header('content-type');
  if (!type) throw new RegistryFailure('INVALID_PARAMETER_VALUE', 'Bad Request. Content-Type header is missing.');
  if (type.split(';')[0].trim().toLowerCase() !== 'application/json') {
    throw new RegistryFailure('INVALID_PARAMETER_VALUE', `Bad Request. Content-Type must be one of ['application/json'], not '${type}'.`);
  }
}

/** The fields of a create the registry keeps (MLflow ignores unknown ones); a tag without a value has the empty one. */
function pickRequest(body: Record<string, unknown>): CreateModelVersionRequest {
  const fields = ['name', 'source', 'run_id', 'run_link', 'description', 'model_id'] as const;
  const request = Object.fromEntries(fields.filter((f) => body[f] !== undefined).map((f) => [f, body[f]])) as CreateModelVersionRequest;
  const tags = body.tags as { key: string; value?: string }[] | undefined;
  if (tags) request.tags = tags.map((t) => ({ key: t.key, value: t.value ?? '' }));
  return request;
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
  if (name === 'source_path') return row.source;
  if (name === 'timestamp') return row.last_updated_timestamp;
  if (name.startsWith('tags.'))
    return (row.tags as { key: string; value?: string }[] | undefined)?.find((t) => t.key === name.slice(5))?.value;
  return row[name];
}

/** The comparisons MLflow's searches take on strings. */
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE'];
/** Filterable attributes and their comparisons (`tags.KEY` takes STRING_OPS), as MLflow's search utilities allow. */
const MODEL_ATTRIBUTES: Record<string, string[]> = { name: STRING_OPS };
const VERSION_ATTRIBUTES: Record<string, string[]> = {
  name: STRING_OPS,
  run_id: [...STRING_OPS, 'IN'],
  source_path: STRING_OPS,
  version_number: ['=', '!=', '>', '>=', '<', '<='],
};

/**
 * MLflow's search filter: `attribute OP value` clauses joined by AND, each attribute with the
 * comparisons it takes (above), values quoted (numbers bare), IN with a list; tags.KEY
 * (backquoted when needed).
 */
function parseFilter(filter: string, attributes: Record<string, string[]>): { matches(row: Record<string, unknown>): boolean }[] {
  const clause =
    /^\s*(tags\.(?:`[^`]+`|"[^"]+"|[\w.]+)|\w+)\s*(!=|>=|<=|=|>|<|LIKE\b|ILIKE\b|IN\b)\s*('(?:[^']|'')*'|"[^"]*"|\([^)]*\)|\d+)\s*(AND\b|$)/i;
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
    const op = m[2].toUpperCase();
    const allowed = name.startsWith('tags.') ? STRING_OPS : attributes[name];
    if (!allowed) {
      throw new RegistryFailure(
        'INVALID_PARAMETER_VALUE',
        `Invalid attribute key '${name}' specified. Valid keys are '${Object.keys(attributes).join("', '")}' or tags.KEY.`,
      );
    }
    if (!allowed.includes(op)) {
      throw new RegistryFailure(
        'INVALID_PARAMETER_VALUE',
        `Invalid comparator '${m[2]}' for '${name}': expected one of ${allowed.join(', ')}.`,
      );
    }
    const unquote = (v: string) => (/^'.*'$|^".*"$/s.test(v) ? v.slice(1, -1).replace(/''/g, "'") : v);
    const values = op === 'IN' ? [...m[3].slice(1, -1).matchAll(/'(?:[^']|'')*'|"[^"]*"/g)].map((v) => unquote(v[0])) : [unquote(m[3])];
    clauses.push({ matches: (row) => compare(attribute(row, name), op, values) });
    rest = rest.slice(m[0].length).trim();
    if (/AND$/i.test(m[0].trim()) && rest === '')
      throw new RegistryFailure('INVALID_PARAMETER_VALUE', `Invalid filter '${filter}': it ends with AND.`);
  }
  return clauses;
}

/** One clause's comparison: strings as MLflow's SQL store compares them, version_number as a number. */
function compare(actual: unknown, op: string, values: string[]): boolean {
  if (actual === undefined) return false;
  if (typeof actual === 'number') {
    const wanted = Number(values[0]);
    const ops: Record<string, boolean> = {
      '=': actual === wanted,
      '!=': actual !== wanted,
      '>': actual > wanted,
      '>=': actual >= wanted,
      '<': actual < wanted,
      '<=': actual <= wanted,
    };
    return ops[op];
  }
  const text = String(actual);
  const like = (flags: string) =>
    new RegExp(
      `^${values[0]
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.')}$`,
      flags,
    ).test(text);
  if (op === '=') return text === values[0];
  if (op === '!=') return text !== values[0];
  if (op === 'IN') return values.includes(text);
  return like(op === 'LIKE' ? 's' : 'is');
}

/** MLflow's order_by: `attribute [ASC|DESC]`, earlier keys first; `timestamp` is last_updated_timestamp. */
function ordering(orderBy: string[], sortable: string[]): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const allowed = [...sortable, 'creation_timestamp', 'last_updated_timestamp', 'timestamp'];
  const keys = orderBy.map((spec) => {
    const m = /^\s*(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(spec);
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
