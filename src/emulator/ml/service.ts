// The AI Platform (ml v1) API: models, versions and their long-running operations.
//
// A new version stays CREATING for `operationDelayMs`, then becomes READY, or FAILED when its
// deploymentUri holds no objects in the emulator's storage. The outcome is settled lazily, from
// timestamps, by whichever request next looks: no timers, so a restarted emulator picks up where
// it left off.

import { mlNameProblem, modelProblems, REGIONS } from '../../domain';
import { applyFilter, FormatError } from '../../format';
import { VERSION_OUTPUT_ONLY_FIELDS } from '../../version/output-only';
import { serviceProblems, versionProblems } from '../../version/schema';
import { rpcError } from '../errors';
import type { Exchange, Reply } from '../exchange';
import { decodeSegment, ok, pageOf, readJsonObject, without } from '../rpc';
import type { EmulatedService } from '../service';
import { Store, type JsonObject, type ModelRecord, type OperationRecord, type VersionRecord } from '../store';

const VERSION_TYPE = 'type.googleapis.com/google.cloud.ml.v1.Version';
const OPERATION_METADATA_TYPE = 'type.googleapis.com/google.cloud.ml.v1.OperationMetadata';
const EMPTY_TYPE = 'type.googleapis.com/google.protobuf.Empty';
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
/** A Model's fields the service sets itself (REST: output-only); values a client sends for them are ignored. */
const MODEL_OUTPUT_ONLY_FIELDS: readonly string[] = ['name', 'etag', 'defaultVersion'];

export class MlService implements EmulatedService {
  constructor(
    private readonly store: Store,
    private readonly operationDelayMs: number,
    private readonly maxPageSize = MAX_PAGE_SIZE,
    private readonly newEtag: () => string = Store.newEtag,
  ) {}

  handles(path: string): boolean {
    return path.startsWith('/v1/');
  }

  /** Answers an ml v1 request, or undefined when no route matches. */
  async handle(ex: Exchange): Promise<Reply | undefined> {
    const parts = ex.rawPath.slice('/v1/'.length).split('/').map(decodeSegment);
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // tolerate a trailing slash
    if (parts[0] !== 'projects' || parts.length < 3) return undefined;
    if (this.settleDueOperations()) await this.store.save();

    const [, project, collection, id, subCollection, subId] = parts;
    const method = ex.method;
    if (collection === 'models') {
      if (parts.length === 3 && method === 'POST') return this.createModel(ex, project);
      if (parts.length === 3 && method === 'GET') return this.listModels(ex, project);
      if (parts.length === 4 && method === 'GET') return ok(modelView(this.model(project, id, 'name')));
      if (parts.length === 4 && method === 'DELETE') return this.deleteModel(project, id);
      if (subCollection !== 'versions') return undefined;
      if (parts.length === 5 && method === 'POST') return this.createVersion(ex, project, id);
      if (parts.length === 5 && method === 'GET') return this.listVersions(ex, project, id);
      if (parts.length === 6 && method === 'GET') return ok(this.versionView(project, id, subId));
      if (parts.length === 6 && method === 'DELETE') return this.deleteVersion(project, id, subId);
      if (parts.length === 6 && method === 'POST' && subId.endsWith(':setDefault')) {
        return this.setDefaultVersion(ex, project, id, subId.slice(0, -':setDefault'.length));
      }
      return undefined;
    }
    if (collection === 'operations') {
      if (parts.length === 3 && method === 'GET') return this.listOperations(ex, project);
      if (parts.length === 4 && method === 'GET') return ok(operationView(this.operation(project, id)));
      if (parts.length === 4 && method === 'POST' && id.endsWith(':cancel')) {
        return this.cancelOperation(ex, project, id.slice(0, -':cancel'.length));
      }
    }
    return undefined;
  }

  // ---- models -------------------------------------------------------------------------------

  private async createModel(ex: Exchange, project: string): Promise<Reply> {
    const body = await readJsonObject(ex);
    const id = body.name;
    if (typeof id !== 'string' || id === '') throw rpcError(400, 'INVALID_ARGUMENT', 'Field: model.name Error: A name is required.');
    // The Model's documented rules (src/domain/model.ts), the first one broken, as the service answers.
    const [problem] = modelProblems(body, endpointRegion(ex.host));
    if (problem) throw invalidField(`model.${problem.field}`, problem.message);
    const key = Store.modelKey(project, id);
    if (this.store.models.has(key)) {
      throw rpcError(409, 'ALREADY_EXISTS', 'Field: model.name Error: A model with the same name already exists.');
    }
    const model: ModelRecord = {
      project,
      id,
      resource: {
        name: `projects/${project}/models/${id}`,
        ...withoutDefaults(without(body, MODEL_OUTPUT_ONLY_FIELDS)),
        regions: Array.isArray(body.regions) && body.regions.length > 0 ? body.regions : ['us-central1'],
        etag: this.newEtag(),
      },
      defaultVersion: null,
      versions: new Map(),
    };
    this.store.models.set(key, model);
    await this.store.save();
    return ok(modelView(model));
  }

