// One AI Platform version onto Vertex AI (VERTEX.md §1.1): the endpoint ensured under its
// deterministic id, the version uploaded to the Model Registry (or the one an earlier run uploaded,
// reused), then deployed to the endpoint with an explicit, full traffic split. Each operation is
// followed with gcloud's progress line. A deploy that fails after the upload names the registry
// version, which the next run of the same command line deploys without uploading again.
import { UserError } from '../../errors';
import type { WaitOptions } from '../../api/operations';
import type { Output } from '../../ui/output';
import {
  deployModelRequest,
  type VertexEndpoint,
  type VertexEndpointPlan,
  type VertexModel,
  type VertexOperation,
  type VertexVersionPlan,
  modelVersionName,
} from '../../vertex';
import { isApiStatus, type DeployModelResponse, type UploadModelResponse, type VertexClient } from './client';

export interface DeployVersionInput {
  client: VertexClient;
  output: Output;
  plan: VertexVersionPlan;
  /** The endpoint as GET found it; undefined: it is created from `endpointPlan`. */
  endpoint?: VertexEndpoint;
  endpointPlan?: VertexEndpointPlan;
  /** Return the deploy operation once it is started (after the upload) instead of waiting for it. */
  async: boolean;
  /** Ctrl-C. */
  signal?: AbortSignal;
}

export interface DeployedVersion {
  /** The registry version (`…/models/ID` with its versionId), as the Model Registry names it (project number). */
  registryVersion: string;
  /** The deploy operation: finished, or running with --async. */
  operation: VertexOperation;
  /** Read back after the deploy (--async: as they were when the deploy started). */
  version: VertexModel;
  endpoint: VertexEndpoint;
}

/**
 * A failure after the upload: the version is in the Model Registry, not deployed. Its message names
 * the registry version; running the same command line again deploys it.
 */
export class PartialDeployError extends UserError {
  constructor(
    readonly registryVersion: string,
    versionName: string,
    cause: string,
  ) {
    super(
      `${cause}\nVersion [${versionName}] was uploaded to the Vertex AI Model Registry as [${registryVersion}] but not deployed. ` +
        'Run the same command again to deploy it (it is not uploaded again).',
    );
    this.name = 'PartialDeployError';
  }
}

function waitFor(input: DeployVersionInput, operation: VertexOperation): Promise<VertexOperation> {
  const options: WaitOptions = input.signal ? { signal: input.signal } : {};
  return input.client.waitForOperation(operation, input.output, options);
}

/** The endpoint the version is deployed to: found, or created now under the plan's id. */
async function ensureEndpoint(input: DeployVersionInput): Promise<VertexEndpoint> {
  const { client, plan } = input;
  if (input.endpoint) return input.endpoint;
  if (!input.endpointPlan) throw new Error('ensureEndpoint: neither an endpoint nor a plan to create one');
  let operation: VertexOperation;
  try {
    operation = await client.createEndpoint(plan.endpointId, input.endpointPlan.body);
  } catch (err) {
    // Made meanwhile (another run, or an earlier attempt of this request that got no answer).
    if (!isApiStatus(err, 409)) throw err;
    const found = await client.getEndpoint(plan.endpointId);
    if (!found) throw err;
    return found;
  }
  const done = await waitFor(input, operation);
  const endpoint = (done.response as VertexEndpoint | undefined) ?? (await client.getEndpoint(plan.endpointId));
  if (!endpoint?.name) throw new UserError(`Endpoint [${plan.endpointId}] was created but cannot be read back.`);
  input.output.status(`Created Vertex AI endpoint: ${endpoint.name}.`);
  return endpoint;
}

/** The registry version to deploy: the one an earlier run uploaded (plan.existing), or a new upload. */
async function uploadVersion(input: DeployVersionInput): Promise<{ model: string; versionId: string }> {
  const { client, plan, output } = input;
  const versionName = plan.deployedModel.displayName ?? '';
  if (plan.existing?.name && plan.existing.versionId) {
    output.status(
      `Version [${versionName}] is already in the Vertex AI Model Registry as [${plan.existing.name}@${plan.existing.versionId}] (an earlier run uploaded it); deploying it.`,
    );
    return { model: plan.existing.name, versionId: plan.existing.versionId };
  }
  const done = await waitFor(input, await client.uploadModel(plan.upload));
  const response = done.response as Partial<UploadModelResponse> | undefined;
  if (!response?.model || !response.modelVersionId) {
    throw new UserError(`The upload of version [${versionName}] finished without naming the registry version it made.`);
  }
  output.status(`Uploaded version [${versionName}] to the Vertex AI Model Registry: ${response.model}@${response.modelVersionId}.`);
  return { model: response.model, versionId: response.modelVersionId };
}

export async function deployVersion(input: DeployVersionInput): Promise<DeployedVersion> {
  const { client, plan, output } = input;
  const endpoint = await ensureEndpoint(input);
  const uploaded = await uploadVersion(input);
  const registryVersion = modelVersionName(uploaded.model, uploaded.versionId);
  const versionName = plan.deployedModel.displayName ?? '';
  const request = deployModelRequest(
    plan.deployedModel,
    client.modelPath(modelVersionName(plan.modelId, uploaded.versionId)),
    endpoint,
    client.apiVersion,
  );
  let operation: VertexOperation;
  try {
    operation = await client.deployModel(plan.endpointId, request);
    if (!input.async) operation = await waitFor(input, operation);
  } catch (err) {
    if (err instanceof UserError && !input.signal?.aborted) throw new PartialDeployError(registryVersion, versionName, err.message);
    throw err;
  }
  if (!input.async) {
    const deployed = (operation.response as Partial<DeployModelResponse> | undefined)?.deployedModel;
    output.status(`Deployed a model to the endpoint ${plan.endpointId}. Id of the deployed model: ${deployed?.id ?? '?'}.`);
  }
  const [version, current] = await Promise.all([
    client.getModel(modelVersionName(plan.modelId, uploaded.versionId)),
    input.async ? Promise.resolve(endpoint) : client.getEndpoint(plan.endpointId),
  ]);
  if (!version || !current) throw new UserError(`Version [${versionName}] was deployed but cannot be read back (${registryVersion}).`);
  return { registryVersion, operation, version, endpoint: current };
}
