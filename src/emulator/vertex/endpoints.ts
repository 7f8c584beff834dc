// Vertex AI endpoints: the serving side. An endpoint holds deployedModels (each one version of a
// registry model, with its machines) and a trafficSplit (deployed model ID → percent, adding up to
// 100, or empty: no traffic). As in registry.ts, requests are checked on arrival (check*) and
// again when their operation completes (apply*).
import {
  DEPLOYED_MODEL_ID_PATTERN,
  dedicatedResourcesProblems,
  displayNameProblems,
  ENDPOINT_ID_PATTERN,
  labelProblems,
  trafficSplitProblems,
  type VertexProblem,
} from '../../domain';
import { asObject, type JsonObject, without } from '../rpc';
import type { VertexEndpointRecord, VertexState } from '../store';
import { alreadyExists, check, failedPrecondition, notFound } from './errors';
import { modelView, resolveModel, unknownFields } from './registry';

// biome-ignore format: a list of field names
const ENDPOINT_FIELDS = new Set([
  'clientConnectionConfig', 'createTime', 'dedicatedEndpointDns', 'dedicatedEndpointEnabled', 'deployedModels', 'description',
  'displayName', 'enablePrivateServiceConnect', 'encryptionSpec', 'etag', 'labels', 'modelDeploymentMonitoringJob', 'name', 'network',
  'predictRequestResponseLoggingConfig', 'privateServiceConnectConfig', 'satisfiesPzi', 'satisfiesPzs', 'trafficSplit', 'updateTime',
]);
// biome-ignore format: a list of field names
const DEPLOYED_MODEL_FIELDS = new Set([
  'automaticResources', 'checkpointId', 'createTime', 'dedicatedResources', 'disableContainerLogging', 'disableExplanations',
  'displayName', 'enableAccessLogging', 'explanationSpec', 'fasterDeploymentConfig', 'id', 'model', 'modelVersionId',
  'privateEndpoints', 'serviceAccount', 'sharedResources', 'speculativeDecodingSpec', 'status', 'systemLabels',
]);
/**
 * v1beta1's DeployedModel: more fields, and enableContainerLogging where v1 has
 * disableContainerLogging (the one a client is likeliest to send in the wrong version).
 */
// biome-ignore format: a list of field names
const DEPLOYED_MODEL_FIELDS_V1BETA1 = new Set([
  'automaticResources', 'checkpointId', 'createTime', 'dedicatedResources', 'disableExplanations', 'displayName',
  'enableAccessLogging', 'enableContainerLogging', 'explanationSpec', 'fasterDeploymentConfig', 'gdcGgsModel', 'id', 'model',
  'modelVersionId', 'privateEndpoints', 'rolloutOptions', 'serviceAccount', 'sharedResources', 'speculativeDecodingSpec', 'status',
  'systemLabels',
]);
const ENDPOINT_OUTPUT_ONLY = [
  'name',
  'createTime',
  'updateTime',
  'deployedModels',
  'etag',
  'modelDeploymentMonitoringJob',
  'satisfiesPzi',
  'satisfiesPzs',
];
/** DeployedModel.dedicated_resources.machine_spec.machine_type when the request leaves it out (MachineSpec doc). */
const DEFAULT_MACHINE_TYPE = 'n1-standard-2';
/** endpoints.patch: the update_mask paths it takes (snake_case, as gcloud sends them). */
const PATCHABLE: Record<string, string> = {
  display_name: 'displayName',
  description: 'description',
  labels: 'labels',
  traffic_split: 'trafficSplit',
  predict_request_response_logging_config: 'predictRequestResponseLoggingConfig',
};

export function findEndpoint(state: VertexState, name: string): VertexEndpointRecord {
  const endpoint = state.endpoints[name];
  if (!endpoint) throw notFound('Endpoint', name);
  return endpoint;
}

export function deployedModels(endpoint: VertexEndpointRecord): JsonObject[] {
  return (endpoint.resource.deployedModels as JsonObject[] | undefined) ?? [];
}

function split(endpoint: VertexEndpointRecord): Record<string, number> {
  return (endpoint.resource.trafficSplit as Record<string, number> | undefined) ?? {};
}

