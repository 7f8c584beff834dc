// AI Platform Version (the merged body src/version/build.ts makes) → the Vertex AI requests of one
// `versions create`: models.upload, then endpoints.deployModel (VERTEX.md §1). Pure: the caller
// fetches what exists (the endpoint, the registry Model's versions, explanation_metadata.json, the
// local origin's file names) and passes it in; nothing here touches the network.
import type { BuiltVersion } from '../version/build';
import type { Framework } from './containers';
import { CPR_MIGRATION_GUIDE } from './containers';
import { endpointLogging } from './endpoint';
import { type ExplanationMetadataFile, vertexExplanationSpec } from './explanations';
import { DEFAULT_ALIAS, GLOBAL_REGION_LOCATION, modelName, vertexAlias, vertexEndpointId, vertexLocation, vertexModelId } from './ids';
import { IssueList, type VertexIssue } from './issues';
import { decodeNameLabel, encodeDottedLabel, encodeEnumLabel, encodeNameLabel, MARKER_KEYS, withMarkers } from './labels';
import { choosePrebuiltContainer } from './prebuilt';
import type {
  DedicatedResources,
  MachineSpec,
  ModelContainerSpec,
  UploadModelRequest,
  VertexDeployedModel,
  VertexEndpoint,
  VertexModel,
} from './types';

export interface VertexVersionInput {
  /** The project as the command names it; request paths use it (answers carry the number). */
  project: string;
  /** The AI Platform region (flag or property); `global` becomes us-central1, with a warning. */
  region: string;
  /** Where the region came from (`--region`, a property), for the warning. */
  regionSource?: string;
  /** The AI Platform model (--model). */
  model: string;
  /** The merged Version body and where each field came from. */
  built: BuiltVersion;
  /**
   * The model's endpoint: as GET returns it, or as endpoints.create is about to make it
   * (planVertexEndpoint().body). Its logging flags and description are carried over.
   */
  endpoint?: VertexEndpoint;
  /** The registry Model's versions (models:listVersions); undefined when the Model does not exist. */
  existingVersions?: readonly VertexModel[];
  /** The model directory's explanation_metadata.json, when the Version asks for explanations. */
  explanationMetadata?: ExplanationMetadataFile;
  /** Where the model's files are read from, for messages (a local --origin); default: the deploymentUri. */
  modelDirectory?: string;
  /** Top-level file names of a local --origin, when known. */
  originFiles?: readonly string[];
  /** Availability dates are compared with this day. */
  now: Date;
}

export interface VertexVersionPlan {
  /** Refusals and warnings, in the order found; nothing may be sent while a refusal is among them. */
  issues: VertexIssue[];
  location: string;
  endpointId: string;
  modelId: string;
  alias: string;
  /**
   * The registry version this AI Platform version already has (a run that uploaded it and then
   * failed to deploy): deploy it rather than upload again.
   */
  existing?: VertexModel;
  upload: UploadModelRequest;
  /** deployModelRequest() completes it with the uploaded version's name and the traffic split. */
  deployedModel: VertexDeployedModel;
}

