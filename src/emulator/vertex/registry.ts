// The Vertex AI Model Registry: models whose versions are `versionId` 1, 2, … (never reused) with
// `versionAliases`; the first version gets the alias `default` and exactly one version holds it
// from then on. Requests are checked (check*) when they arrive and again when their operation
// completes (apply*), so two uploads racing for one model ID cannot both win.
import {
  DEFAULT_ALIAS,
  displayNameProblems,
  explanationProblems,
  labelProblems,
  MODEL_ID_PATTERN,
  VERSION_ALIAS_PATTERN,
  versionAliasProblems,
  type VertexProblem,
} from '../../domain';
import { asObject, type JsonObject, without } from '../rpc';
import type { VertexModelRecord, VertexState, VertexVersionRecord } from '../store';
import { alreadyExists, check, failedPrecondition, invalidArgument, notFound } from './errors';
import { parseModelName } from './names';

/** The fields of a v1 Model (REST reference); any other field is refused as the service refuses unknown names. */
// biome-ignore format: a list of field names
const MODEL_FIELDS = new Set([
  'artifactUri', 'baseModelSource', 'checkpoints', 'containerSpec', 'createTime', 'dataStats', 'defaultCheckpointId',
  'deployedModels', 'description', 'displayName', 'encryptionSpec', 'etag', 'explanationSpec', 'labels', 'metadata',
  'metadataArtifact', 'metadataSchemaUri', 'modelSourceInfo', 'name', 'originalModelInfo', 'pipelineJob', 'predictSchemata',
  'satisfiesPzi', 'satisfiesPzs', 'supportedDeploymentResourcesTypes', 'supportedExportFormats', 'supportedInputStorageFormats',
  'supportedOutputStorageFormats', 'trainingPipeline', 'updateTime', 'versionAliases', 'versionCreateTime', 'versionDescription',
  'versionId', 'versionUpdateTime',
]);
/** Output-only Model fields: what a client sends for them is ignored. */
// biome-ignore format: a list of field names
const MODEL_OUTPUT_ONLY = [
  'name', 'versionId', 'versionCreateTime', 'versionUpdateTime', 'createTime', 'updateTime', 'deployedModels', 'etag',
  'supportedDeploymentResourcesTypes', 'supportedExportFormats', 'supportedInputStorageFormats', 'supportedOutputStorageFormats',
  'trainingPipeline', 'originalModelInfo', 'metadataArtifact', 'satisfiesPzi', 'satisfiesPzs', 'modelSourceInfo',
];
const UPLOAD_FIELDS = new Set(['model', 'modelId', 'parentModel', 'serviceAccount']);

export interface UploadTarget {
  /** The model's name (with the project number) the version goes into. */
  model: string;
  /** Whether that is a new model (`modelId`, or a server-assigned ID). */
  isNew: boolean;
}

/**
 * Checks an UploadModelRequest against the registry as it is; `newId` names the model when neither
 * modelId nor parentModel does.
 */
export function checkUpload(state: VertexState, parent: string, body: JsonObject, strict: boolean, newId: string): UploadTarget {
  const problems: VertexProblem[] = [];
  if (strict) problems.push(...unknownFields('', body, UPLOAD_FIELDS));
  const model = asObject(body.model);
  if (body.model === undefined) problems.push({ field: 'model', message: 'Required field is not set.' });
  if (strict) problems.push(...unknownFields('model.', model, MODEL_FIELDS));
  problems.push(...displayNameProblems('model.display_name', model.displayName, true));
  const image = asObject(model.containerSpec).imageUri;
  if (typeof image !== 'string' || image === '')
    problems.push({ field: 'model.container_spec.image_uri', message: 'Required field is not set.' });
  problems.push(...versionAliasProblems('model.version_aliases', model.versionAliases));
  problems.push(...labelProblems('model.labels', model.labels));
  problems.push(...explanationProblems('model.explanation_spec', model.explanationSpec));
  const { modelId, parentModel } = body;
  if (modelId !== undefined && parentModel !== undefined) {
    problems.push({ field: 'model_id', message: 'model_id and parent_model cannot both be set.' });
  }
  if (modelId !== undefined && (typeof modelId !== 'string' || !MODEL_ID_PATTERN.test(modelId))) {
    problems.push({ field: 'model_id', message: 'must be up to 63 of [a-z0-9_-], not starting with a digit or a hyphen.' });
  }
  const parentRef = typeof parentModel === 'string' ? parseModelName(parentModel) : undefined;
  if (parentModel !== undefined && (!parentRef || parentRef.version !== undefined)) {
    problems.push({
      field: 'parent_model',
      message: `${JSON.stringify(parentModel)} is not a model name (projects/*/locations/*/models/*).`,
    });
  } else if (parentRef && !parentRef.model.startsWith(`${parent}/`)) {
    problems.push({ field: 'parent_model', message: `the parent model must be in ${parent}.` });
  }
  check(problems);
  if (parentRef) {
    const existing = findModel(state, parentRef.model);
    const aliases = (model.versionAliases as string[] | undefined) ?? [];
    for (const alias of aliases) {
      const holder = existing.versions.find((v) => v.versionAliases.includes(alias));
      // `default` moves to the new version (the SDK's is_default_version); any other alias is taken.
      if (holder && alias !== DEFAULT_ALIAS) {
        throw invalidArgument([
          {
            field: 'model.version_aliases',
            message: `alias "${alias}" is already used by version ${holder.versionId} of ${existing.name}.`,
          },
        ]);
      }
    }
    return { model: existing.name, isNew: false };
  }
  const name = `${parent}/models/${typeof modelId === 'string' ? modelId : newId}`;
  if (state.models[name]) throw alreadyExists(`Model ${name} already exists.`);
  return { model: name, isNew: true };
}

