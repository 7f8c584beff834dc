// Vertex AI resources → the AI Platform shapes gcloud prints (ml v1 Version, Model, Operation), so
// scripts' --format projections (value(name), state, isDefault, deploymentUri, …) keep working.
// Names are AI Platform's (`projects/P/models/M/versions/V`, with the project as the command named
// it); operation names stay Vertex's, since they are what `operations wait|describe` must be given.
import { defaultDeployedModel } from './endpoint';
import { aipModelName, aipVersionName, DEFAULT_ALIAS, parseVertexName, modelVersionName } from './ids';
import { decodeDottedLabel, decodeEnumLabel, decodeNameLabel, MARKER_KEYS, userLabels } from './labels';
import type { VertexDeployedModel, VertexEndpoint, VertexModel, VertexOperation } from './types';

type Json = Record<string, unknown>;

/** The prebuilt serving images live here; any other image was named by the user (--image). */
const PREBUILT_REPOSITORY = /^[a-z]+-docker\.pkg\.dev\/vertex-ai\/prediction\//;

/** The AI Platform model an endpoint (or registry Model) stands for: the marker label, else its display name. */
export function aipModelNameOf(resource: Pick<VertexEndpoint, 'labels' | 'displayName'>): string | undefined {
  return decodeNameLabel(resource.labels?.[MARKER_KEYS.model]) ?? resource.displayName;
}

/**
 * The AI Platform version a registry version stands for: the marker label, else the deployed
 * model's display name (gcloud-aip sends the exact name), else its first alias other than
 * `default`, else its version id.
 */
export function aipVersionNameOf(version: VertexModel, deployed?: VertexDeployedModel): string {
  return (
    decodeNameLabel(version.labels?.[MARKER_KEYS.version]) ??
    deployed?.displayName ??
    version.versionAliases?.find((alias) => alias !== DEFAULT_ALIAS) ??
    version.versionId ??
    ''
  );
}

/** The version id a deployed model points at: `modelVersionId`, else the `@N` of its `model`. */
function deployedVersionId(dm: VertexDeployedModel): string | undefined {
  return dm.modelVersionId ?? (dm.model ? parseVertexName(dm.model)?.version : undefined);
}

/** The registry version a deployed model serves, as `MODEL@VERSION` (or its `model` as given, naming no version). */
export function deployedVersionRef(dm: VertexDeployedModel): string | undefined {
  if (!dm.model) return undefined;
  const versionId = deployedVersionId(dm);
  return versionId ? modelVersionName(dm.model.split('@')[0], versionId) : dm.model;
}

/** The endpoint's deployment of a registry version (same model id and version id), if any. */
export function findDeployedModel(endpoint: VertexEndpoint | undefined, version: VertexModel): VertexDeployedModel | undefined {
  const modelId = version.name ? parseVertexName(version.name)?.id : undefined;
  return endpoint?.deployedModels?.find((dm) => {
    const target = dm.model ? parseVertexName(dm.model) : undefined;
    return target?.id === modelId && deployedVersionId(dm) === version.versionId;
  });
}

export interface AipVersionInput {
  /** The project as the command names it. */
  project: string;
  /** The AI Platform model (aipModelNameOf(endpoint), or --model). */
  model: string;
  /** The registry version (models.get of `…@alias`, or an item of models:listVersions). */
  version: VertexModel;
  endpoint?: VertexEndpoint;
  /** A deploy operation for this version is still running. */
  deploying?: boolean;
}

/**
 * An ml v1 Version from a registry version and its deployment. State: deployed → READY; uploaded and
 * a deploy still running → CREATING; uploaded and not deployed → FAILED (a deploy failed, and a
 * re-run of `versions create` deploys it).
 */