/** Proto3 JSON leaves an empty map out. */
function setSplit(endpoint: VertexEndpointRecord, value: Record<string, number>): void {
  if (Object.keys(value).length) endpoint.resource.trafficSplit = value;
  else delete endpoint.resource.trafficSplit;
}

// ---- create, patch, delete ---------------------------------------------------------------------

/** CreateEndpoint: the endpoint's name (`endpointId` or `newId`) once the request is checked. */
export function checkCreateEndpoint(
  state: VertexState,
  parent: string,
  body: JsonObject,
  endpointId: string | undefined,
  strict: boolean,
  newId: string,
): string {
  const problems: VertexProblem[] = strict ? unknownFields('endpoint.', body, ENDPOINT_FIELDS) : [];
  problems.push(...displayNameProblems('endpoint.display_name', body.displayName, true));
  problems.push(...labelProblems('endpoint.labels', body.labels));
  if (endpointId !== undefined && !ENDPOINT_ID_PATTERN.test(endpointId)) {
    problems.push({
      field: 'endpoint_id',
      message: 'must be a letter then up to 62 of [a-z0-9-] ending in a letter or digit, or up to 9 digits without a leading zero.',
    });
  }
  if (body.trafficSplit !== undefined && Object.keys(body.trafficSplit as object).length) {
    problems.push({ field: 'endpoint.traffic_split', message: 'a new endpoint has no deployed models to send traffic to.' });
  }
  check(problems);
  const name = `${parent}/endpoints/${endpointId ?? newId}`;
  if (state.endpoints[name]) throw alreadyExists(`Endpoint ${name} already exists.`);
  return name;
}

export function applyCreateEndpoint(state: VertexState, name: string, body: JsonObject, at: string, etag: string): JsonObject {
  if (state.endpoints[name]) throw alreadyExists(`Endpoint ${name} already exists.`);
  const resource: JsonObject = { name, ...without(body, ENDPOINT_OUTPUT_ONLY), createTime: at, updateTime: at, etag };
  delete resource.trafficSplit;
  state.endpoints[name] = { name, resource };
  return { ...resource };
}

/** endpoints.patch (synchronous): the fields named by update_mask. */
export function patchEndpoint(endpoint: VertexEndpointRecord, body: JsonObject, updateMask: string | undefined, etag: string): void {
  if (!updateMask) check([{ field: 'update_mask', message: 'Required field is not set.' }]);
  const paths = updateMask!.split(',').map((p) => p.trim());
  const unknown = paths.filter((p) => !(p in PATCHABLE));
  check(unknown.map((p) => ({ field: 'update_mask', message: `the path "${p}" cannot be updated.` })));
  const known = new Set(deployedModels(endpoint).map((d) => String(d.id)));
  check([
    ...displayNameProblems('endpoint.display_name', body.displayName, paths.includes('display_name')),
    ...labelProblems('endpoint.labels', body.labels),
    ...trafficSplitProblems('endpoint.traffic_split', body.trafficSplit, known, false),
  ]);
  for (const path of paths) {
    const field = PATCHABLE[path];
    if (field === 'trafficSplit') setSplit(endpoint, (body.trafficSplit as Record<string, number> | undefined) ?? {});
    else if (body[field] === undefined) delete endpoint.resource[field];
    else endpoint.resource[field] = body[field];
  }
  endpoint.resource.updateTime = new Date().toISOString();
  endpoint.resource.etag = etag;
}

export function checkDeleteEndpoint(endpoint: VertexEndpointRecord): void {
  const ids = deployedModels(endpoint).map((d) => d.id);
  if (ids.length) {
    throw failedPrecondition(
      `Endpoint ${endpoint.name} has deployed model(s) ${ids.join(', ')}; undeploy them before deleting the endpoint.`,
    );
  }
}

// ---- deploy, undeploy, mutate ------------------------------------------------------------------