/** Adds the uploaded version; returns the UploadModelResponse. */
export function applyUpload(state: VertexState, target: UploadTarget, body: JsonObject, at: string): JsonObject {
  let record = state.models[target.model];
  if (target.isNew && record) throw alreadyExists(`Model ${target.model} already exists.`);
  if (!target.isNew && !record) throw notFound('Model', target.model);
  record ??= state.models[target.model] = { name: target.model, versions: [], lastVersionId: 0 };
  const sent = asObject(body.model);
  const aliases = [...((sent.versionAliases as string[] | undefined) ?? [])];
  if (record.versions.length === 0 && !aliases.includes(DEFAULT_ALIAS)) aliases.unshift(DEFAULT_ALIAS);
  if (aliases.includes(DEFAULT_ALIAS))
    for (const v of record.versions) v.versionAliases = v.versionAliases.filter((a) => a !== DEFAULT_ALIAS);
  const resource: JsonObject = {
    ...without(sent, MODEL_OUTPUT_ONLY),
    createTime: at,
    updateTime: at,
    versionCreateTime: at,
    versionUpdateTime: at,
  };
  delete resource.versionAliases;
  const versionId = String(++record.lastVersionId);
  record.versions.push({ versionId, resource, versionAliases: aliases });
  return { model: record.name, modelVersionId: versionId };
}

export function findModel(state: VertexState, name: string): VertexModelRecord {
  const model = state.models[name];
  if (!model) throw notFound('Model', name);
  return model;
}

/** A version by ID or alias; no reference means the default version. */
export function findVersion(model: VertexModelRecord, ref: string | undefined): VertexVersionRecord {
  const wanted = ref ?? DEFAULT_ALIAS;
  const version = model.versions.find((v) =>
    VERSION_ALIAS_PATTERN.test(wanted) ? v.versionAliases.includes(wanted) : v.versionId === wanted,
  );
  if (!version) throw notFound('Model', `${model.name}@${wanted}`);
  return version;
}

/** A model reference (`…/models/ID[@ref]`, project id or number) from a request: the model and version. */
export function resolveModel(state: VertexState, reference: string): { model: VertexModelRecord; version: VertexVersionRecord } {
  const parsed = parseModelName(reference);
  if (!parsed) throw invalidArgument([{ field: 'deployed_model.model', message: `${JSON.stringify(reference)} is not a model name.` }]);
  const model = findModel(state, parsed.model);
  return { model, version: findVersion(model, parsed.version) };
}

/** The Model resource as one version shows it; `deployments` are the DeployedModelRefs to that version. */
export function modelView(model: VertexModelRecord, version: VertexVersionRecord, deployments: JsonObject[]): JsonObject {
  const first = model.versions[0];
  const view: JsonObject = {
    name: model.name,
    ...version.resource,
    createTime: first.resource.createTime,
    versionId: version.versionId,
    versionAliases: version.versionAliases,
    supportedDeploymentResourcesTypes: ['DEDICATED_RESOURCES'],
    modelSourceInfo: { sourceType: 'CUSTOM' },
  };
  if (deployments.length) view.deployedModels = deployments;
  return view;
}