export function aipVersion(input: AipVersionInput): Json {
  const { version, endpoint } = input;
  const dm = findDeployedModel(endpoint, version);
  const labels = version.labels ?? {};
  const name = aipVersionName(input.project, input.model, aipVersionNameOf(version, dm));
  const resources = dm?.dedicatedResources;
  const result: Json = { name };
  if (version.versionDescription) result.description = version.versionDescription;
  // As ml v1 answers (proto3 JSON): `isDefault` only when true, so `value(isDefault)` prints the same.
  if (dm?.id !== undefined && endpoint?.trafficSplit?.[dm.id] === 100) result.isDefault = true;
  if (version.artifactUri) result.deploymentUri = version.artifactUri;
  const createTime = version.versionCreateTime ?? version.createTime;
  if (typeof createTime === 'string') result.createTime = createTime;
  const runtimeVersion = decodeDottedLabel(labels[MARKER_KEYS.runtimeVersion]);
  if (runtimeVersion) result.runtimeVersion = runtimeVersion;
  const machineType = labels[MARKER_KEYS.machineType] ?? resources?.machineSpec?.machineType;
  if (machineType) result.machineType = machineType;
  if (resources) Object.assign(result, aipScaling(resources));
  result.state = dm ? 'READY' : input.deploying ? 'CREATING' : 'FAILED';
  if (!dm && !input.deploying) {
    result.errorMessage = `Uploaded to the Vertex AI Model Registry as ${version.name ?? '?'}@${version.versionId ?? '?'} but not deployed; run versions create again to deploy it.`;
  }
  const user = userLabels(labels);
  if (Object.keys(user).length) result.labels = user;
  if (version.etag) result.etag = version.etag;
  const framework = decodeEnumLabel(labels[MARKER_KEYS.framework]);
  if (framework) result.framework = framework;
  const pythonVersion = decodeDottedLabel(labels[MARKER_KEYS.pythonVersion]);
  if (pythonVersion) result.pythonVersion = pythonVersion;
  const accelerator = resources?.machineSpec;
  if (accelerator?.acceleratorType) {
    result.acceleratorConfig = { count: String(accelerator.acceleratorCount ?? 1), type: accelerator.acceleratorType };
  }
  if (dm?.serviceAccount) result.serviceAccount = dm.serviceAccount;
  const explanationConfig = aipExplanationConfig(version.explanationSpec);
  if (explanationConfig) result.explanationConfig = explanationConfig;
  Object.assign(result, aipContainer(version));
  return result;
}

/** Replicas → AI Platform scaling: a range (or metrics) is autoScaling, a fixed count manualScaling. */
function aipScaling(resources: NonNullable<VertexDeployedModel['dedicatedResources']>): Json {
  const { minReplicaCount, maxReplicaCount, autoscalingMetricSpecs } = resources;
  const autoscales = (maxReplicaCount !== undefined && maxReplicaCount > minReplicaCount) || !!autoscalingMetricSpecs?.length;
  if (!autoscales) return { manualScaling: { nodes: minReplicaCount } };
  const metrics = (autoscalingMetricSpecs ?? []).map((spec) => ({
    name: spec.metricName.endsWith('/cpu/utilization')
      ? 'CPU_USAGE'
      : spec.metricName.endsWith('/accelerator/duty_cycle')
        ? 'GPU_DUTY_CYCLE'
        : spec.metricName,
    ...(spec.target !== undefined ? { target: spec.target } : {}),
  }));
  return {
    autoScaling: {
      minNodes: minReplicaCount,
      ...(maxReplicaCount !== undefined ? { maxNodes: maxReplicaCount } : {}),
      ...(metrics.length ? { metrics } : {}),
    },
  };
}

function aipExplanationConfig(spec: Json | undefined): Json | undefined {
  const parameters = spec?.parameters as Json | undefined;
  if (!parameters) return undefined;
  const config: Json = {};
  for (const method of ['integratedGradientsAttribution', 'xraiAttribution'] as const) {
    const given = parameters[method] as Json | undefined;
    if (!given) continue;
    const { stepCount, ...rest } = given;
    config[method] = { ...rest, numIntegralSteps: stepCount };
  }
  const shapley = parameters.sampledShapleyAttribution as Json | undefined;
  if (shapley) config.sampledShapleyAttribution = { numPaths: shapley.pathCount };
  return Object.keys(config).length ? config : undefined;
}

/** A user-named image comes back as Version.container (+ routes); a prebuilt one is implied by the runtime. */
function aipContainer(version: VertexModel): Json {
  const spec = version.containerSpec;
  if (!spec?.imageUri || PREBUILT_REPOSITORY.test(spec.imageUri)) return {};
  const container: Json = { image: spec.imageUri };
  if (spec.command) container.command = spec.command;
  if (spec.args) container.args = spec.args;
  if (spec.env) container.env = spec.env;
  if (spec.ports) container.ports = spec.ports;
  const routes: Json = {};
  if (spec.predictRoute) routes.predict = spec.predictRoute;
  if (spec.healthRoute) routes.health = spec.healthRoute;
  return Object.keys(routes).length ? { container, routes } : { container };
}

