// The Vertex AI calls the ai-platform commands make on the Vertex AI target, typed, over MlApi (the
// one HTTP client for Google APIs). One client per location: Vertex AI is regional, and its host is
// too. It speaks the API version gcloud's `ai` commands speak on the track (v1 on GA, v1beta1 on
// beta/alpha) and polls endpoint operations through v1beta1 on every track, as gcloud does
// (api_lib/ai/operations.py defaults to the beta client; VERTEX.md §4).
import { ApiError, type MlApi, type Operation } from '../../api/ml';
import { basename, listAll } from '../../api/resources';
import { waitForOperation, type WaitOptions } from '../../api/operations';
import type { Output } from '../../ui/output';
import {
  endpointName,
  locationName,
  modelName,
  parseVertexName,
  type DeployModelRequest,
  type UploadModelRequest,
  type VertexApiVersion,
  type VertexEndpoint,
  type VertexModel,
  type VertexOperation,
} from '../../vertex';

export interface VertexClientOptions {
  /** The project as the command names it (an id): requests name it so; answers carry its number. */
  project: string;
  location: string;
  /** The version `api` speaks: some request fields differ (deployModelRequest). */
  apiVersion: VertexApiVersion;
  /** The track's API version (v1 on GA, v1beta1 on beta/alpha), on the location's endpoint. */
  api: MlApi;
  /** v1beta1 on the same endpoint: endpoint operations are polled through it on every track. */
  operationsApi: MlApi;
}

/** UploadModelResponse: the registry model (without `@`) and the new version's id. */
export interface UploadModelResponse {
  model: string;
  modelVersionId: string;
}

/** DeployModelResponse: the deployed model, with its `id` on the endpoint. */
export interface DeployModelResponse {
  deployedModel: { id: string; model?: string; modelVersionId?: string; [field: string]: unknown };
}

export class VertexClient {
  readonly project: string;
  readonly location: string;
  readonly apiVersion: VertexApiVersion;

  constructor(private readonly options: VertexClientOptions) {
    this.project = options.project;
    this.location = options.location;
    this.apiVersion = options.apiVersion;
  }

  /** The URL of a resource path in the track's API version (what --dry-run reports). */
  url(resourcePath: string): string {
    return this.options.api.url(resourcePath);
  }

  /** `projects/P/locations/R`, with the project as the command named it. */
  get parent(): string {
    return locationName(this.project, this.location);
  }

  /** An endpoint's resource name from its id (a full name is kept as it is: endpoints made elsewhere). */
  endpointPath(endpoint: string): string {
    return endpoint.startsWith('projects/') ? endpoint : endpointName(this.project, this.location, endpoint);
  }

  /** A registry model's (or version's, `ID@N` / `ID@alias`) resource name from its id; a full name is kept. */
  modelPath(model: string): string {
    return model.startsWith('projects/') ? model : modelName(this.project, this.location, model);
  }

  // Endpoints (the serving half of an AI Platform model).

  getEndpoint(endpoint: string): Promise<VertexEndpoint | undefined> {
    return this.options.api.find<VertexEndpoint>(this.endpointPath(endpoint));
  }

  /** endpoints.create; `endpointId` travels in the query string, as gcloud sends it. */
  createEndpoint(endpointId: string, body: VertexEndpoint): Promise<VertexOperation> {
    return this.options.api.startOperation('POST', `${this.parent}/endpoints`, body, { endpointId });
  }

  /** endpoints.list with an optional server-side filter (AIP-160: `labels.k=v`, `display_name="x"`). */
  listEndpoints(filter?: string): AsyncGenerator<VertexEndpoint> {
    return listAll(this.options.api, `${this.parent}/endpoints`, 'endpoints', { query: filter ? { filter } : {} });
  }

  /** endpoints.patch?updateMask=traffic_split: synchronous, answers the endpoint. */
  patchEndpointTrafficSplit(endpoint: string, trafficSplit: Record<string, number>): Promise<VertexEndpoint> {
    return this.options.api.call<VertexEndpoint>('PATCH', this.endpointPath(endpoint), { trafficSplit }, undefined, {
      updateMask: 'traffic_split',
    });
  }

  deleteEndpoint(endpoint: string): Promise<VertexOperation> {
    return this.options.api.startOperation('DELETE', this.endpointPath(endpoint));
  }

  deployModel(endpoint: string, request: DeployModelRequest): Promise<VertexOperation> {
    return this.options.api.startOperation('POST', `${this.endpointPath(endpoint)}:deployModel`, request);
  }

