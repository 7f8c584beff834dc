// Vertex AI (aiplatform v1, and v1beta1 for gcloud's beta track and its endpoint-operation polls):
// the Model Registry (registry.ts), endpoints (endpoints.ts) and their long-running operations
// (operations.ts), under `/{v1|v1beta1}/projects/P/locations/R/…`. Names in answers carry the
// project NUMBER (names.ts). A deployment fails, when its operation completes, if the model's
// artifactUri holds no objects in the storage emulator or lacks the file a prebuilt container loads.
import { rpcError } from '../errors';
import type { Exchange, Reply } from '../exchange';
import { type JsonObject, ok, pageOf, readJsonObject } from '../rpc';
import type { EmulatedService } from '../service';
import { Store, type VertexOperationRecord, type VertexState } from '../store';
import {
  applyCreateEndpoint,
  applyDeploy,
  applyMutate,
  applyUndeploy,
  checkCreateEndpoint,
  checkDeleteEndpoint,
  checkDeploy,
  checkMutate,
  checkUndeploy,
  deploymentsByVersion,
  endpointView,
  findEndpoint,
  modelVersionView,
  patchEndpoint,
} from './endpoints';
import { failedPrecondition, notFound } from './errors';
import { parseFilter } from './filter';
import { hostRegion, isVertexPath, numericId, parseVertexPath, splitVersion, type VertexPath } from './names';
import { cancel, findOperation, type OperationKind, operationsUnder, operationView, settleDue, startOperation } from './operations';
import {
  applyUpload,
  checkDeleteModel,
  checkDeleteVersion,
  checkUpload,
  findModel,
  findVersion,
  mergeVersionAliases,
  modelView,
  patchVersion,
  type UploadTarget,
} from './registry';

const DEFAULT_PAGE_SIZE = 100;
/** How long `operations.wait` holds a request at most when it names no timeout. */
const MAX_WAIT_MS = 60_000;

export class VertexService implements EmulatedService {
  private readonly state: VertexState;

  constructor(
    private readonly store: Store,
    private readonly operationDelayMs: number,
    private readonly maxPageSize = DEFAULT_PAGE_SIZE,
    private readonly newEtag: () => string = Store.newEtag,
  ) {
    this.state = store.vertex;
  }

  handles(path: string): boolean {
    return isVertexPath(path);
  }

  async handle(ex: Exchange): Promise<Reply | undefined> {
    const path = parseVertexPath(ex.rawPath);
    const region = hostRegion(ex.host);
    if (region !== undefined && region !== path.location) {
      throw rpcError(400, 'INVALID_ARGUMENT', `Location ${path.location} does not match the regional endpoint ${ex.host} (${region}).`);
    }
    await this.settle();
    const [collection, id, sub] = path.rest;
    const operationsAt = path.rest.indexOf('operations');
    if (operationsAt === 0 || (operationsAt === 2 && (collection === 'models' || collection === 'endpoints'))) {
      return this.operations(ex, path, operationsAt);
    }
    if (sub !== undefined) return undefined;
    if ((collection === 'models' || collection === 'endpoints') && path.location === 'global') {
      throw rpcError(400, 'INVALID_ARGUMENT', `Vertex AI ${collection} are regional: location "global" is not supported.`);
    }
    if (collection === 'models') return id === undefined ? this.modelsCollection(ex, path) : this.model(ex, path, id);
    if (collection === 'endpoints')
      return id === undefined ? this.endpointsCollection(ex, path) : this.endpoint(ex, path, `${path.parent}/endpoints/${id}`);
    return undefined;
  }

  private async settle(): Promise<void> {
    if (settleDue(this.state, (operation) => this.complete(operation))) await this.store.save();
  }

  // ---- models --------------------------------------------------------------------------------------

  private async modelsCollection(ex: Exchange, path: VertexPath): Promise<Reply | undefined> {
    if (ex.method === 'POST' && path.verb === 'upload') {
      const body = await readJsonObject(ex);
      const target = checkUpload(this.state, path.parent, body, path.version === 'v1', this.newId());
      return this.begin(path, target.model, 'upload', { target, body });
    }
    if (ex.method !== 'GET' || path.verb !== undefined) return undefined;
    const views = Object.values(this.state.models)
      .filter((m) => m.name.startsWith(`${path.parent}/`))
      .map((m) => modelVersionView(this.state, m.name, findVersion(m, undefined).versionId));
    return ok(this.page(ex, 'models', views, 'model'));
  }

