// `ai-platform models create|describe|list|delete` on Vertex AI (VERTEX.md §2.1): an AI Platform
// model is an endpoint (serving; created here) plus a registry model (its versions; created by the
// first `versions create`). What is printed is AI Platform's Model (src/vertex aipModel).
import { ApiError } from '../../api/ml';
import { UserError } from '../../errors';
import { origin } from '../../version/validate';
import {
  aipModel,
  aipVersion,
  defaultDeployedModel,
  MANAGED_BY,
  planVertexEndpoint,
  refusals,
  warnings,
  type AipModelRequest,
  type VertexIssue,
  deployedVersionRef,
} from '../../vertex';
import { isApiStatus } from './client';
import { failedPrecondition, requireModel, type ModelOnVertex, type VertexSession } from './lookup';

type Json = Record<string, unknown>;

/** An issue as the pre-flight checks print a problem: `field: message (from --flag)`. */
export function issueLine(issue: VertexIssue): string {
  return `${issue.field}: ${issue.message}${origin(issue.source)}`;
}

/** Refusals, rendered as the pre-flight check renders problems: one line each, all in one error. */
export function refuseIfAny(issues: readonly VertexIssue[]): void {
  const refused = refusals(issues);
  if (refused.length) throw new UserError(refused.map(issueLine).join('\n'));
}

/**
 * endpoints.create under the model's deterministic id, waited for. `region`: the command's (flag or
 * property); `sources`: the flag each field came from, for the refusal and warning lines.
 */
export async function createVertexModel(
  session: VertexSession,
  request: AipModelRequest,
  region: string,
  sources: Readonly<Record<string, string>>,
): Promise<void> {
  const plan = planVertexEndpoint(request, region, sources);
  refuseIfAny(plan.issues);
  for (const issue of warnings(plan.issues)) session.output.warning(issueLine(issue));
  const { client, output } = session;
  let operation: Awaited<ReturnType<typeof client.createEndpoint>>;
  try {
    operation = await client.createEndpoint(plan.endpointId, plan.body);
  } catch (err) {
    // The ml service's words for a taken name, which scripts test for.
    if (isApiStatus(err, 409)) {
      throw new ApiError('ALREADY_EXISTS: Field: model.name Error: A model with the same name already exists.', 409, 'ALREADY_EXISTS');
    }
    throw err;
  }
  await client.waitForOperation(operation, output);
  output.status(`Created ai platform model [projects/${session.project}/models/${request.name}].`);
}

/** The model with its default version in full, as ml's models.get has it. */
export async function describeVertexModel(session: VertexSession, model: string): Promise<Json> {
  const found = await requireModel(session, model, { registry: false });
  return aipModel({
    project: session.project,
    location: session.client.location,
    endpoint: found.endpoint,
    ...(await defaultVersionOf(session, found)),
  });
}

async function defaultVersionOf(session: VertexSession, model: ModelOnVertex): Promise<{ defaultVersion?: Json }> {
  const dm = defaultDeployedModel(model.endpoint);
  const ref = dm && deployedVersionRef(dm);
  if (!ref) return {};
  const version = await session.client.getModel(ref);
  if (!version) return {};
  return { defaultVersion: aipVersion({ project: session.project, model: model.name, version, endpoint: model.endpoint }) };
}

/** The endpoints gcloud-aip made (its label): each is an AI Platform model; others are not. */
export async function* listVertexModels(session: VertexSession): AsyncGenerator<Json> {
  const filter = `labels.${MANAGED_BY.key}="${MANAGED_BY.value}"`;
  for await (const endpoint of session.client.listEndpoints(filter)) {
    yield aipModel({ project: session.project, location: session.client.location, endpoint });
  }
}

/**
 * AI Platform's rule: a model can only be deleted once it has no versions — none deployed to its
 * endpoint, none in its registry model. Then the endpoint is deleted. Asks first, as gcloud does
 * before any request. Returns the operation's response.
 */
export async function deleteVertexModel(session: VertexSession, model: string): Promise<unknown> {
  session.confirm(`This will delete model [${model}]...`);
  const found = await requireModel(session, model);
  if (found.endpoint.deployedModels?.length || found.registry) throw failedPrecondition('A model with versions cannot be deleted.');
  const { client, output } = session;
  const operation = await client.waitForOperation(await client.deleteEndpoint(found.endpointId), output, {
    message: `Deleting model [${model}]`,
  });
  return operation.response;
}
