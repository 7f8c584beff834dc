// `versions create` on the vertex-ai target (VERTEX.md §1): the same command line, checked by the
// same rules as on ai-platform, then by Vertex AI's (src/vertex/: refusals stop the command before
// any request; warnings are printed once each), staged as on ai-platform, then deployed by
// src/targets/vertex-ai (endpoint ensured, models.upload, endpoints.deployModel). What is printed is
// an AI Platform Version (or, with --async, the deploy operation in AI Platform's shape), so
// scripts' --format projections keep working.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { storageEndpoint } from '../../config/endpoints';
import type { CommandContext } from '../../cli/command';
import { mlMessage } from '../../api/ml-schema';
import { planDeployRegistration } from '../../mlflow/deploy';
import {
  aipOperation,
  aipVersion,
  deployModelRequest,
  EXPLANATION_METADATA_FILE,
  findDeployedModel,
  planVertexEndpoint,
  planVertexVersion,
  vertexAlias,
  vertexLocation,
  warnings,
  type ExplanationMetadataFile,
  type VertexEndpoint,
  type VertexEndpointPlan,
  type VertexVersionInput,
} from '../../vertex';
import { deployVersion, issueLine, refuseIfAny, type VertexClient } from '../../targets/vertex-ai';
import { connectVertexClient, vertexCommandRegion } from '../ml-common';
import { reportDryRun, type DryRunRequest } from './dry-run';
import {
  deploymentUriShape,
  namedStagingFolder,
  resolveVersionRequest,
  stageVersionOrigin,
  type VersionRequest,
  type VersionsCreateOptions,
} from './steps';

// Long because it reads as the Vertex AI create in order (resolve, plan, refuse or warn, dry run, stage, deploy, print):
// every step is a named call; what is left between them is the state one step hands the next.
export async function createOnVertexAi(options: VersionsCreateOptions, ctx: CommandContext): Promise<void> {
  const { output } = ctx;
  const region = vertexCommandRegion(options, ctx);
  const location = vertexLocation(region);
  const client = connectVertexClient(ctx, location);
  // Containers on every track: a user-named image is how a model that no prebuilt container serves
  // reaches Vertex AI, so --image and a --config container are taken on GA too.
  const request = await resolveVersionRequest(options, ctx, true);
  const input: VertexVersionInput = {
    project: client.project,
    region,
    regionSource: regionSource(ctx),
    model: options.model,
    built: request.built,
    explanationMetadata: await readExplanationMetadata(request, ctx),
    modelDirectory: request.localOrigin,
    originFiles: request.listing && [...new Set(request.listing.files.map((f) => f.relPath.split('/')[0]))],
    now: new Date(),
  };
  // What the command line alone says is refused before any request.
  const commandLinePlan = planVertexVersion(input);
  refuseIfAny(commandLinePlan.issues);

  // What exists decides the rest: the endpoint (made now if missing), the registry Model's versions
  // (the first upload names the Model; a version an earlier run uploaded is reused).
  const endpoint = await client.getEndpoint(commandLinePlan.endpointId);
  // Its only issue here, the `global` warning, is the version plan's too.
  const endpointPlan = endpoint ? undefined : planVertexEndpoint({ name: options.model }, region);
  const existingVersions = await client.modelVersions(commandLinePlan.modelId);
  if (request.localOrigin && existingVersions?.some((v) => v.versionAliases?.includes(vertexAlias(options.version)))) {
    // Whether that version holds these files depends on where they will be staged: name it now.
    await namedStagingFolder(request, options, ctx.signal);
  }
  Object.assign(input, { endpoint: endpoint ?? endpointPlan?.body, existingVersions });
  const plan = planVertexVersion(input);
  const { issues } = plan;
  refuseIfAny(issues);
  if (plan.existing && findDeployedModel(endpoint, plan.existing)) {
    throw new UserError('ALREADY_EXISTS: Field: version.name Error: A version with the same name already exists.');
  }
  for (const warning of warnings(issues)) output.warning(issueLine(warning));

  // gcloud-aip only (--mlflow-*): the version tag names the registry version, known after the upload.
  const registration = planDeployRegistration(
    options,
    ctx,
    `projects/000000000000/locations/${location}/models/${plan.modelId}@1`,
    deploymentUriShape(request, options),
  );
  if (options.dryRun) {
    await reportVertexDryRun(client, request, options, { input, endpoint, endpointPlan }, ctx);
    return;
  }
  await registration?.precheck();
  await stageVersionOrigin(request, options, ctx);
  // The staged URI is final now: the requests are made from it (the checks above do not depend on it).
  const final = planVertexVersion(input);
  refuseIfAny(final.issues);
  const deployed = await deployVersion({
    client,
    output,
    plan: final,
    endpoint,
    endpointPlan,
    async: Boolean(options.async),
    signal: ctx.signal,
  });
  const version = aipVersion({
    project: client.project,
    model: options.model,
    version: deployed.version,
    endpoint: deployed.endpoint,
    deploying: Boolean(options.async),
  });
  if (options.async) {
    ctx.printResult(
      aipOperation(deployed.operation, { project: client.project, model: options.model, version }),
      mlMessage('GoogleLongrunningOperation'),
    );
    return;
  }
  ctx.printResult(version, mlMessage('GoogleCloudMlV1Version'));
  await registration?.register(version, deployed.operation.name, deployed.registryVersion);
}