  private async model(ex: Exchange, path: VertexPath, segment: string): Promise<Reply | undefined> {
    const { id, version } = splitVersion(segment);
    const model = findModel(this.state, `${path.parent}/models/${id}`);
    const verb = `${ex.method} ${path.verb ?? ''}`;
    if (verb === 'GET ') return ok(modelVersionView(this.state, model.name, findVersion(model, version).versionId));
    if (verb === 'GET listVersions') {
      const deployments = deploymentsByVersion(this.state, model.name);
      const views = model.versions.map((v) => modelView(model, v, deployments.get(v.versionId) ?? []));
      return ok(this.page(ex, 'models', views, 'model'));
    }
    if (verb === 'DELETE ' && version === undefined) {
      checkDeleteModel(model, new Set(deploymentsByVersion(this.state, model.name).keys()));
      return this.begin(path, model.name, 'deleteModel', { model: model.name });
    }
    if (verb === 'DELETE deleteVersion') {
      const target = findVersion(model, version);
      checkDeleteVersion(model, target, deploymentsByVersion(this.state, model.name).has(target.versionId));
      return this.begin(path, model.name, 'deleteVersion', { model: model.name, versionId: target.versionId });
    }
    if (verb === 'PATCH ') {
      const target = findVersion(model, version);
      patchVersion(target, await readJsonObject(ex), ex.param('updateMask'));
      await this.store.save();
      return ok(modelVersionView(this.state, model.name, target.versionId));
    }
    if (verb === 'POST mergeVersionAliases') {
      const target = findVersion(model, version);
      mergeVersionAliases(model, target, await readJsonObject(ex));
      await this.store.save();
      return ok(modelVersionView(this.state, model.name, target.versionId));
    }
    return undefined;
  }

  // ---- endpoints -----------------------------------------------------------------------------------

  private async endpointsCollection(ex: Exchange, path: VertexPath): Promise<Reply | undefined> {
    if (path.verb !== undefined) return undefined;
    if (ex.method === 'POST') {
      const body = await readJsonObject(ex);
      const name = checkCreateEndpoint(this.state, path.parent, body, ex.param('endpointId'), path.version === 'v1', this.newId());
      return this.begin(path, name, 'createEndpoint', { name, body });
    }
    if (ex.method !== 'GET') return undefined;
    const views = Object.values(this.state.endpoints)
      .filter((e) => e.name.startsWith(`${path.parent}/`))
      .map(endpointView);
    return ok(this.page(ex, 'endpoints', views, 'endpoint'));
  }

  private async endpoint(ex: Exchange, path: VertexPath, name: string): Promise<Reply | undefined> {
    const endpoint = findEndpoint(this.state, name);
    const operation = (kind: OperationKind, request: JsonObject) => this.begin(path, name, kind, { endpoint: name, ...request });
    switch (`${ex.method} ${path.verb ?? ''}`) {
      case 'GET ':
        return ok(endpointView(endpoint));
      case 'PATCH ':
        patchEndpoint(endpoint, await readJsonObject(ex), ex.param('updateMask'), this.newEtag());
        await this.store.save();
        return ok(endpointView(endpoint));
      case 'DELETE ':
        checkDeleteEndpoint(endpoint);
        return operation('deleteEndpoint', {});
      case 'POST deployModel': {
        const body = await readJsonObject(ex);
        const deployed = checkDeploy(this.state, endpoint, body, path.version, this.newId().slice(-10));
        return operation('deploy', { deployed, trafficSplit: body.trafficSplit });
      }
      case 'POST undeployModel': {
        const body = await readJsonObject(ex);
        return operation('undeploy', { id: checkUndeploy(endpoint, body), trafficSplit: body.trafficSplit });
      }
      case 'POST mutateDeployedModel':
        return operation('mutate', checkMutate(endpoint, await readJsonObject(ex)));
      default:
        return undefined;
    }
  }

  // ---- operations ----------------------------------------------------------------------------------

  /** `…/operations[/OP]` under the location, a model or an endpoint (`at`: where `operations` is in the path). */
  private async operations(ex: Exchange, path: VertexPath, at: number): Promise<Reply | undefined> {
    const scope = [path.parent, ...path.rest.slice(0, at)].join('/');
    const opId = path.rest[at + 1];
    if (path.rest.length > at + 2) return undefined;
    if (opId === undefined) {
      if (ex.method !== 'GET' || path.verb !== undefined) return undefined;
      const views = operationsUnder(this.state, scope).map((o) => operationView(o, path.version));
      return ok(pageOf(ex, 'operations', views, DEFAULT_PAGE_SIZE, this.maxPageSize));
    }
    const operation = findOperation(this.state, path.parent, path.rest.slice(0, at + 2).join('/'));
    if (!operation?.name.startsWith(`${scope}/`)) throw notFound('Operation', `${scope}/operations/${opId}`);
    switch (`${ex.method} ${path.verb ?? ''}`) {
      case 'GET ':
        return ok(operationView(operation, path.version));
      case 'DELETE ':
        delete this.state.operations[operation.name];
        await this.store.save();
        return ok({});
      case 'POST cancel':
        await readJsonObject(ex);
        cancel(operation);
        await this.store.save();
        return ok({});
      case 'POST wait':
        await readJsonObject(ex);
        await this.waitFor(operation, ex.param('timeout'));
        return ok(operationView(operation, path.version));
      default:
        return undefined;
    }
  }