type Body = Record<string, unknown>;
const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function planVertexVersion(input: VertexVersionInput): VertexVersionPlan {
  const { built } = input;
  const body = built.body;
  const issues = new IssueList(built.sources);
  const location = vertexLocation(input.region);
  if (location !== input.region) {
    issues.warn(
      'region',
      `Vertex AI has no global endpoint; using ${GLOBAL_REGION_LOCATION} (where AI Platform's global endpoint deployed models)`,
      input.regionSource,
    );
  }
  const versionName = str(body.name) ?? '';
  const alias = vertexAlias(versionName);
  const modelId = vertexModelId(input.model);
  const containerSpec = servingContainer(input, location, issues);
  const existing = sameVersion(aliasIssues(versionName, alias, input.existingVersions ?? [], issues), body, containerSpec, issues);
  const machineSpec = vertexMachineSpec(body, issues);
  const explanationSpec = vertexExplanationSpec(
    isObject(body.explanationConfig) ? body.explanationConfig : undefined,
    input.explanationMetadata,
    input.modelDirectory ?? str(body.deploymentUri),
    issues,
  );
  if (body.requestLoggingConfig !== undefined) {
    issues.warn(
      'requestLoggingConfig',
      'not sent: Vertex AI logs requests per endpoint (every version of the model), and AI Platform ignored it when a version was created',
    );
  }
  const first = !input.existingVersions?.length;
  const logging = endpointLogging(input.endpoint);
  const model: VertexModel = {
    displayName: input.model,
    // The registry Model is made by its first version: it takes the AI Platform model's description.
    ...(first && input.endpoint?.description !== undefined ? { description: input.endpoint.description } : {}),
    ...(str(body.deploymentUri) !== undefined ? { artifactUri: str(body.deploymentUri) } : {}),
    ...(containerSpec ? { containerSpec } : {}),
    ...(str(body.description) !== undefined ? { versionDescription: str(body.description) } : {}),
    labels: versionLabels(input, machineSpec.asked, issues),
    ...(explanationSpec ? { explanationSpec } : {}),
    versionAliases: [alias],
  };
  const upload: UploadModelRequest = first ? { model, modelId } : { model, parentModel: modelName(input.project, location, modelId) };
  const deployedModel: VertexDeployedModel = {
    displayName: versionName,
    dedicatedResources: { ...dedicatedResources(body, machineSpec.spec, location !== input.region, issues), spot: false },
    ...(str(body.serviceAccount) !== undefined ? { serviceAccount: str(body.serviceAccount) } : {}),
    disableContainerLogging: !logging.console,
    enableAccessLogging: logging.access,
  };
  if (!logging.console) {
    issues.warn(
      'onlinePredictionConsoleLogging',
      "the model does not ask for console logging, so the deployment's container logging is turned off (Vertex AI v1 otherwise sends the container's stdout and stderr to Cloud Logging, which is billed)",
    );
  }
  return {
    issues: issues.items,
    location,
    endpointId: vertexEndpointId(input.model),
    modelId,
    alias,
    ...(existing ? { existing } : {}),
    upload,
    deployedModel,
  };
}

/**
 * The version name as a registry alias: `default` is the registry's own (the first version gets
 * it, and set-default moves it); an alias already held by another version would be moved off it
 * silently by the upload, so that is refused. Returns the version this name already uploaded.
 */
function aliasIssues(version: string, alias: string, existing: readonly VertexModel[], issues: IssueList): VertexModel | undefined {
  if (version === DEFAULT_ALIAS || alias === DEFAULT_ALIAS) {
    issues.refuse('name', `'${DEFAULT_ALIAS}' is reserved by Vertex AI for the model's default version`);
    return undefined;
  }
  if (alias !== version) issues.warn('name', `'${version}' is not a valid Vertex AI alias; the version is aliased '${alias}'`);
  const holder = existing.find((m) => m.versionAliases?.includes(alias));
  if (!holder) return undefined;
  const holderName = decodeNameLabel(holder.labels?.[MARKER_KEYS.version]);
  if (holderName === version) return holder;
  const held =
    holderName !== undefined ? `version '${holderName}'` : `registry version ${holder.versionId ?? '?'} (not made by gcloud-aip)`;
  issues.refuse('name', `version '${version}' would take the Vertex AI alias '${alias}', which ${held} of this model already has`);
  return undefined;
}

/**
 * A registry version this AI Platform version already uploaded is reused only if it holds the same
 * model (artifactUri, and the image when the service shows it): deploying other files under the
 * same name would be worse than AI Platform's ALREADY_EXISTS.
 */
function sameVersion(
  existing: VertexModel | undefined,
  body: Body,
  containerSpec: ModelContainerSpec | undefined,
  issues: IssueList,
): VertexModel | undefined {
  if (!existing) return undefined;
  const differs: string[] = [];
  if (existing.artifactUri !== str(body.deploymentUri)) differs.push(`deploymentUri ${existing.artifactUri ?? '(none)'}`);
  const image = existing.containerSpec?.imageUri;
  if (image !== undefined && image !== containerSpec?.imageUri) differs.push(`image ${image}`);
  if (!differs.length) return existing;
  issues.refuse(
    'name',
    `version '${str(body.name)}' is already in the Vertex AI Model Registry (version ${existing.versionId ?? '?'}) with ${differs.join(' and ')}; delete it or choose another name`,
  );
  return undefined;
}

