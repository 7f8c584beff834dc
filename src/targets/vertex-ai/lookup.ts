// Finding an AI Platform model or version among Vertex AI resources (VERTEX.md §2.2): first by the
// deterministic ids src/vertex/ derives from the AI Platform names (one GET; a 404 means "does not
// exist"), then, for resources made elsewhere (console, SDK, `gcloud ai`, numeric ids), by one list
// with a server-side `display_name` filter: one match is used, several are refused, listed. What is
// not found is reported in AI Platform's words (NOT_FOUND, exit 1), as deploy scripts expect.
import { ApiError } from '../../api/ml';
import { basename } from '../../api/resources';
import { UserError } from '../../errors';
import type { Output } from '../../ui/output';
import {
  aipVersionNameOf,
  findDeployedModel,
  vertexAlias,
  vertexEndpointId,
  vertexModelId,
  type VertexEndpoint,
  type VertexModel,
  modelVersionName,
} from '../../vertex';
import type { VertexClient } from './client';

/** What the Vertex AI flows of the models, versions and operations commands need from the command. */
export interface VertexSession {
  client: VertexClient;
  output: Output;
  /** The project as the command names it: the AI Platform names printed carry it. */
  project: string;
  /** gcloud's deletion prompt; throws when the answer is no. */
  confirm(message: string): void;
  /** The sentence gcloud appends to a NOT_FOUND message: the credentials used. */
  credentialsInfo(): string;
}

/** An AI Platform model on Vertex AI: its endpoint (serving) and its registry model (versions), if any. */
export interface ModelOnVertex {
  /** The AI Platform name, as the command gave it. */
  name: string;
  endpoint: VertexEndpoint & { name: string };
  /** The endpoint's id: requests name it under the project as the command names it, as gcloud's do. */
  endpointId: string;
  /** The registry model's default version (models.get without `@`); undefined: no versions yet. */
  registry?: VertexModel & { name: string };
  registryId?: string;
}

// The ml service's words (the emulator's ml service answers with the same ones).

/** NOT_FOUND as the ml service words it for a model, with the credentials sentence gcloud adds. */
function modelNotFound(session: VertexSession, model: string, field = 'name'): ApiError {
  return notFound(
    session,
    `Field: ${field} Error: The model resource: "${model}" was not found. ` +
      `Please create the Cloud ML model resource first by using 'gcloud ml-engine models create ${model}'.`,
  );
}

function versionNotFound(session: VertexSession): ApiError {
  return notFound(session, 'Field: name Error: The specified model version was not found.');
}

function notFound(session: VertexSession, message: string): ApiError {
  return new ApiError(`NOT_FOUND: ${message} ${session.credentialsInfo()}`, 404, 'NOT_FOUND');
}

export function failedPrecondition(message: string): ApiError {
  return new ApiError(`FAILED_PRECONDITION: Field: name Error: ${message}`, 400, 'FAILED_PRECONDITION');
}

/** An AIP-160 string literal. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The one resource a display-name list found; several are refused, each named. */
async function single<T extends { name?: string }>(
  found: AsyncIterable<T>,
  what: string,
  displayName: string,
): Promise<(T & { name: string }) | undefined> {
  const matches: (T & { name: string })[] = [];
  for await (const item of found) if (typeof item.name === 'string') matches.push(item as T & { name: string });
  if (matches.length <= 1) return matches[0];
  throw new UserError(
    `${matches.length} Vertex AI ${what}s have the display name [${displayName}], so gcloud-aip cannot tell which is AI Platform model [${displayName}]:\n` +
      `${matches.map((m) => `  ${m.name}`).join('\n')}\n` +
      `Give the ${what} you mean a unique display name, or delete the others.`,
  );
}

/** The endpoint of AI Platform model `model`: by its deterministic id, else by display name. */
export async function findEndpoint(session: VertexSession, model: string): Promise<(VertexEndpoint & { name: string }) | undefined> {
  const { client } = session;
  const byId = await client.getEndpoint(vertexEndpointId(model));
  if (byId?.name) return byId as VertexEndpoint & { name: string };
  return single(client.listEndpoints(`display_name=${quoted(model)}`), 'endpoint', model);
}