/** MergeVersionAliases: `alias` adds (moving it from the version holding it), `-alias` removes; `default` stays on exactly one version. */
export function mergeVersionAliases(model: VertexModelRecord, version: VertexVersionRecord, body: JsonObject): void {
  const requested = body.versionAliases;
  if (!Array.isArray(requested) || requested.length === 0) check([{ field: 'version_aliases', message: 'Required field is not set.' }]);
  const list = requested as unknown[];
  const adds = list.filter((a): a is string => typeof a === 'string' && !a.startsWith('-'));
  const removes = list.filter((a): a is string => typeof a === 'string' && a.startsWith('-')).map((a) => a.slice(1));
  check([...versionAliasProblems('version_aliases', adds), ...versionAliasProblems('version_aliases', removes)]);
  if (list.some((a) => typeof a !== 'string')) check([{ field: 'version_aliases', message: 'must be a list of strings.' }]);
  if (removes.includes(DEFAULT_ALIAS)) {
    throw failedPrecondition(
      `The default alias cannot be removed from ${model.name}@${version.versionId}; add it to another version instead.`,
    );
  }
  for (const alias of adds.filter((a) => !removes.includes(a))) {
    for (const v of model.versions) v.versionAliases = v.versionAliases.filter((a) => a !== alias);
    version.versionAliases.push(alias);
  }
  version.versionAliases = version.versionAliases.filter((a) => !removes.includes(a) || adds.includes(a));
  version.resource.versionUpdateTime = new Date().toISOString();
}

/** models.patch: the update_mask paths it takes, as the version's fields. */
const PATCHABLE: Record<string, string> = {
  display_name: 'displayName',
  description: 'description',
  labels: 'labels',
  version_description: 'versionDescription',
};

/** models.patch (synchronous): the fields `updateMask` names, on the version the name names (the default without `@`). */
export function patchVersion(version: VertexVersionRecord, body: JsonObject, updateMask: string | undefined): void {
  const paths = (updateMask ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  check([
    ...(paths.length ? [] : [{ field: 'update_mask', message: 'Required field is not set.' }]),
    ...paths.filter((p) => !(p in PATCHABLE)).map((p) => ({ field: 'update_mask', message: `the path "${p}" cannot be updated.` })),
    ...displayNameProblems('model.display_name', body.displayName, paths.includes('display_name')),
    ...labelProblems('model.labels', body.labels),
  ]);
  for (const path of paths) {
    const field = PATCHABLE[path];
    if (body[field] === undefined) delete version.resource[field];
    else version.resource[field] = body[field];
  }
  const now = new Date().toISOString();
  version.resource.updateTime = now;
  version.resource.versionUpdateTime = now;
}

/** DeleteModel: refused while a version is deployed. */
export function checkDeleteModel(model: VertexModelRecord, deployedVersions: ReadonlySet<string>): void {
  const deployed = model.versions.filter((v) => deployedVersions.has(v.versionId)).map((v) => v.versionId);
  if (deployed.length) {
    throw failedPrecondition(
      `Model ${model.name} cannot be deleted: version(s) ${deployed.join(', ')} are deployed to an endpoint; undeploy them first.`,
    );
  }
}

/** DeleteModelVersion: refused for the only version, a deployed version and the one holding `default`. */
export function checkDeleteVersion(model: VertexModelRecord, version: VertexVersionRecord, deployed: boolean): void {
  if (model.versions.length === 1) {
    throw failedPrecondition(`Version ${version.versionId} is the only version of ${model.name}; delete the model instead.`);
  }
  if (deployed) throw failedPrecondition(`Version ${version.versionId} of ${model.name} is deployed to an endpoint; undeploy it first.`);
  if (version.versionAliases.includes(DEFAULT_ALIAS)) {
    throw failedPrecondition(
      `Version ${version.versionId} of ${model.name} is the default version; make another version the default first.`,
    );
  }
}

/** Fields of a request message that the message does not have (v1 requests only: v1beta1 has more). */
export function unknownFields(prefix: string, object: JsonObject, known: ReadonlySet<string>): VertexProblem[] {
  return Object.keys(object)
    .filter((k) => !known.has(k))
    .map((k) => ({ field: `${prefix}${k}`, message: `Invalid JSON payload received. Unknown name "${k}": Cannot find field.` }));
}
