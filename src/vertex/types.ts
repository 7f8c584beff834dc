// The parts of the aiplatform v1 messages the mapping reads and writes (field names as in the REST
// reference). Everything else a response holds is kept by the index signature and ignored.

/** The API versions gcloud's `ai` commands speak: v1 on GA, v1beta1 on beta and alpha. */
export type VertexApiVersion = 'v1' | 'v1beta1';

export interface MachineSpec {
  machineType?: string;
  acceleratorType?: string;
  acceleratorCount?: number;
}

export interface AutoscalingMetricSpec {
  metricName: string;
  target?: number;
}

export interface DedicatedResources {
  machineSpec: MachineSpec;
  minReplicaCount: number;
  maxReplicaCount?: number;
  autoscalingMetricSpecs?: AutoscalingMetricSpec[];
  spot?: boolean;
}

export interface VertexDeployedModel {
  id?: string;
  model?: string;
  modelVersionId?: string;
  displayName?: string;
  createTime?: string;
  dedicatedResources?: DedicatedResources;
  serviceAccount?: string;
  disableContainerLogging?: boolean;
  /** v1beta1's field in place of disableContainerLogging (its opposite). */
  enableContainerLogging?: boolean;
  enableAccessLogging?: boolean;
  [field: string]: unknown;
}

export interface VertexEndpoint {
  name?: string;
  displayName?: string;
  description?: string;
  labels?: Record<string, string>;
  deployedModels?: VertexDeployedModel[];
  trafficSplit?: Record<string, number>;
  createTime?: string;
  etag?: string;
  [field: string]: unknown;
}

export interface ModelContainerSpec {
  imageUri: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value: string }[];
  ports?: { containerPort: number }[];
  predictRoute?: string;
  healthRoute?: string;
}

export interface VertexModel {
  name?: string;
  displayName?: string;
  description?: string;
  versionId?: string;
  versionAliases?: string[];
  versionDescription?: string;
  versionCreateTime?: string;
  artifactUri?: string;
  containerSpec?: ModelContainerSpec;
  labels?: Record<string, string>;
  explanationSpec?: Record<string, unknown>;
  etag?: string;
  [field: string]: unknown;
}

/** UploadModelRequest: `modelId` for a model's first version, `parentModel` for the next ones. */
export interface UploadModelRequest {
  model: VertexModel;
  modelId?: string;
  parentModel?: string;
}

/** DeployModelRequest: `trafficSplit` names the model being deployed "0". */
export interface DeployModelRequest {
  deployedModel: VertexDeployedModel;
  trafficSplit: Record<string, number>;
}

export interface VertexOperation {
  name: string;
  done?: boolean;
  metadata?: Record<string, unknown>;
  response?: Record<string, unknown>;
  error?: { code?: number; message?: string; [field: string]: unknown };
}

/** What an AI Platform model asked for about logging, kept on its endpoint (endpointLogging()). */
export interface EndpointLogging {
  /** onlinePredictionLogging (--enable-logging) → DeployedModel.enableAccessLogging. */
  access: boolean;
  /** onlinePredictionConsoleLogging (--enable-console-logging) → not disableContainerLogging. */
  console: boolean;
}