/**
 * The registry model holding AI Platform model `model`'s versions (its default version), if any: by
 * its deterministic id; else the one every model deployed to the endpoint comes from (made elsewhere,
 * perhaps under another display name); else by display name.
 */
async function findRegistryModel(
  session: VertexSession,
  model: string,
  endpoint?: VertexEndpoint,
): Promise<(VertexModel & { name: string }) | undefined> {
  const { client } = session;
  const byId = await client.getModel(vertexModelId(model));
  if (byId?.name) return byId as VertexModel & { name: string };
  const deployedFrom = new Set((endpoint?.deployedModels ?? []).map((dm) => dm.model?.split('@')[0]));
  const [source] = deployedFrom;
  if (deployedFrom.size === 1 && source) {
    const bySource = await client.getModel(source);
    if (bySource?.name) return bySource as VertexModel & { name: string };
  }
  return single(client.listModels(`display_name=${quoted(model)}`), 'model', model);
}

export interface RequireModelOptions {
  /** The request field ml names in its NOT_FOUND (`name`; `parent` for a list). */
  field?: string;
  /** Look for the registry model too (default); a model's describe needs only the endpoint. */
  registry?: boolean;
}

/** AI Platform model `model`, or its NOT_FOUND. */
export async function requireModel(session: VertexSession, model: string, options: RequireModelOptions = {}): Promise<ModelOnVertex> {
  const endpoint = await findEndpoint(session, model);
  if (!endpoint) throw modelNotFound(session, model, options.field);
  const found: ModelOnVertex = { name: model, endpoint, endpointId: basename(endpoint.name) };
  if (options.registry === false) return found;
  const registry = await findRegistryModel(session, model, endpoint);
  return registry ? { ...found, registry, registryId: basename(registry.name) } : found;
}

/** Every version of the model's registry entry (none without one, or once it is gone). */
export async function registryVersions(session: VertexSession, model: ModelOnVertex): Promise<VertexModel[]> {
  return (model.registryId && (await session.client.modelVersions(model.registryId))) || [];
}

/**
 * AI Platform version `version` of a model: the registry version its alias names (one GET), else,
 * for versions made elsewhere, the one whose AI Platform name (marker label, deployed model's display
 * name, alias: aipVersionNameOf) is `version`. NOT_FOUND otherwise.
 */
export async function requireVersion(session: VertexSession, model: ModelOnVertex, version: string): Promise<VertexModel> {
  if (!model.registryId) throw versionNotFound(session);
  const named = (v: VertexModel) => aipVersionNameOf(v, findDeployedModel(model.endpoint, v)) === version;
  const alias = vertexAlias(version);
  const byAlias = alias ? await session.client.getModel(modelVersionName(model.registryId, alias)) : undefined;
  // The alias itself names it (a version made elsewhere), or its AI Platform name does (a lossy alias: `V1` → `v1`).
  if (byAlias && (byAlias.versionAliases?.includes(version) || named(byAlias))) return byAlias;
  const matches = (await registryVersions(session, model)).filter(named);
  if (matches.length > 1) {
    throw new UserError(
      `${matches.length} versions of Vertex AI model [${model.registry?.name}] stand for AI Platform version [${version}] ` +
        `(versions ${matches.map((v) => v.versionId).join(', ')}); delete or relabel all but one.`,
    );
  }
  if (!matches.length) throw versionNotFound(session);
  return matches[0];
}

/**
 * Whether a deploy is still running on the model's endpoint: then a version uploaded and not yet
 * deployed is CREATING rather than FAILED. Asked only when some version is not deployed.
 */
export async function deployRunning(session: VertexSession, model: ModelOnVertex): Promise<boolean> {
  for await (const operation of session.client.listOperations(session.client.endpointPath(model.endpointId))) {
    if (!operation.done && String(operation.metadata?.['@type'] ?? '').endsWith('.DeployModelOperationMetadata')) return true;
  }
  return false;
}
