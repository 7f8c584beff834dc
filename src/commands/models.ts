// `[alpha|beta] ai-platform models create|describe|list|delete`, as gcloud 528 has them.
import { basename, modelName } from '../api/resources';
import { waitForOperation } from '../api/operations';
import { mlMessage } from '../api/ml-schema';
import { mlEndpoint } from '../config/endpoints';
import { mlNameProblem, modelProblems, sortedLabels } from '../domain';
import { strictServiceRules } from '../config/strict';
import { ArgumentError, UserError } from '../errors';
import { argList, FlagValueError, type RawValue } from '../flags/arg-types';
import { ALL_TRACKS, BETA_AND_ALPHA, flag } from '../flags/spec';
import { LABELS_FLAG, LIST_FLAGS, MODEL_POSITIONAL, REGION_WITH_GLOBAL_FLAG, TARGET_FLAG } from './flags';
import { commandRegion, confirmDeletion, connect, projectOf, vertexCommandRegion, vertexSession } from './ml-common';
import { createVertexModel, deleteVertexModel, describeVertexModel, listVertexModels } from '../targets/vertex-ai';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandOptions } from '../cli/command';

const MANAGING_MODELS =
  'For more details on managing AI Platform models and versions see https://cloud.google.com/ai-platform/prediction/docs/managing-models-jobs';

// ---- create -------------------------------------------------------------------------------------

function parseRegions(raw: RawValue): string[] {
  const regions = argList(raw);
  if (regions.length < 1) throw new FlagValueError('not enough args');
  return regions;
}

const CREATE_FLAGS = [
  flag({ name: '--description', kind: 'value', metavar: 'DESCRIPTION', help: 'Description of the model.' }),
  flag({
    name: '--region',
    kind: 'value',
    metavar: 'REGION',
    choices: REGION_WITH_GLOBAL_FLAG.choices,
    help: "Google Cloud region of the regional endpoint to use for this command. If you specify this flag, do not specify `--regions`.\n\nIf you specify `--region=global`, the model will be deployed to 'us-central1' by default using the global endpoint. Please use `--regions` only if you want to change the region where the model will be deployed against the global endpoint.\n\nIf both flags are unspecified and you don't set ``ai_platform/region'', you will be prompted for region of the regional endpoint.\n\nLearn more about regional endpoints and see a list of available regions: https://cloud.google.com/ai-platform/prediction/docs/regional-endpoints",
  }),
  flag({
    name: '--regions',
    kind: 'value',
    metavar: 'REGION',
    parse: parseRegions,
    help: "The Google Cloud region where the model will be deployed (currently only a single region is supported) against the global endpoint.\n\nIf you specify this flag, do not specify `--region`.\n\nDefaults to 'us-central1' while using the global endpoint.",
  }),
  flag({
    name: '--enable-logging',
    kind: 'bool',
    help: 'If set, enables StackDriver Logging for online prediction. These logs are like standard server access logs, containing information such as timestamps and latency for each request.',
  }),
  flag({
    name: '--enable-console-logging',
    kind: 'bool',
    tracks: BETA_AND_ALPHA,
    help: 'If set, enables StackDriver Logging of stderr and stdout streams for online prediction. These logs are more verbose than the standard access logs and can be helpful for debugging.',
  }),
  LABELS_FLAG,
  TARGET_FLAG,
] as const;

type CreateOptions = CommandOptions<typeof CREATE_FLAGS, [typeof MODEL_POSITIONAL]>;

const GLOBAL_REGION_WARNING =
  'To specify a region where the model will deployed on the global endpoint, please use `--regions` and do not specify `--region`. ' +
  'Using [us-central1] by default on https://ml.googleapis.com. Please note that your model will be inaccessible from https://us-central1-ml.googelapis.com\n\n' +
  'Learn more about regional endpoints and see a list of available regions: https://cloud.google.com/ai-platform/prediction/docs/regional-endpoints';

/** gcloud's (endpoint region, model regions): --regions deploys through the global endpoint. */
function modelRegions(options: CreateOptions, ctx: CommandContext): [string, string[]] {
  if (ctx.specified.has('regions')) return ['global', options.regions!];
  const region = ctx.specified.has('region') && options.region !== 'global' ? options.region! : commandRegion(options, ctx);
  if (region !== 'global') return [region, [region]];
  ctx.output.warning(GLOBAL_REGION_WARNING);
  return ['global', ['us-central1']];
}