/** --image (beta/alpha, or a --config container) wins; else the prebuilt container of runtime × framework. */
function servingContainer(input: VertexVersionInput, location: string, issues: IssueList): ModelContainerSpec | undefined {
  const body = input.built.body;
  const container = isObject(body.container) ? body.container : undefined;
  const image = str(container?.image);
  const cpr = body.predictionClass !== undefined ? 'predictionClass' : body.packageUris !== undefined ? 'packageUris' : undefined;
  if (cpr && image) {
    issues.warn(cpr, 'not sent: on Vertex AI the container named by --image serves the model, custom prediction routines included');
  } else if (cpr) {
    issues.refuse(
      cpr,
      `custom prediction routines need a serving container on Vertex AI; build one (see ${CPR_MIGRATION_GUIDE}) and deploy it with --image`,
    );
    return undefined;
  }
  if (image) return customContainer(image, container!, isObject(body.routes) ? body.routes : {});
  if (str(body.deploymentUri) === undefined) {
    issues.refuse('deploymentUri', "a prebuilt container needs the model's files: set --origin");
  }
  const choice = choosePrebuiltContainer(
    {
      runtimeVersion: str(body.runtimeVersion),
      pythonVersion: str(body.pythonVersion),
      framework: (str(body.framework) as Framework | undefined) ?? 'TENSORFLOW',
      accelerator: body.acceleratorConfig !== undefined ? 'GPU' : 'CPU',
      location,
      today: input.now.toISOString().slice(0, 10),
      originFiles: input.originFiles,
    },
    issues,
  );
  return choice && { imageUri: choice.imageUri };
}

/** Version.container and .routes → ModelContainerSpec, field for field. */
function customContainer(image: string, container: Body, routes: Body): ModelContainerSpec {
  const spec: ModelContainerSpec = { imageUri: image };
  if (Array.isArray(container.command)) spec.command = container.command as string[];
  if (Array.isArray(container.args)) spec.args = container.args as string[];
  if (Array.isArray(container.env)) spec.env = container.env as ModelContainerSpec['env'];
  if (Array.isArray(container.ports)) spec.ports = container.ports as ModelContainerSpec['ports'];
  if (str(routes.predict) !== undefined) spec.predictRoute = str(routes.predict);
  if (str(routes.health) !== undefined) spec.healthRoute = str(routes.health);
  return spec;
}

/**
 * AI Platform's legacy (MLS1) machine types do not exist on Vertex AI: the nearest Compute Engine
 * type is sent instead (mls1-c1-m2: 1 vCPU, 2 GB → n1-standard-2, Vertex's default; mls1-c4-m2:
 * 4 vCPU, 2 GB → n1-highcpu-4). n1-highcpu-2 is not in Vertex's list of prediction machine types
 * (https://cloud.google.com/vertex-ai/docs/predictions/configure-compute).
 */
const MLS1_REPLACEMENTS: Record<string, string> = { 'mls1-c1-m2': 'n1-standard-2', 'mls1-c4-m2': 'n1-highcpu-4' };
const UNLISTED_MACHINE_TYPES: Record<string, string> = { 'n1-highcpu-2': 'n1-standard-2' };

/** The Version's machine and accelerator as a MachineSpec; `asked` is the machine type the Version named. */
function vertexMachineSpec(body: Body, issues: IssueList): { spec: MachineSpec; asked?: string } {
  const spec: MachineSpec = {};
  const asked = str(body.machineType);
  if (asked !== undefined) {
    const replacement = MLS1_REPLACEMENTS[asked];
    if (replacement) issues.warn('machineType', `${asked} does not exist on Vertex AI; using ${replacement}`);
    if (UNLISTED_MACHINE_TYPES[asked]) {
      issues.refuse(
        'machineType',
        `${asked} is not a Vertex AI prediction machine type; ${UNLISTED_MACHINE_TYPES[asked]} has the same 2 vCPUs`,
      );
    }
    spec.machineType = replacement ?? asked;
  }
  const accelerator = isObject(body.acceleratorConfig) ? body.acceleratorConfig : undefined;
  if (accelerator) {
    const type = str(accelerator.type) ?? '';
    if (type.startsWith('TPU_')) {
      issues.refuse(
        'acceleratorConfig.type',
        `${type}: Vertex AI documents no TPU serving for AI Platform's TPU types; deploy on a GPU (e.g. --accelerator=type=nvidia-tesla-t4) or name a container built for TPUs with --image`,
      );
    } else if (type === 'NVIDIA_TESLA_K80') {
      issues.refuse(
        'acceleratorConfig.type',
        'NVIDIA_TESLA_K80 has reached end of support on Vertex AI (MachineSpec enum); choose another GPU',
      );
    }
    spec.acceleratorType = type;
    // AcceleratorConfig.count is an int64 (a JSON string); MachineSpec.acceleratorCount an int32.
    spec.acceleratorCount = Number(accelerator.count ?? 1);
  }
  return { spec, asked: asked !== spec.machineType ? asked : undefined };
}