  private listModels(ex: Exchange, project: string): Reply {
    const models = [...this.store.models.values()].filter((m) => m.project === project).map(modelView);
    return ok(paginate(ex, 'models', models, this.maxPageSize));
  }

  private async deleteModel(project: string, id: string): Promise<Reply> {
    const model = this.model(project, id, 'name');
    if (model.versions.size > 0) {
      throw rpcError(400, 'FAILED_PRECONDITION', 'Field: name Error: A model with versions cannot be deleted.');
    }
    this.store.models.delete(Store.modelKey(project, id));
    const operation = this.finishedOperation(project, `delete_model_${id}`, {
      operationType: 'DELETE_MODEL',
      modelName: model.resource.name,
    });
    await this.store.save();
    return ok(operationView(operation));
  }

  // ---- versions -----------------------------------------------------------------------------

  private async createVersion(ex: Exchange, project: string, modelId: string): Promise<Reply> {
    const body = await readJsonObject(ex);
    const model = this.model(project, modelId, 'version.name');
    const id = body.name;
    if (typeof id !== 'string' || id === '') throw rpcError(400, 'INVALID_ARGUMENT', 'Field: version.name Error: A name is required.');
    // gcloud sends any name (`1-bad`, `v 1`); the service refuses what breaks its naming rule.
    const nameProblem = mlNameProblem(id);
    if (nameProblem) throw invalidField('version.name', nameProblem);
    if (model.versions.has(id)) {
      throw rpcError(409, 'ALREADY_EXISTS', 'Field: version.name Error: A version with the same name already exists.');
    }
    const container = body.container;
    const image = typeof container === 'object' && container !== null ? (container as JsonObject).image : undefined;
    const hasDeploymentUri = typeof body.deploymentUri === 'string' && body.deploymentUri !== '';
    if (!hasDeploymentUri && !(typeof image === 'string' && image !== '')) {
      throw rpcError(
        400,
        'INVALID_ARGUMENT',
        'Field: version.deployment_uri Error: A deployment URI (deploymentUri) or a container image (container.image) is required.',
      );
    }
    // The same documented rules the CLI checks before uploading (src/version/schema.ts), with those
    // of the endpoint the request came to.
    const problems = [...versionProblems(body), ...serviceProblems(body, endpointRegion(ex.host))];
    if (problems.length) {
      throw rpcError(400, 'INVALID_ARGUMENT', problems.map((p) => `Field: version.${p.field} Error: ${p.message}`).join('\n'));
    }

    const now = Date.now();
    const createTime = new Date(now).toISOString();
    const operationName = `projects/${project}/operations/create_${modelId}_${id}-${this.store.nextOperationMillis()}`;
    const resource: JsonObject = {
      name: `projects/${project}/models/${modelId}/versions/${id}`,
      ...without(body, VERSION_OUTPUT_ONLY_FIELDS),
      state: 'CREATING',
      createTime,
      etag: this.newEtag(),
    };
    model.versions.set(id, { id, resource, createOperation: operationName });
    if (model.defaultVersion === null) model.defaultVersion = id;
    const operation: OperationRecord = {
      name: operationName,
      project,
      metadata: {
        '@type': OPERATION_METADATA_TYPE,
        createTime,
        operationType: 'CREATE_VERSION',
        modelName: model.resource.name,
        version: { ...resource },
      },
      doneAt: now + this.operationDelayMs,
      done: false,
      model: modelId,
      version: id,
    };
    this.store.operations.set(operationName, operation);
    this.store.pendingOperations.add(operationName);
    await this.store.save();
    return ok(operationView(operation));
  }

  private listVersions(ex: Exchange, project: string, modelId: string): Reply {
    const model = this.model(project, modelId, 'parent');
    const versions = [...model.versions.values()].map((v) => versionView(model, v));
    return ok(paginate(ex, 'versions', versions, this.maxPageSize));
  }