async function create(options: CreateOptions, ctx: CommandContext): Promise<void> {
  // gcloud declares the two flags as an argparse mutually exclusive group.
  if (ctx.specified.has('region') && ctx.specified.has('regions')) {
    throw new ArgumentError('argument --region: At most one of --region | --regions can be specified.');
  }
  if (ctx.target() === 'vertex-ai') return createOnVertex(options, ctx);
  const name = modelName(options.model, projectOf(ctx));
  const [region, regions] = modelRegions(options, ctx);
  const body: Record<string, unknown> = {
    name: basename(name),
    regions,
    onlinePredictionLogging: Boolean(options.enableLogging),
    onlinePredictionConsoleLogging: Boolean(options.enableConsoleLogging),
  };
  if (options.description !== undefined) body.description = options.description;
  if (options.labels?.size) body.labels = sortedLabels(options.labels);
  // As gcloud, the request is sent as it is: the service (and the emulator) refuse what breaks the
  // Model's documented rules (src/domain/model.ts); GCLOUD_AIP_STRICT refuses it before sending.
  if (strictServiceRules(ctx.env)) refuseModelProblems(body, region);
  const client = connect(ctx, region);
  const model = await client.createModel(name.split('/')[1], body);
  ctx.output.status(`Created ai platform model [${String(model.name)}].`);
  // gcloud's command returns nothing: `--format json` prints `[]`, `value` refuses its empty projection.
  ctx.printResult(undefined);
}

/** Where a Model field's value came from on the command line, to name it in an error. */
const MODEL_FIELD_SOURCES: Record<string, string> = {
  name: 'MODEL',
  regions: '--regions',
  online_prediction_console_logging: '--enable-console-logging',
};

function refuseModelProblems(body: Record<string, unknown>, region: string): void {
  const problems = modelProblems(body, region);
  if (!problems.length) return;
  throw new UserError(problems.map((p) => `${MODEL_FIELD_SOURCES[p.field] ?? p.field}: ${p.message}`).join('\n'));
}

/** The same command line on Vertex AI: an endpoint under the model's deterministic id. */
async function createOnVertex(options: CreateOptions, ctx: CommandContext): Promise<void> {
  const region = ctx.specified.has('regions') ? options.regions![0] : vertexCommandRegion(options, ctx);
  const name = basename(modelName(options.model, projectOf(ctx)));
  // The command line is AI Platform's, but no AI Platform service will check its name here (it
  // becomes Vertex AI ids): its naming rule is checked before anything is sent.
  const nameProblem = mlNameProblem(name);
  if (nameProblem) throw new UserError(`MODEL: ${nameProblem}`);
  const request = {
    name,
    ...(ctx.specified.has('regions') ? { regions: options.regions! } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.labels?.size ? { labels: sortedLabels(options.labels) } : {}),
    onlinePredictionLogging: Boolean(options.enableLogging),
    onlinePredictionConsoleLogging: Boolean(options.enableConsoleLogging),
  };
  const flags = ['region', 'regions', 'labels', 'description'] as const;
  const sources = Object.fromEntries(flags.filter((f) => ctx.specified.has(f)).map((f) => [f, `--${f}`]));
  await createVertexModel(vertexSession(ctx, region), request, region, sources);
  ctx.printResult(undefined);
}

// ---- describe / list / delete -------------------------------------------------------------------

const MODEL_FLAGS = [REGION_WITH_GLOBAL_FLAG, TARGET_FLAG] as const;
const MODELS_LIST_FLAGS = [REGION_WITH_GLOBAL_FLAG, TARGET_FLAG, ...LIST_FLAGS] as const;

type ModelOptions = CommandOptions<typeof MODEL_FLAGS, [typeof MODEL_POSITIONAL]>;

/** The AI Platform model a MODEL argument names (an id, a relative name or a URL). */
function modelId(options: ModelOptions, ctx: CommandContext): string {
  return basename(modelName(options.model, projectOf(ctx)));
}

async function describe(options: ModelOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') {
    return ctx.printResult(await describeVertexModel(vertexSession(ctx, commandRegion(options, ctx)), modelId(options, ctx)));
  }
  const client = connect(ctx, commandRegion(options, ctx));
  ctx.printResult(await client.getModel(modelName(options.model, projectOf(ctx))), mlMessage('GoogleCloudMlV1Model'));
}