export interface AipModelInput {
  project: string;
  endpoint: VertexEndpoint;
  /** The location the endpoint is in (its name says it too). */
  location: string;
  /** The default version, already shaped (aipVersion); else only its name is given. */
  defaultVersion?: Json;
}

/** An ml v1 Model from its endpoint: regions, description, user labels, logging flags, default version. */
export function aipModel(input: AipModelInput): Json {
  const { endpoint } = input;
  const model = aipModelNameOf(endpoint) ?? '';
  const labels = endpoint.labels ?? {};
  const result: Json = { name: aipModelName(input.project, model), regions: [input.location] };
  if (endpoint.description) result.description = endpoint.description;
  if (labels[MARKER_KEYS.accessLogging] === 'true') result.onlinePredictionLogging = true;
  if (labels[MARKER_KEYS.consoleLogging] === 'true') result.onlinePredictionConsoleLogging = true;
  const user = userLabels(labels);
  if (Object.keys(user).length) result.labels = user;
  const defaultDm = defaultDeployedModel(endpoint);
  if (input.defaultVersion) result.defaultVersion = input.defaultVersion;
  else if (defaultDm?.displayName) result.defaultVersion = { name: aipVersionName(input.project, model, defaultDm.displayName) };
  if (endpoint.etag) result.etag = endpoint.etag;
  return result;
}

export type AipOperationType =
  | 'CREATE_VERSION'
  | 'DELETE_VERSION'
  | 'DELETE_MODEL'
  | 'UPDATE_MODEL'
  | 'UPDATE_VERSION'
  | 'OPERATION_TYPE_UNSPECIFIED';

/** Vertex operation metadata types → what the AI Platform operation did. */
const OPERATION_TYPES: Record<string, AipOperationType> = {
  DeployModelOperationMetadata: 'CREATE_VERSION',
  UploadModelOperationMetadata: 'CREATE_VERSION',
  UndeployModelOperationMetadata: 'DELETE_VERSION',
  MutateDeployedModelOperationMetadata: 'UPDATE_VERSION',
};

export interface AipOperationInput {
  project: string;
  model: string;
  /** What the operation does for AI Platform, when the metadata's type does not say (deletions). */
  operationType?: AipOperationType;
  /** The AI Platform Version it concerns (aipVersion), for metadata.version and a done create's response. */
  version?: Json;
}

/**
 * An ml v1 Operation from a Vertex one: the Vertex name (what `operations wait` takes), metadata in
 * ml v1's OperationMetadata shape, `done`, and the error or (for a finished create) the Version.
 */
export function aipOperation(operation: VertexOperation, input: AipOperationInput): Json {
  const metadata = operation.metadata ?? {};
  const generic = (metadata.genericMetadata ?? {}) as Json;
  const vertexType =
    String(metadata['@type'] ?? '')
      .split('.')
      .pop() ?? '';
  const operationType = input.operationType ?? OPERATION_TYPES[vertexType] ?? 'OPERATION_TYPE_UNSPECIFIED';
  const aipMetadata: Json = { '@type': 'type.googleapis.com/google.cloud.ml.v1.OperationMetadata' };
  if (typeof generic.createTime === 'string') {
    aipMetadata.createTime = generic.createTime;
    aipMetadata.startTime = generic.createTime;
  }
  if (operation.done && typeof generic.updateTime === 'string') aipMetadata.endTime = generic.updateTime;
  aipMetadata.operationType = operationType;
  aipMetadata.modelName = aipModelName(input.project, input.model);
  if (input.version) aipMetadata.version = input.version;
  const result: Json = { name: operation.name, metadata: aipMetadata };
  if (!operation.done) return result;
  result.done = true;
  if (operation.error) result.error = operation.error;
  else if (operationType === 'CREATE_VERSION' && input.version)
    result.response = { '@type': 'type.googleapis.com/google.cloud.ml.v1.Version', ...input.version };
  else result.response = { '@type': 'type.googleapis.com/google.protobuf.Empty' };
  return result;
}