/** DeployModel: the deployed model as it will be stored, once the request is checked. */
export function checkDeploy(
  state: VertexState,
  endpoint: VertexEndpointRecord,
  body: JsonObject,
  apiVersion: 'v1' | 'v1beta1',
  newId: string,
): JsonObject {
  const sent = asObject(body.deployedModel);
  const problems: VertexProblem[] = [];
  if (body.deployedModel === undefined) problems.push({ field: 'deployed_model', message: 'Required field is not set.' });
  if (apiVersion === 'v1') problems.push(...unknownFields('', body, new Set(['deployedModel', 'trafficSplit'])));
  const fields = apiVersion === 'v1' ? DEPLOYED_MODEL_FIELDS : DEPLOYED_MODEL_FIELDS_V1BETA1;
  problems.push(...unknownFields('deployed_model.', sent, fields));
  if (typeof sent.model !== 'string' || sent.model === '')
    problems.push({ field: 'deployed_model.model', message: 'Required field is not set.' });
  problems.push(...displayNameProblems('deployed_model.display_name', sent.displayName, false));
  const known = new Set(deployedModels(endpoint).map((d) => String(d.id)));
  if (sent.id !== undefined && (typeof sent.id !== 'string' || !DEPLOYED_MODEL_ID_PATTERN.test(sent.id))) {
    problems.push({ field: 'deployed_model.id', message: 'must be 1 to 10 digits.' });
  }
  if (sent.automaticResources !== undefined || sent.sharedResources !== undefined) {
    problems.push({ field: 'deployed_model', message: 'the model supports only DEDICATED_RESOURCES: set dedicated_resources.' });
  } else problems.push(...dedicatedResourcesProblems('deployed_model.dedicated_resources', sent.dedicatedResources));
  problems.push(...trafficSplitProblems('traffic_split', body.trafficSplit, known, true));
  check(problems);
  const { model, version } = resolveModel(state, sent.model as string);
  const id = (sent.id as string | undefined) ?? newId;
  if (known.has(id)) throw alreadyExists(`A deployed model with ID ${id} already exists on ${endpoint.name}.`);
  const resources = asObject(sent.dedicatedResources);
  const machineSpec = { machineType: DEFAULT_MACHINE_TYPE, ...asObject(resources.machineSpec) };
  const dedicatedResources: JsonObject = { ...resources, machineSpec };
  if (!resources.maxReplicaCount) dedicatedResources.maxReplicaCount = resources.minReplicaCount;
  return {
    ...without(sent, ['createTime', 'modelVersionId', 'status', 'privateEndpoints']),
    id,
    model: model.name,
    modelVersionId: version.versionId,
    dedicatedResources,
  };
}

/** Adds the deployed model and sets the split ("0" = this one); returns the DeployModelResponse. */
export function applyDeploy(endpoint: VertexEndpointRecord, deployed: JsonObject, trafficSplit: unknown, at: string): JsonObject {
  const models = deployedModels(endpoint);
  // The split was checked on arrival; a model it names may have been undeployed since.
  check(trafficSplitProblems('traffic_split', trafficSplit, new Set(models.map((d) => String(d.id))), true));
  if (models.some((d) => d.id === deployed.id))
    throw alreadyExists(`A deployed model with ID ${String(deployed.id)} already exists on ${endpoint.name}.`);
  const stored = { ...deployed, createTime: at };
  endpoint.resource.deployedModels = [...models, stored];
  if (trafficSplit && Object.keys(trafficSplit).length) {
    const next: Record<string, number> = {};
    for (const [key, percent] of Object.entries(trafficSplit as Record<string, number>))
      next[key === '0' ? String(deployed.id) : key] = percent;
    setSplit(endpoint, next);
  }
  endpoint.resource.updateTime = at;
  return { deployedModel: { ...stored } };
}

/** UndeployModel: only a deployed model without traffic, unless the request's split takes its traffic away. */
export function checkUndeploy(endpoint: VertexEndpointRecord, body: JsonObject): string {
  const id = body.deployedModelId;
  if (typeof id !== 'string' || id === '') check([{ field: 'deployed_model_id', message: 'Required field is not set.' }]);
  const known = new Set(deployedModels(endpoint).map((d) => String(d.id)));
  if (!known.has(id as string)) throw notFound('DeployedModel', `${id as string} of ${endpoint.name}`);
  const remaining = new Set([...known].filter((k) => k !== id));
  check(trafficSplitProblems('traffic_split', body.trafficSplit, remaining, false));
  const nextSplit = (body.trafficSplit as Record<string, number> | undefined) ?? split(endpoint);
  if (remaining.size > 0 && (nextSplit[id as string] ?? 0) > 0) {
    throw failedPrecondition(
      `Deployed model ${id as string} has ${nextSplit[id as string]}% of the traffic of ${endpoint.name}; move its traffic to other deployed models (traffic_split) before undeploying it.`,
    );
  }
  return id as string;
}