  private async deleteVersion(project: string, modelId: string, id: string): Promise<Reply> {
    const model = this.model(project, modelId, 'name');
    const version = this.version(model, id);
    if (version.resource.state === 'CREATING') {
      throw rpcError(
        400,
        'FAILED_PRECONDITION',
        'Field: name Error: A version in state CREATING cannot be deleted; wait for its creation to finish.',
      );
    }
    if (model.defaultVersion === id && model.versions.size > 1) {
      throw rpcError(
        400,
        'FAILED_PRECONDITION',
        'Field: name Error: Cannot delete the default version while the model has other versions. Set another version as the default first.',
      );
    }
    const view = versionView(model, version);
    model.versions.delete(id);
    if (model.defaultVersion === id) model.defaultVersion = null;
    const operation = this.finishedOperation(project, `delete_${modelId}_${id}`, {
      operationType: 'DELETE_VERSION',
      modelName: model.resource.name,
      version: view,
    });
    await this.store.save();
    return ok(operationView(operation));
  }

  /** The first version of a model becomes its default by itself; later ones only through this call. */
  private async setDefaultVersion(ex: Exchange, project: string, modelId: string, id: string): Promise<Reply> {
    await readJsonObject(ex); // a SetDefaultVersionRequest has no fields
    const model = this.model(project, modelId, 'name');
    const version = this.version(model, id);
    model.defaultVersion = id;
    await this.store.save();
    return ok(versionView(model, version));
  }

  private versionView(project: string, modelId: string, id: string): JsonObject {
    const model = this.model(project, modelId, 'name');
    return versionView(model, this.version(model, id));
  }

  // ---- operations ---------------------------------------------------------------------------

  private listOperations(ex: Exchange, project: string): Reply {
    const operations = [...this.store.operations.values()].filter((o) => o.project === project).map(operationView);
    return ok(paginate(ex, 'operations', operations, this.maxPageSize));
  }

  private async cancelOperation(ex: Exchange, project: string, id: string): Promise<Reply> {
    await readJsonObject(ex); // a CancelOperationRequest has no fields
    const operation = this.operation(project, id);
    if (operation.done) {
      throw rpcError(400, 'FAILED_PRECONDITION', `Operation ${operation.name} has already completed.`);
    }
    operation.metadata = { ...operation.metadata, isCancellationRequested: true };
    this.complete(operation, Date.now(), { code: 1, message: 'Operation was cancelled.' });
    await this.store.save();
    return ok({});
  }

  /** Completes every pending operation whose time has come; true if anything changed. */
  private settleDueOperations(now = Date.now()): boolean {
    let changed = false;
    for (const name of this.store.pendingOperations) {
      const operation = this.store.operations.get(name);
      if (operation && operation.doneAt > now) continue;
      if (operation) this.complete(operation, operation.doneAt, this.creationFailure(operation));
      else this.store.pendingOperations.delete(name);
      changed = true;
    }
    return changed;
  }

