// AI Platform Model ↔ Vertex AI Endpoint (the serving half; the registry Model holds the versions):
// the endpoints.create body for `models create` (or a first `versions create`), the logging
// choices kept on it, and the explicit traffic splits that carry AI Platform's default-version rule.
import { GLOBAL_REGION_LOCATION, vertexEndpointId, vertexLocation } from './ids';
import { IssueList, type VertexIssue } from './issues';
import { encodeNameLabel, MARKER_KEYS, withMarkers } from './labels';
import type { DeployModelRequest, EndpointLogging, VertexApiVersion, VertexDeployedModel, VertexEndpoint } from './types';

/** The AI Platform Model a `models create` asks for (its flags), as the ml v1 body has it. */
export interface AipModelRequest {
  name: string;
  description?: string;
  labels?: Record<string, string>;
  regions?: string[];
  onlinePredictionLogging?: boolean;
  onlinePredictionConsoleLogging?: boolean;
}

export interface VertexEndpointPlan {
  issues: VertexIssue[];
  location: string;
  /** The `endpointId` query parameter of endpoints.create. */
  endpointId: string;
  body: VertexEndpoint;
}

/**
 * endpoints.create for an AI Platform model: displayName = the model's exact name, its description
 * and labels, and marker labels that keep what Vertex has no field for (the logging flags).
 * `region` is the command's region (flag or property) when `regions` is not given.
 */
export function planVertexEndpoint(
  model: AipModelRequest,
  region: string,
  sources: Readonly<Record<string, string>> = {},
): VertexEndpointPlan {
  const issues = new IssueList(sources);
  if (model.regions && model.regions.length > 1) {
    issues.refuse('regions', `a Vertex AI endpoint is in one region (${model.regions.length} given: ${model.regions.join(', ')})`);
  }
  const asked = model.regions?.[0] ?? region;
  const location = vertexLocation(asked);
  if (location !== asked) {
    issues.warn(
      model.regions ? 'regions' : 'region',
      `Vertex AI has no global endpoint; using ${GLOBAL_REGION_LOCATION} (where AI Platform's global endpoint deployed models)`,
    );
  }
  const markers = {
    [MARKER_KEYS.model]: encodeNameLabel(model.name),
    [MARKER_KEYS.accessLogging]: String(model.onlinePredictionLogging ?? false),
    [MARKER_KEYS.consoleLogging]: String(model.onlinePredictionConsoleLogging ?? false),
  };
  const labels = withMarkers(model.labels ?? {}, markers, 'model', issues);
  const body: VertexEndpoint = {
    displayName: model.name,
    ...(model.description !== undefined ? { description: model.description } : {}),
    labels,
  };
  return { issues: issues.items, location, endpointId: vertexEndpointId(model.name), body };
}

/** The logging flags `models create` stored on the endpoint; both off for an endpoint made elsewhere. */
export function endpointLogging(endpoint: VertexEndpoint | undefined): EndpointLogging {
  const labels = endpoint?.labels ?? {};
  return { access: labels[MARKER_KEYS.accessLogging] === 'true', console: labels[MARKER_KEYS.consoleLogging] === 'true' };
}

const sum = (split: Readonly<Record<string, number>>) => Object.values(split).reduce((a, b) => a + b, 0);

/**
 * endpoints.deployModel, with an explicit, full traffic split (DeployModelRequest.trafficSplit:
 * "0" is the model being deployed; the values must add up to 100). AI Platform's rule: a model's
 * first version becomes its default; a later one does not. So the first takes 100, and a later one
 * 0 beside every deployed model's current share. `modelVersion` is `…/models/ID@<versionId>`.
 * `apiVersion`: the request is sent in it (deployedModelFor).
 */
export function deployModelRequest(
  deployedModel: VertexDeployedModel,
  modelVersion: string,
  endpoint: VertexEndpoint | undefined,
  apiVersion: VertexApiVersion = 'v1',
): DeployModelRequest {
  const sent = { ...deployedModelFor(apiVersion, deployedModel), model: modelVersion };
  const current = endpoint?.trafficSplit ?? {};
  const deployed = (endpoint?.deployedModels ?? []).map((dm) => dm.id).filter((id): id is string => id !== undefined);
  if (!deployed.length || sum(current) === 0) return { deployedModel: sent, trafficSplit: { '0': 100 } };
  const trafficSplit: Record<string, number> = {};
  for (const id of deployed) trafficSplit[id] = current[id] ?? 0;
  trafficSplit['0'] = 0;
  return { deployedModel: sent, trafficSplit };
}

/**
 * A DeployedModel in the fields of `apiVersion`: v1beta1's DeployedModel has no
 * disableContainerLogging but enableContainerLogging, its opposite (the service refuses the v1
 * name there; `gcloud beta ai endpoints deploy-model` sends enableContainerLogging).
 */
function deployedModelFor(apiVersion: VertexApiVersion, deployedModel: VertexDeployedModel): VertexDeployedModel {
  if (apiVersion === 'v1' || deployedModel.disableContainerLogging === undefined) return deployedModel;
  const { disableContainerLogging, ...rest } = deployedModel;
  return { ...rest, enableContainerLogging: !disableContainerLogging };
}

/**
 * `versions set-default`: the endpoints.patch (updateMask=traffic_split) body that gives one
 * deployed model all traffic and every other 0. Undefined when that model is not deployed here.
 */
export function defaultTrafficSplit(
  endpoint: VertexEndpoint,
  deployedModelId: string,
): { trafficSplit: Record<string, number> } | undefined {
  const ids = (endpoint.deployedModels ?? []).map((dm) => dm.id).filter((id): id is string => id !== undefined);
  if (!ids.includes(deployedModelId)) return undefined;
  return { trafficSplit: Object.fromEntries(ids.map((id) => [id, id === deployedModelId ? 100 : 0])) };
}

/** The deployed model that serves the endpoint's default version: all traffic goes to it. */
export function defaultDeployedModel(endpoint: VertexEndpoint | undefined): VertexDeployedModel | undefined {
  const split = endpoint?.trafficSplit ?? {};
  return endpoint?.deployedModels?.find((dm) => dm.id !== undefined && split[dm.id] === 100);
}