export function applyUndeploy(endpoint: VertexEndpointRecord, id: string, trafficSplit: unknown, at: string): JsonObject {
  const remaining = deployedModels(endpoint).filter((d) => d.id !== id);
  if (remaining.length === deployedModels(endpoint).length) throw notFound('DeployedModel', `${id} of ${endpoint.name}`);
  if (remaining.length) endpoint.resource.deployedModels = remaining;
  else delete endpoint.resource.deployedModels;
  const next = remaining.length === 0 ? {} : ((trafficSplit as Record<string, number> | undefined) ?? split(endpoint));
  const { [id]: _gone, ...kept } = next;
  setSplit(endpoint, kept);
  endpoint.resource.updateTime = at;
  return {};
}

/** MutateDeployedModel: replica counts, autoscaling metrics and logging switches of a deployed model. */
export function checkMutate(endpoint: VertexEndpointRecord, body: JsonObject): { id: string; changes: JsonObject } {
  const sent = asObject(body.deployedModel);
  const mask = typeof body.updateMask === 'string' ? body.updateMask.split(',').map((p) => p.trim()) : [];
  const allowed = ['dedicated_resources', 'disable_container_logging', 'enable_access_logging', 'display_name'];
  check([
    ...(mask.length ? [] : [{ field: 'update_mask', message: 'Required field is not set.' }]),
    ...mask.filter((p) => !allowed.includes(p)).map((p) => ({ field: 'update_mask', message: `the path "${p}" cannot be mutated.` })),
  ]);
  const current = deployedModels(endpoint).find((d) => d.id === sent.id);
  if (!current) throw notFound('DeployedModel', `${String(sent.id)} of ${endpoint.name}`);
  const changes: JsonObject = {};
  for (const path of mask) {
    const field = path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    changes[field] =
      field === 'dedicatedResources' ? { ...asObject(current.dedicatedResources), ...asObject(sent.dedicatedResources) } : sent[field];
  }
  if (changes.dedicatedResources) check(dedicatedResourcesProblems('deployed_model.dedicated_resources', changes.dedicatedResources));
  return { id: sent.id as string, changes };
}

export function applyMutate(endpoint: VertexEndpointRecord, id: string, changes: JsonObject, at: string): JsonObject {
  const current = deployedModels(endpoint).find((d) => d.id === id);
  if (!current) throw notFound('DeployedModel', `${id} of ${endpoint.name}`);
  Object.assign(current, changes);
  endpoint.resource.updateTime = at;
  return { deployedModel: { ...current } };
}

// ---- views ---------------------------------------------------------------------------------------

export function endpointView(endpoint: VertexEndpointRecord): JsonObject {
  return { ...endpoint.resource };
}

/** Every deployment of a registry model's versions: versionId → DeployedModelRefs. */
export function deploymentsByVersion(state: VertexState, modelName: string): Map<string, JsonObject[]> {
  const out = new Map<string, JsonObject[]>();
  for (const endpoint of Object.values(state.endpoints)) {
    for (const d of deployedModels(endpoint)) {
      if (d.model !== modelName) continue;
      const refs = out.get(String(d.modelVersionId)) ?? [];
      refs.push({ endpoint: endpoint.name, deployedModelId: d.id });
      out.set(String(d.modelVersionId), refs);
    }
  }
  return out;
}

/** The model resource of one version with the endpoints it is deployed to. */
export function modelVersionView(state: VertexState, modelName: string, versionId: string): JsonObject {
  const model = state.models[modelName];
  const version = model.versions.find((v) => v.versionId === versionId)!;
  return modelView(model, version, deploymentsByVersion(state, modelName).get(versionId) ?? []);
}