// Verbatim, as gcloud's error messages quote the default format composed with --format.
const LIST_FORMAT = `
        table(
            name.basename(),
            defaultVersion.name.basename()
        )
    `;

async function list(options: CommandOptions<typeof MODELS_LIST_FLAGS>, ctx: CommandContext): Promise<void> {
  const region = commandRegion(options, ctx);
  const load = ctx.target() === 'vertex-ai' ? vertexModels(ctx, region) : mlModels(ctx, region);
  // Models have a URI (gcloud's registry knows the collection); it names the global endpoint. On
  // Vertex AI too: it is the AI Platform model's, which `models delete` and `describe` take.
  const base = mlEndpoint(ctx.properties, 'global').replace(/\/?$/, '/');
  await ctx.printList(load, options, {
    defaultFormat: LIST_FORMAT,
    messageType: mlMessage('GoogleCloudMlV1Model'),
    // Something without a name (a string a transform made, say) has no URI, as gcloud's registry finds none.
    uriOf: (m) => {
      const name = (m as { name?: unknown } | null)?.name;
      return typeof name === 'string' ? `${base}v1/${name}` : undefined;
    },
  });
}

function vertexModels(ctx: CommandContext, region: string): () => AsyncIterable<unknown> {
  const session = vertexSession(ctx, region);
  return () => listVertexModels(session);
}

function mlModels(ctx: CommandContext, region: string): () => AsyncIterable<unknown> {
  const client = connect(ctx, region);
  const project = ctx.requireProject();
  return () => client.listModels(project);
}

async function remove(options: ModelOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') {
    return ctx.printResult(await deleteVertexModel(vertexSession(ctx, commandRegion(options, ctx)), modelId(options, ctx)));
  }
  const client = connect(ctx, commandRegion(options, ctx));
  confirmDeletion(ctx, `This will delete model [${options.model}]...`);
  const operation = await waitForOperation(
    client.api,
    await client.delete(modelName(options.model, projectOf(ctx))),
    `Deleting model [${options.model}]`,
    ctx.output,
  );
  // gcloud returns the operation's response (google.protobuf.Empty) and prints it per --format.
  ctx.printResult(operation.response);
}

export const modelsCommands: CommandDefinition[] = [
  defineCommand({
    path: ['ai-platform', 'models', 'create'],
    tracks: ALL_TRACKS,
    positionals: [MODEL_POSITIONAL],
    flags: CREATE_FLAGS,
    defaultFormat: 'none',
    help: {
      brief: 'create a new AI Platform model',
      description: `Creates a new AI Platform model.\n\n${MANAGING_MODELS}`,
      examples:
        "To create a model named 'iris' that writes its online prediction access logs, run:\n\n    $ {command} iris --regions=us-central1 --enable-logging",
    },
    run: create,
  }),
  defineCommand({
    path: ['ai-platform', 'models', 'describe'],
    tracks: ALL_TRACKS,
    positionals: [MODEL_POSITIONAL],
    flags: MODEL_FLAGS,
    defaultFormat: 'default',
    help: {
      brief: 'describe an existing AI Platform model',
      description: 'Describes an existing AI Platform model. To see all versions of a model, use `gcloud ai-platform versions list`.',
      examples: '    $ {command} iris',
    },
    run: describe,
  }),
  defineCommand({
    path: ['ai-platform', 'models', 'list'],
    tracks: ALL_TRACKS,
    positionals: [],
    flags: MODELS_LIST_FLAGS,
    defaultFormat: LIST_FORMAT,
    help: {
      brief: 'list existing AI Platform models',
      description: 'Lists the AI Platform models of the project, with the name of each default version.',
      examples: "To list the URIs of the models whose names start with 'iris', run:\n\n    $ {command} --uri --filter='name:iris*'",
    },
    run: list,
  }),
  defineCommand({
    path: ['ai-platform', 'models', 'delete'],
    tracks: ALL_TRACKS,
    positionals: [MODEL_POSITIONAL],
    flags: MODEL_FLAGS,
    defaultFormat: 'none',
    help: {
      brief: 'delete an existing AI Platform model',
      description: 'Deletes an existing AI Platform model. A model can only be deleted once it has no versions.',
      examples:
        "To delete all models whose names match the regular expression `vision[0-9]+`, run:\n\n    $ gcloud ai-platform models list --uri --filter='name ~ vision[0-9]+' | xargs -n 1 {command}",
    },
    run: remove,
  }),
];