  /** `trafficSplit`: the endpoint's split after the undeploy, when the model still has traffic. */
  undeployModel(endpoint: string, deployedModelId: string, trafficSplit?: Record<string, number>): Promise<VertexOperation> {
    const body = { deployedModelId, ...(trafficSplit ? { trafficSplit } : {}) };
    return this.options.api.startOperation('POST', `${this.endpointPath(endpoint)}:undeployModel`, body);
  }

  // The Model Registry (the versions of an AI Platform model).

  /** models.upload: `modelId` for a model's first version, `parentModel` for later ones. */
  uploadModel(request: UploadModelRequest): Promise<VertexOperation> {
    return this.options.api.startOperation('POST', `${this.parent}/models:upload`, request);
  }

  /** A model (its `default` version), or one version of it: `ID@N` or `ID@alias`. */
  getModel(model: string): Promise<VertexModel | undefined> {
    return this.options.api.find<VertexModel>(this.modelPath(model));
  }

  /** models.list (each model's default version) with an optional server-side filter. */
  listModels(filter?: string): AsyncGenerator<VertexModel> {
    return listAll(this.options.api, `${this.parent}/models`, 'models', { query: filter ? { filter } : {} });
  }

  listModelVersions(model: string): AsyncGenerator<VertexModel> {
    return listAll(this.options.api, `${this.modelPath(model)}:listVersions`, 'models');
  }

  /** Every version of a registry Model; undefined when there is no such Model (404). */
  async modelVersions(model: string): Promise<VertexModel[] | undefined> {
    const versions: VertexModel[] = [];
    try {
      for await (const version of this.listModelVersions(model)) versions.push(version);
    } catch (err) {
      if (isApiStatus(err, 404)) return undefined;
      throw err;
    }
    return versions;
  }

  deleteModel(model: string): Promise<VertexOperation> {
    return this.options.api.startOperation('DELETE', this.modelPath(model));
  }

  /** `version`: a version id or an alias. The service refuses the only version and a deployed one. */
  deleteModelVersion(model: string, version: string): Promise<VertexOperation> {
    return this.options.api.startOperation('DELETE', `${this.modelPath(model)}@${version}:deleteVersion`);
  }

  /** Adds aliases (`a`) and removes them (`-a`) on one version (`ID@N`); synchronous, answers that version. */
  mergeVersionAliases(modelVersion: string, versionAliases: string[]): Promise<VertexModel> {
    return this.options.api.call<VertexModel>('POST', `${this.modelPath(modelVersion)}:mergeVersionAliases`, { versionAliases });
  }

  // Operations.

  /** The API an operation is read through: v1beta1 for an endpoint's, as gcloud polls them. */
  private operationsApiFor(name: string): MlApi {
    return parseVertexName(name)?.collection === 'endpoints' ? this.options.operationsApi : this.options.api;
  }

  /** A full operation name, or a bare id under this location. */
  operationPath(operation: string): string {
    return operation.startsWith('projects/') ? operation : `${this.parent}/operations/${operation}`;
  }

  getOperation(operation: string): Promise<VertexOperation> {
    const name = this.operationPath(operation);
    return this.operationsApiFor(name).getOperation(name);
  }

  cancelOperation(operation: string): Promise<Record<string, unknown>> {
    const name = this.operationPath(operation);
    return this.operationsApiFor(name).call('POST', `${name}:cancel`);
  }

  /** `parent`: this location (default), or a model's or endpoint's name for the operations under it. */
  listOperations(parent: string = this.parent): AsyncGenerator<VertexOperation> {
    return listAll(this.options.api, `${parent}/operations`, 'operations') as AsyncGenerator<VertexOperation>;
  }

  /**
   * Waits for an operation with gcloud's progress output (`message...` then `done.`; by default
   * gcloud's `Waiting for operation [ID]`); its error, if any, is a UserError with the server's
   * message. `follow` is the command that follows it from elsewhere, shown when waiting stops early.
   */
  waitForOperation(operation: VertexOperation, output: Output, options: WaitOptions & { message?: string } = {}): Promise<VertexOperation> {
    const api = this.operationsApiFor(operation.name);
    const { message = `Waiting for operation [${basename(operation.name)}]`, ...wait } = options;
    return waitForOperation(api, operation as Operation, message, output, {
      follow: `gcloud ai-platform operations wait ${operation.name} --region=${this.location}`,
      ...wait,
    });
  }
}

/** True for an error answer with this HTTP status (409 on a create: it exists already). */
export function isApiStatus(err: unknown, httpStatus: number): err is ApiError {
  return err instanceof ApiError && err.httpStatus === httpStatus;
}
