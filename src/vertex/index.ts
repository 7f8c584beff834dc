// The Vertex AI mapping: AI Platform's command lines and resources ↔ aiplatform v1 requests and
// resources. Pure functions, no network, no CLI imports: the CLI's Vertex backend and the emulator
// both use it. README.md says what each export is for.
export type { Framework } from './containers';
export type { AipModelRequest, VertexEndpointPlan } from './endpoint';
export {
  defaultDeployedModel,
  defaultTrafficSplit,
  deployModelRequest,
  endpointLogging,
  planVertexEndpoint,
} from './endpoint';
export type { ExplanationMetadataFile } from './explanations';
export { EXPLANATION_METADATA_FILE } from './explanations';
export {
  aipVersionName,
  DEFAULT_ALIAS,
  endpointName,
  GLOBAL_REGION_LOCATION,
  locationName,
  MODEL_ID,
  modelName,
  modelVersionName,
  parseVertexName,
  vertexAlias,
  vertexEndpointId,
  vertexLocation,
  vertexModelId,
} from './ids';
export type { VertexIssue } from './issues';
export { refusals, warnings } from './issues';
export { MANAGED_BY } from './labels';
export type { AipOperationType } from './reverse';
export { aipModel, aipModelNameOf, aipOperation, aipVersion, aipVersionNameOf, deployedVersionRef, findDeployedModel } from './reverse';
export type * from './types';
export type { VertexVersionInput, VertexVersionPlan } from './version';
export { planVertexVersion } from './version';