  /** Why a version's model cannot load (as the real service would report it), if it cannot. */
  private creationFailure(operation: OperationRecord): { code: number; message: string } | undefined {
    const version = this.createdVersion(operation)?.resource ?? (operation.metadata.version as JsonObject | undefined);
    const uri = version?.deploymentUri;
    if (uri === undefined || uri === '') return undefined; // a custom container brings its own model
    let detail: string | undefined;
    const gcs = typeof uri === 'string' ? /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri) : null;
    if (!gcs) detail = `Failed to load model: deploymentUri ${JSON.stringify(uri)} is not a Cloud Storage (gs://) location.`;
    else if (!this.store.hasObjectWithPrefix(gcs[1], gcs[2])) detail = `Failed to load model: Could not find any model files under ${uri}.`;
    if (detail === undefined) return undefined;
    return { code: 3, message: `Create Version failed. Bad model detected with error: "${detail}"` };
  }

  private complete(operation: OperationRecord, at: number, error: { code: number; message: string } | undefined): void {
    operation.done = true;
    operation.metadata = { ...operation.metadata, endTime: new Date(at).toISOString() };
    this.store.pendingOperations.delete(operation.name);
    const model = operation.model === undefined ? undefined : this.store.models.get(Store.modelKey(operation.project, operation.model));
    const version = this.createdVersion(operation);
    if (version) {
      version.resource.state = error ? 'FAILED' : 'READY';
      if (error) version.resource.errorMessage = error.message;
    }
    if (error) operation.error = error;
    else if (model && version) operation.response = { '@type': VERSION_TYPE, ...versionView(model, version) };
    else operation.response = { '@type': VERSION_TYPE, ...(operation.metadata.version as JsonObject), state: 'READY' };
  }

  /** The version a CREATE_VERSION operation creates, if it still exists (and is that same one). */
  private createdVersion(operation: OperationRecord): VersionRecord | undefined {
    if (operation.model === undefined || operation.version === undefined) return undefined;
    const version = this.store.models.get(Store.modelKey(operation.project, operation.model))?.versions.get(operation.version);
    return version?.createOperation === operation.name ? version : undefined;
  }

  /** Records an operation that is done as soon as it starts (deletions). */
  private finishedOperation(project: string, prefix: string, metadata: JsonObject): OperationRecord {
    const now = new Date().toISOString();
    const operation: OperationRecord = {
      name: `projects/${project}/operations/${prefix}-${this.store.nextOperationMillis()}`,
      project,
      metadata: { '@type': OPERATION_METADATA_TYPE, createTime: now, startTime: now, endTime: now, ...metadata },
      doneAt: Date.now(),
      done: true,
      response: { '@type': EMPTY_TYPE },
    };
    this.store.operations.set(operation.name, operation);
    return operation;
  }

  // ---- lookups ------------------------------------------------------------------------------

  private model(project: string, id: string, field: string): ModelRecord {
    const model = this.store.models.get(Store.modelKey(project, id));
    if (!model) {
      throw rpcError(
        404,
        'NOT_FOUND',
        `Field: ${field} Error: The model resource: "${id}" was not found. ` +
          `Please create the Cloud ML model resource first by using 'gcloud ml-engine models create ${id}'.`,
      );
    }
    return model;
  }

  private version(model: ModelRecord, id: string): VersionRecord {
    const version = model.versions.get(id);
    if (!version) throw rpcError(404, 'NOT_FOUND', 'Field: name Error: The specified model version was not found.');
    return version;
  }

  private operation(project: string, id: string): OperationRecord {
    const name = `projects/${project}/operations/${id}`;
    const operation = this.store.operations.get(name);
    if (!operation) throw rpcError(404, 'NOT_FOUND', `Operation ${name} not found.`);
    return operation;
  }
}

// ---- views ---------------------------------------------------------------------------------------

function versionView(model: ModelRecord, version: VersionRecord): JsonObject {
  return model.defaultVersion === version.id ? { ...version.resource, isDefault: true } : { ...version.resource };
}

function modelView(model: ModelRecord): JsonObject {
  const view: JsonObject = { ...model.resource };
  const defaultVersion = model.defaultVersion === null ? undefined : model.versions.get(model.defaultVersion);
  if (defaultVersion) view.defaultVersion = versionView(model, defaultVersion);
  return view;
}

/** Like Google: `done` only once done, then exactly one of `response` / `error`. */
function operationView(operation: OperationRecord): JsonObject {
  const view: JsonObject = { name: operation.name, metadata: operation.metadata };
  if (!operation.done) return view;
  view.done = true;
  if (operation.error) view.error = operation.error;
  else view.response = operation.response;
  return view;
}

// ---- helpers -------------------------------------------------------------------------------------

/** A 400 naming the field, with the BadRequest detail the service adds to it. */
function invalidField(field: string, description: string) {
  return rpcError(400, 'INVALID_ARGUMENT', `Field: ${field} Error: ${description}`, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description }] },
  ]);
}

/**
 * The region of the endpoint a request was sent to: `REGION-HOST` (`us-central1-ml.googleapis.com`,
 * `us-central1-ml.localhost`) is that region's endpoint; any other host is the global endpoint.
 */
function endpointRegion(host: string): string {
  const region = /^([a-z]+(?:-[a-z]+)*\d+)-/.exec(host.toLowerCase())?.[1];
  return region !== undefined && REGIONS.includes(region) ? region : 'global';
}

/** One page of a list response after the optional `filter` (gcloud's filter syntax, as ml v1 takes it). */
function paginate(ex: Exchange, field: string, items: unknown[], maxPageSize: number): JsonObject {
  const filter = ex.param('filter');
  if (filter) {
    try {
      items = applyFilter(items, filter);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      throw rpcError(400, 'INVALID_ARGUMENT', `Invalid filter: ${err.message}`);
    }
  }
  return pageOf(ex, field, items, DEFAULT_PAGE_SIZE, maxPageSize);
}

/** Like proto3 JSON, the service leaves out fields holding their default (false, '', [], {}). */
function withoutDefaults(object: JsonObject): JsonObject {
  const isDefault = (v: unknown) =>
    v === false ||
    v === '' ||
    v === null ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  return Object.fromEntries(Object.entries(object).filter(([, v]) => !isDefault(v)));
}