  /** operations.wait: holds the request until the operation is due (or the timeout, like "30s", passes). */
  private async waitFor(operation: VertexOperationRecord, timeout: string | undefined): Promise<void> {
    const seconds = timeout === undefined ? undefined : /^(\d+(?:\.\d+)?)s$/.exec(timeout)?.[1];
    if (timeout !== undefined && seconds === undefined) throw rpcError(400, 'INVALID_ARGUMENT', `Invalid value for timeout: "${timeout}".`);
    const limit = seconds === undefined ? MAX_WAIT_MS : Math.min(MAX_WAIT_MS, Number(seconds) * 1000);
    const wait = Math.min(limit, operation.doneAt - Date.now());
    if (!operation.done && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
    await this.settle();
  }

  /** Starts an operation under the resource `on` (a model or endpoint name). */
  private async begin(path: VertexPath, on: string, kind: OperationKind, request: JsonObject): Promise<Reply> {
    const name = `${on}/operations/${this.newId()}`;
    const operation = startOperation(this.state, name, kind, request, Date.now() + this.operationDelayMs);
    await this.store.save();
    return ok(operationView(operation, path.version));
  }

  /** Carries out a due operation; an ApiError thrown here becomes the operation's error. */
  private complete(operation: VertexOperationRecord): JsonObject {
    const r = operation.request;
    const at = new Date(operation.doneAt).toISOString();
    const endpoint = () => findEndpoint(this.state, r.endpoint as string);
    switch (operation.kind) {
      case 'upload':
        return applyUpload(this.state, r.target as UploadTarget, r.body as JsonObject, at);
      case 'createEndpoint':
        return applyCreateEndpoint(this.state, r.name as string, r.body as JsonObject, at, this.newEtag());
      case 'deploy':
        this.checkArtifacts(r.deployed as JsonObject);
        return applyDeploy(endpoint(), r.deployed as JsonObject, r.trafficSplit, at);
      case 'undeploy':
        checkUndeploy(endpoint(), { deployedModelId: r.id, trafficSplit: r.trafficSplit }); // its traffic may have changed since
        return applyUndeploy(endpoint(), r.id as string, r.trafficSplit, at);
      case 'mutate':
        return applyMutate(endpoint(), r.id as string, r.changes as JsonObject, at);
      case 'deleteEndpoint':
        checkDeleteEndpoint(endpoint());
        delete this.state.endpoints[r.endpoint as string];
        return {};
      case 'deleteModel': {
        const model = findModel(this.state, r.model as string);
        checkDeleteModel(model, new Set(deploymentsByVersion(this.state, model.name).keys()));
        delete this.state.models[model.name];
        return {};
      }
      default: {
        const model = findModel(this.state, r.model as string);
        const version = findVersion(model, r.versionId as string);
        checkDeleteVersion(model, version, deploymentsByVersion(this.state, model.name).has(version.versionId));
        model.versions = model.versions.filter((v) => v !== version);
        return {};
      }
    }
  }

  /** A model that cannot load: no objects under artifactUri, or none of the files its prebuilt container reads. */
  private checkArtifacts(deployed: JsonObject): void {
    const model = findModel(this.state, deployed.model as string);
    const resource = findVersion(model, deployed.modelVersionId as string).resource;
    const uri = resource.artifactUri;
    if (uri === undefined || uri === '') return; // a custom container brings its own model
    const gcs = typeof uri === 'string' ? /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri) : null;
    if (!gcs)
      throw failedPrecondition(
        `Model ${model.name} cannot be deployed: artifactUri ${JSON.stringify(uri)} is not a Cloud Storage (gs://) location.`,
      );
    const [, bucket, rawPrefix] = gcs;
    const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
    if (!this.store.hasObjectWithPrefix(bucket, prefix)) {
      throw failedPrecondition(`Model ${model.name} cannot be deployed: no model files under ${String(uri)}.`);
    }
    const image = String((resource.containerSpec as JsonObject | undefined)?.imageUri ?? '');
    const wanted = prebuiltModelFiles(image);
    if (wanted && !wanted.some((file) => this.store.getObject(bucket, `${prefix}${file}`))) {
      throw failedPrecondition(
        `Model ${model.name} cannot be deployed: the prebuilt container ${image} loads ${wanted.length > 1 ? 'one of ' : ''}${wanted.join(', ')} from ${String(uri)}, and there is none.`,
      );
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private newId(): string {
    return numericId(this.store.nextOperationMillis());
  }

  private page(ex: Exchange, field: string, items: JsonObject[], idField: 'model' | 'endpoint'): JsonObject {
    const filter = ex.param('filter');
    const kept = filter ? items.filter(parseFilter(filter, idField)) : items;
    return pageOf(ex, field, kept, DEFAULT_PAGE_SIZE, this.maxPageSize);
  }
}

/**
 * The file names a prebuilt prediction container loads from the artifact directory, which "must
 * match exactly" (Vertex AI's import-model doc): a SavedModel as saved_model.pb only, as the CLI
 * checks too (src/vertex/prebuilt.ts).
 */
function prebuiltModelFiles(imageUri: string): string[] | undefined {
  const image = /-docker\.pkg\.dev\/vertex-ai\/prediction\/([a-z0-9]+)-/.exec(imageUri)?.[1];
  if (image === 'tf' || image === 'tf2') return ['saved_model.pb'];
  if (image === 'sklearn') return ['model.joblib', 'model.pkl'];
  if (image === 'xgboost') return ['model.bst', 'model.joblib', 'model.pkl'];
  return undefined;
}
