// `ai-platform versions list|describe|delete|set-default` on Vertex AI (VERTEX.md §2.1): a version is
// a registry version plus its deployment on the model's endpoint; the default version is the one
// with all the traffic (and the registry's `default` alias). AI Platform's rules are kept: the
// default version is not deleted while others exist; the sole version is, with its registry model.
import {
  aipVersion,
  DEFAULT_ALIAS,
  defaultDeployedModel,
  defaultTrafficSplit,
  findDeployedModel,
  type VertexDeployedModel,
  type VertexEndpoint,
  type VertexModel,
  modelVersionName,
} from '../../vertex';
import {
  deployRunning,
  failedPrecondition,
  registryVersions,
  requireModel,
  requireVersion,
  type ModelOnVertex,
  type VertexSession,
} from './lookup';

type Json = Record<string, unknown>;

/** The AI Platform Version of a registry version; `deploying`: whether an undeployed one is still being deployed. */
function shape(session: VertexSession, model: ModelOnVertex, version: VertexModel, endpoint: VertexEndpoint, deploying = false): Json {
  return aipVersion({ project: session.project, model: model.name, version, endpoint, deploying });
}

/** Asks whether a deploy is running only for a version that is not deployed (the rare case). */
async function shapeWithState(session: VertexSession, model: ModelOnVertex, version: VertexModel): Promise<Json> {
  const running = !findDeployedModel(model.endpoint, version) && (await deployRunning(session, model));
  return shape(session, model, version, model.endpoint, running);
}

/** The model's versions as AI Platform Versions (none when nothing was uploaded yet). */
export async function* listVertexVersions(session: VertexSession, model: string): AsyncGenerator<Json> {
  const found = await requireModel(session, model, { field: 'parent' });
  if (!found.registryId) return;
  let running: boolean | undefined;
  for await (const version of session.client.listModelVersions(found.registryId)) {
    if (!findDeployedModel(found.endpoint, version)) running ??= await deployRunning(session, found);
    yield shape(session, found, version, found.endpoint, running);
  }
}

export async function describeVertexVersion(session: VertexSession, model: string, version: string): Promise<Json> {
  const found = await requireModel(session, model);
  return shapeWithState(session, found, await requireVersion(session, found, version));
}

/**
 * All the traffic to this version (endpoints.patch, synchronous) and the registry's `default` alias
 * moved to it. A version that is not deployed cannot serve, so it cannot be the default.
 */
export async function setDefaultVertexVersion(session: VertexSession, model: string, version: string): Promise<Json> {
  const found = await requireModel(session, model);
  const registryVersion = await requireVersion(session, found, version);
  const dm = findDeployedModel(found.endpoint, registryVersion);
  const split = dm?.id ? defaultTrafficSplit(found.endpoint, dm.id) : undefined;
  if (!split) {
    throw failedPrecondition(
      `Version [${version}] is not deployed to Vertex AI endpoint [${found.endpoint.name}], so it cannot be the default; run versions create again to deploy it.`,
    );
  }
  const { client } = session;
  const endpoint = await client.patchEndpointTrafficSplit(found.endpointId, split.trafficSplit);
  const updated = registryVersion.versionAliases?.includes(DEFAULT_ALIAS)
    ? registryVersion
    : await client.mergeVersionAliases(versionRef(found, registryVersion), [DEFAULT_ALIAS]);
  return shape(session, found, updated, endpoint);
}

function versionRef(model: ModelOnVertex, version: VertexModel): string {
  return modelVersionName(String(model.registryId), String(version.versionId));
}

/**
 * Deletes a version as AI Platform does: the default one only when it is the model's sole version.
 * Undeploys it (its traffic, if any, goes to the version with the most), then deletes the registry
 * version — or the registry model, for the sole version (deleteVersion refuses the only one). A
 * version holding the registry's `default` alias without being the default (made elsewhere) hands
 * the alias on first, as deleteVersion refuses the alias's holder. Asks first, as gcloud does.
 */
export async function deleteVertexVersion(session: VertexSession, model: string, version: string): Promise<unknown> {
  session.confirm(`This will delete version [${version}]...`);
  const found = await requireModel(session, model);
  const registryVersion = await requireVersion(session, found, version);
  const all = await registryVersions(session, found);
  const others = all.filter((v) => v.versionId !== registryVersion.versionId);
  const dm = findDeployedModel(found.endpoint, registryVersion);
  if (dm && dm === defaultDeployedModel(found.endpoint) && others.length) {
    throw failedPrecondition(
      'Cannot delete the default version while the model has other versions. Set another version as the default first.',
    );
  }
  const { client, output } = session;
  if (dm?.id) {
    const undeploy = await client.undeployModel(found.endpointId, dm.id, splitWithout(found.endpoint, dm));
    await client.waitForOperation(undeploy, output, { message: `Undeploying version [${version}] from endpoint [${found.endpoint.name}]` });
  }
  if (!others.length) {
    const operation = await client.deleteModel(found.registryId!);
    return (await client.waitForOperation(operation, output, { message: `Deleting version [${version}]...` })).response;
  }
  if (registryVersion.versionAliases?.includes(DEFAULT_ALIAS)) {
    await client.mergeVersionAliases(versionRef(found, heir(found.endpoint, others)), [DEFAULT_ALIAS]);
  }
  const operation = await client.deleteModelVersion(found.registryId!, registryVersion.versionId!);
  return (await client.waitForOperation(operation, output, { message: `Deleting version [${version}]...` })).response;
}

/** The split after undeploying `dm`: its share to the deployed model with the most; undefined when it has none. */
function splitWithout(endpoint: VertexEndpoint, dm: VertexDeployedModel): Record<string, number> | undefined {
  const split = { ...(endpoint.trafficSplit ?? {}) };
  const share = split[dm.id!] ?? 0;
  delete split[dm.id!];
  const rest = Object.keys(split).sort((a, b) => split[b] - split[a]);
  if (!share || !rest.length) return undefined;
  split[rest[0]] += share;
  return split;
}

/** Who gets the `default` alias when its holder is deleted: the default version, else the newest. */
function heir(endpoint: VertexEndpoint, others: VertexModel[]): VertexModel {
  const serving = defaultDeployedModel(endpoint);
  return (
    others.find((v) => serving && findDeployedModel(endpoint, v) === serving) ??
    [...others].sort((a, b) => Number(b.versionId) - Number(a.versionId))[0]
  );
}