// DedicatedResources.autoscalingMetricSpecs[].metricName (v1 message docs). gcloud sends them in the
// order of its flag keys (cpu-usage, gpu-duty-cycle), which is the order of these names.
const METRIC_NAMES: Record<string, string> = {
  CPU_USAGE: 'aiplatform.googleapis.com/prediction/online/cpu/utilization',
  GPU_DUTY_CYCLE: 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle',
};

/**
 * Version scaling → DedicatedResources. Vertex AI v1 keeps at least one replica ("minReplicaCount
 * … must be greater than or equal to 1") and, without maxReplicaCount, runs exactly the minimum.
 * `fromGlobal`: no machine type on AI Platform's global endpoint meant mls1-c1-m2.
 */
function dedicatedResources(body: Body, machineSpec: MachineSpec, fromGlobal: boolean, issues: IssueList): DedicatedResources {
  const idleBill = 'Vertex AI keeps at least 1 replica running and bills it while idle';
  if (isObject(body.manualScaling)) {
    const nodes = typeof body.manualScaling.nodes === 'number' ? body.manualScaling.nodes : 0;
    if (nodes < 1) issues.refuse('manualScaling.nodes', `Vertex AI deploys at least 1 replica (nodes is ${nodes})`);
    return { machineSpec, minReplicaCount: nodes, maxReplicaCount: nodes };
  }
  if (!isObject(body.autoScaling)) {
    const mls1 = str(body.machineType)?.startsWith('mls1-') ?? fromGlobal;
    if (mls1) issues.warn('autoScaling', `not set: AI Platform scaled this legacy machine type down to zero nodes when idle; ${idleBill}`);
    return { machineSpec, minReplicaCount: 1 };
  }
  const scaling = body.autoScaling;
  const minNodes = typeof scaling.minNodes === 'number' ? scaling.minNodes : 0;
  if (minNodes < 1) issues.warn('autoScaling.minNodes', `${minNodes}: ${idleBill}; sending minReplicaCount 1`);
  const resources: DedicatedResources = { machineSpec, minReplicaCount: Math.max(1, minNodes) };
  if (typeof scaling.maxNodes === 'number' && scaling.maxNodes > 0) {
    if (scaling.maxNodes < resources.minReplicaCount) {
      issues.refuse('autoScaling.maxNodes', `must be at least minReplicaCount (${resources.minReplicaCount}); it is ${scaling.maxNodes}`);
    }
    resources.maxReplicaCount = scaling.maxNodes;
  } else {
    issues.warn(
      'autoScaling.maxNodes',
      `not set: Vertex AI then runs exactly minReplicaCount (${resources.minReplicaCount}) replicas and does not autoscale; set --max-nodes to autoscale`,
    );
  }
  const metrics = Array.isArray(scaling.metrics) ? scaling.metrics.filter(isObject) : [];
  if (metrics.length) {
    const name = (m: Body) => str(m.name) ?? '';
    resources.autoscalingMetricSpecs = [...metrics]
      .sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))
      .map((m) => ({
        metricName: METRIC_NAMES[name(m)] ?? name(m),
        ...(typeof m.target === 'number' ? { target: m.target } : {}),
      }));
  }
  return resources;
}

/** The Version's labels plus gcloud-aip's markers (labels.ts), which a user label may not take. */
function versionLabels(input: VertexVersionInput, askedMachineType: string | undefined, issues: IssueList): Record<string, string> {
  const body = input.built.body;
  // A null value in --config labels is an unset label, as gcloud's message encoding treats it.
  const user = Object.fromEntries(
    Object.entries(isObject(body.labels) ? body.labels : {}).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
  const markers: Record<string, string> = {
    [MARKER_KEYS.model]: encodeNameLabel(input.model),
    [MARKER_KEYS.version]: encodeNameLabel(str(body.name) ?? ''),
  };
  const runtime = str(body.runtimeVersion);
  if (runtime !== undefined) markers[MARKER_KEYS.runtimeVersion] = encodeDottedLabel(runtime);
  const framework = str(body.framework);
  if (framework !== undefined) markers[MARKER_KEYS.framework] = encodeEnumLabel(framework);
  const python = str(body.pythonVersion);
  if (python !== undefined) markers[MARKER_KEYS.pythonVersion] = encodeDottedLabel(python);
  if (askedMachineType !== undefined) markers[MARKER_KEYS.machineType] = askedMachineType;
  return withMarkers(user, markers, 'version', issues);
}
