// Deterministic Vertex AI names for AI Platform names, so every look-up is one GET (404 = absent)
// and re-running a deploy script finds what the last run made. AI Platform model and version
// names are letters, digits and underscores, start with a letter, at most 128 characters, and are
// case-sensitive (https://cloud.google.com/ai-platform/prediction/docs/managing-models-jobs).
import { createHash } from 'node:crypto';
// The model id and alias grammars are the service's (src/domain/vertex-rules.ts, which the emulator
// enforces); the endpoint ids made here fit only the letter-first half of the service's grammar.
import { DEFAULT_ALIAS, MODEL_ID_PATTERN as MODEL_ID, VERSION_ALIAS_PATTERN as VERSION_ALIAS } from '../domain';

export { DEFAULT_ALIAS, MODEL_ID, VERSION_ALIAS };

/**
 * CreateEndpointRequest.endpointId (aiplatform v1 message docs, gcloud 528): "If the first character
 * is a letter, this value may be up to 63 characters, and valid characters are [a-z0-9-]. The last
 * character must be a letter or number."
 */
export const ENDPOINT_ID = /^[a-z][a-z0-9-]{0,62}$/;

const MAX_ID = 63;
const HASH_CHARS = 6;

/** The first hex digits of the name's sha256: keeps `Iris` and `iris` apart once case is folded. */
function nameHash(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, HASH_CHARS);
}

/** `base` when nothing was lost, else its head and a hash of the exact name. */
function idFor(name: string, base: string, lossless: boolean): string {
  if (lossless) return base;
  const head = base.slice(0, MAX_ID - HASH_CHARS - 1).replace(/-+$/, '');
  return `${head}-${nameHash(name)}`;
}

/**
 * The endpoint that serves AI Platform model `model`: lower case, `_` → `-`. AI Platform names
 * hold no `-`, so that alone is one-to-one; a name with capitals, over 63 characters or ending in
 * `_` also gets `-` and 6 hex digits of its sha256.
 */
export function vertexEndpointId(model: string): string {
  const base = model.toLowerCase().replace(/_/g, '-');
  return idFor(model, base, model === model.toLowerCase() && ENDPOINT_ID.test(base) && !base.endsWith('-'));
}

/** The Model Registry entry that holds the versions of AI Platform model `model`: lower case, `_` kept. */
export function vertexModelId(model: string): string {
  const base = model.toLowerCase();
  return idFor(model, base, model === base && MODEL_ID.test(base));
}

/**
 * The registry alias of AI Platform version `version`: the name itself when it is a valid alias;
 * else `_` → `-`, the first and last characters lower-cased, a trailing `-` (from `_`) made `x`,
 * and a one-character name given `-v`. Lossy (`V1` and `v1` meet), so callers check collisions
 * with the model's existing aliases (versionAliasIssues).
 */
export function vertexAlias(version: string): string {
  if (VERSION_ALIAS.test(version) || !version) return version;
  let alias = version.replace(/_/g, '-');
  alias = alias[0].toLowerCase() + alias.slice(1);
  if (alias.length === 1) return `${alias}-v`;
  const last = alias[alias.length - 1];
  return alias.slice(0, -1) + (last === '-' ? 'x' : last.toLowerCase());
}

/** Vertex AI is regional only; AI Platform's `global` endpoint deployed models in us-central1. */
export const GLOBAL_REGION_LOCATION = 'us-central1';

export function vertexLocation(region: string): string {
  return region === 'global' ? GLOBAL_REGION_LOCATION : region;
}

export function locationName(project: string, location: string): string {
  return `projects/${project}/locations/${location}`;
}

export function endpointName(project: string, location: string, endpointId: string): string {
  return `${locationName(project, location)}/endpoints/${endpointId}`;
}

export function modelName(project: string, location: string, modelId: string): string {
  return `${locationName(project, location)}/models/${modelId}`;
}

/** `…/models/ID@2` or `…/models/ID@alias`: GET, deploy and deleteVersion accept both. */
export function modelVersionName(model: string, versionIdOrAlias: string): string {
  return `${model}@${versionIdOrAlias}`;
}

export function aipModelName(project: string, model: string): string {
  return `projects/${project}/models/${model}`;
}

export function aipVersionName(project: string, model: string, version: string): string {
  return `${aipModelName(project, model)}/versions/${version}`;
}

export interface VertexResourceName {
  project: string;
  location: string;
  collection: 'models' | 'endpoints';
  id: string;
  /** After `@` in a model name: a version id or an alias. */
  version?: string;
  /** The operation id, for `…/operations/OP`. */
  operation?: string;
}

const RESOURCE_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/(models|endpoints)\/([^/@]+)(?:@([^/]+))?(?:\/operations\/([^/]+))?$/;

/** Splits a Vertex model, endpoint or resource-scoped operation name; undefined for anything else. */
export function parseVertexName(name: string): VertexResourceName | undefined {
  const m = RESOURCE_NAME.exec(name);
  if (!m) return undefined;
  return {
    project: m[1],
    location: m[2],
    collection: m[3] as 'models' | 'endpoints',
    id: m[4],
    ...(m[5] !== undefined ? { version: m[5] } : {}),
    ...(m[6] !== undefined ? { operation: m[6] } : {}),
  };
}