/** Where the region came from, for the `global` warning. */
function regionSource(ctx: CommandContext): string | undefined {
  if (ctx.specified.has('region')) return '--region';
  return ctx.properties.get('ai_platform/region') !== undefined ? 'property ai_platform/region' : undefined;
}

/**
 * The model directory's explanation_metadata.json, when the version asks for explanations: read
 * from a local origin, or from Cloud Storage for a gs:// one. Undefined when there is none (the
 * mapping refuses then).
 */
async function readExplanationMetadata(request: VersionRequest, ctx: CommandContext): Promise<ExplanationMetadataFile | undefined> {
  if (request.built.body.explanationConfig === undefined) return undefined;
  if (request.localOrigin) {
    const file = path.join(request.localOrigin, EXPLANATION_METADATA_FILE);
    if (!fs.existsSync(file)) return undefined;
    return { content: parseMetadata(fs.readFileSync(file, 'utf8'), file), source: file };
  }
  const uri = String(request.built.body.deploymentUri ?? '');
  const m = /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) return undefined;
  const object = `${m[2].replace(/\/?$/, m[2] ? '/' : '')}${EXPLANATION_METADATA_FILE}`;
  const response = await ctx.http().request({
    method: 'GET',
    url: `${storageEndpoint(ctx.properties)}b/${encodeURIComponent(m[1])}/o/${encodeURIComponent(object)}?alt=media`,
    credentials: ctx.credentials(),
    google: true,
  });
  if (response.status === 404) return undefined;
  const source = `gs://${m[1]}/${object}`;
  if (response.status >= 300) throw new UserError(`Reading [${source}] failed (HTTP ${response.status}).`);
  return { content: parseMetadata(response.body.toString('utf8'), source), source };
}

function parseMetadata(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`[${source}] is not JSON: ${(err as Error).message}`);
  }
}

interface DryRunState {
  input: VertexVersionInput;
  endpoint: VertexEndpoint | undefined;
  endpointPlan: VertexEndpointPlan | undefined;
}

/** --dry-run: the endpoint create (when it would be made), the upload (unless reused) and the deploy. */
async function reportVertexDryRun(
  client: VertexClient,
  request: VersionRequest,
  options: VersionsCreateOptions,
  { input, endpoint, endpointPlan }: DryRunState,
  ctx: CommandContext,
): Promise<void> {
  const staging = await namedStagingFolder(request, options, ctx.signal);
  const plan = planVertexVersion(input);
  const requests: DryRunRequest[] = [];
  if (endpointPlan) {
    requests.push({
      url: `${client.url(`${client.parent}/endpoints`)}?endpointId=${plan.endpointId}`,
      body: endpointPlan.body,
      what: 'endpoints.create',
    });
  }
  const versionId = plan.existing?.versionId ?? 'UPLOADED_VERSION_ID';
  if (!plan.existing) requests.push({ url: client.url(`${client.parent}/models:upload`), body: plan.upload, what: 'models.upload' });
  requests.push({
    url: client.url(`${client.endpointPath(plan.endpointId)}:deployModel`),
    body: deployModelRequest(
      plan.deployedModel,
      client.modelPath(`${plan.modelId}@${versionId}`),
      endpoint ?? endpointPlan?.body,
      client.apiVersion,
    ),
    what: 'endpoints.deployModel',
  });
  const notes = plan.existing
    ? [`The registry version ${plan.existing.name}@${versionId} (uploaded by an earlier run) would be deployed, not uploaded again.`]
    : ['UPLOADED_VERSION_ID: the versionId models.upload answers.'];
  reportDryRun({ requests, staging, notes, closing: 'Dry run: nothing was uploaded or changed (only reads were sent).' }, ctx.output);
}
