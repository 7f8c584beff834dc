// `ai-platform operations describe|wait|cancel|list` on Vertex AI (VERTEX.md §2.1). Vertex operations
// live under what they act on (`projects/N/locations/R/{endpoints|models}/ID/operations/OP`) and
// are regional: a full name carries its location; a bare id is read under the command's location
// (`L/operations/OP`, as `gcloud ai operations describe` reads it). What is printed is AI Platform's
// Operation (src/vertex aipOperation) under the Vertex name, which is what `operations wait` takes.
import {
  aipModelNameOf,
  aipOperation,
  aipVersion,
  parseVertexName,
  vertexLocation,
  type AipOperationType,
  type VertexOperation,
  deployedVersionRef,
  type VertexDeployedModel,
} from '../../vertex';
import type { VertexSession } from './lookup';
import { basename } from '../../api/resources';

type Json = Record<string, unknown>;

/**
 * A full Vertex operation name (or its URL) as a name; a bare id as it is; an AI Platform name a
 * script built (`projects/P/operations/ID`) as its id, read under the command's location.
 */
function operationArgument(operation: string): string {
  const name = /^https?:\/\/[^/]+\/v1(?:beta1)?\/(projects\/.*)$/.exec(operation)?.[1] ?? operation;
  return /^projects\/[^/]+\/operations\/([^/]+)$/.exec(name)?.[1] ?? name;
}

const LOCATION_OF = /^projects\/[^/]+\/locations\/([^/]+)\//;

/** Where an operation is: its name's location, else the command's region (none or `global`: us-central1). */
export function vertexOperationLocation(operation: string, region: string | undefined): string {
  return LOCATION_OF.exec(operationArgument(operation))?.[1] ?? vertexLocation(region ?? 'global');
}

/** What a Vertex operation did, in AI Platform's terms, where its metadata's type alone does not say. */
function operationType(operation: VertexOperation): AipOperationType | undefined {
  const type = String(operation.metadata?.['@type'] ?? '');
  if (!type.endsWith('.DeleteOperationMetadata')) return undefined;
  return parseVertexName(operation.name)?.collection === 'endpoints' ? 'DELETE_MODEL' : 'DELETE_VERSION';
}

/**
 * Shapes operations as AI Platform's, naming the AI Platform model each acts on (read once per
 * endpoint or registry model; the id when it is gone).
 */
class OperationShaper {
  private readonly models = new Map<string, Promise<string>>();

  constructor(private readonly session: VertexSession) {}

  async shape(operation: VertexOperation, withVersion: boolean): Promise<Json> {
    const target = parseVertexName(operation.name);
    const model = target ? await this.modelOf(operation.name.slice(0, operation.name.indexOf('/operations/'))) : '';
    const version = withVersion ? await this.deployedVersion(operation, model) : undefined;
    const type = operationType(operation);
    return aipOperation(operation, {
      project: this.session.project,
      model,
      ...(type ? { operationType: type } : {}),
      ...(version ? { version } : {}),
    });
  }

  private modelOf(resource: string): Promise<string> {
    let name = this.models.get(resource);
    if (!name) {
      name = this.readModelName(resource);
      this.models.set(resource, name);
    }
    return name;
  }

  private async readModelName(resource: string): Promise<string> {
    const { client } = this.session;
    const id = basename(resource);
    const found =
      parseVertexName(resource)?.collection === 'endpoints' ? await client.getEndpoint(resource) : await client.getModel(resource);
    return (found && aipModelNameOf(found)) ?? id;
  }

  /** A finished deploy's version, as AI Platform's create operation answers with it. */
  private async deployedVersion(operation: VertexOperation, model: string): Promise<Json | undefined> {
    const deployed = (operation.response as { deployedModel?: VertexDeployedModel } | undefined)?.deployedModel;
    const ref = deployed?.modelVersionId ? deployedVersionRef(deployed) : undefined;
    if (!operation.done || operation.error || !ref) return undefined;
    const { client } = this.session;
    const endpointName = operation.name.slice(0, operation.name.indexOf('/operations/'));
    const [version, endpoint] = await Promise.all([client.getModel(ref), client.getEndpoint(endpointName)]);
    if (!version) return undefined;
    return aipVersion({ project: this.session.project, model, version, ...(endpoint ? { endpoint } : {}) });
  }
}

export async function describeVertexOperation(session: VertexSession, operation: string): Promise<Json> {
  return new OperationShaper(session).shape(await session.client.getOperation(operationArgument(operation)), true);
}

/** Polls until done with gcloud's progress line; a failed operation is the error. */
export async function waitVertexOperation(session: VertexSession, operation: string): Promise<Json> {
  const { client, output } = session;
  const first = await client.getOperation(operationArgument(operation));
  const done = await client.waitForOperation(first, output);
  return new OperationShaper(session).shape(done, true);
}

export function cancelVertexOperation(session: VertexSession, operation: string): Promise<Json> {
  return session.client.cancelOperation(operationArgument(operation));
}

/** The location's operations (Vertex AI lists per region; AI Platform listed the project's). */
export async function* listVertexOperations(session: VertexSession): AsyncGenerator<Json> {
  const shaper = new OperationShaper(session);
  for await (const operation of session.client.listOperations()) yield shaper.shape(operation, false);
}
