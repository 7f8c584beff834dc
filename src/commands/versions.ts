// `[alpha|beta] ai-platform versions describe|list|delete|set-default` (create lives in
// versions-create/), as gcloud 528 has them.
import { basename, modelName, versionName } from '../api/resources';
import { waitForOperation } from '../api/operations';
import { mlMessage } from '../api/ml-schema';
import { ALL_TRACKS } from '../flags/spec';
import { LIST_FLAGS, MODEL_FLAG, REGION_WITH_GLOBAL_FLAG, TARGET_FLAG, VERSION_POSITIONAL } from './flags';
import { commandRegion, confirmDeletion, connect, projectOf, vertexSession } from './ml-common';
import {
  deleteVertexVersion,
  describeVertexVersion,
  listVertexVersions,
  setDefaultVertexVersion,
  type VertexSession,
} from '../targets/vertex-ai';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandOptions } from '../cli/command';

const VERSION_FLAGS = [MODEL_FLAG, REGION_WITH_GLOBAL_FLAG, TARGET_FLAG] as const;
const VERSIONS_LIST_FLAGS = [...VERSION_FLAGS, ...LIST_FLAGS] as const;

type VersionOptions = CommandOptions<typeof VERSION_FLAGS, [typeof VERSION_POSITIONAL]>;

/** The AI Platform model and version a VERSION argument and --model name (a relative name or URL wins). */
function versionIds(options: VersionOptions, ctx: CommandContext): { model: string; version: string } {
  const parts = versionName(options.model, options.version, projectOf(ctx)).split('/');
  return { model: parts[3], version: parts[5] };
}

/** A version command on Vertex AI: `flow` gets the session, the model and the version; its result is printed. */
async function onVertex(
  options: VersionOptions,
  ctx: CommandContext,
  flow: (session: VertexSession, model: string, version: string) => Promise<unknown>,
): Promise<void> {
  const { model, version } = versionIds(options, ctx);
  ctx.printResult(await flow(vertexSession(ctx, commandRegion(options, ctx)), model, version));
}

async function describe(options: VersionOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') return onVertex(options, ctx, describeVertexVersion);
  const client = connect(ctx, commandRegion(options, ctx));
  ctx.printResult(
    await client.getVersion(versionName(options.model, options.version, projectOf(ctx))),
    mlMessage('GoogleCloudMlV1Version'),
  );
}

const LIST_FORMAT = 'table(name.basename(), deploymentUri, state)';

async function list(options: CommandOptions<typeof VERSIONS_LIST_FLAGS>, ctx: CommandContext): Promise<void> {
  const region = commandRegion(options, ctx);
  const load = ctx.target() === 'vertex-ai' ? vertexVersions(options.model, ctx, region) : mlVersions(options.model, ctx, region);
  // gcloud has no URI function for versions: `--uri` lists nothing.
  await ctx.printList(load, options, { defaultFormat: LIST_FORMAT, messageType: mlMessage('GoogleCloudMlV1Version') });
}

function vertexVersions(model: string, ctx: CommandContext, region: string): () => AsyncIterable<unknown> {
  const session = vertexSession(ctx, region);
  const id = basename(modelName(model, projectOf(ctx)));
  return () => listVertexVersions(session, id);
}

function mlVersions(model: string, ctx: CommandContext, region: string): () => AsyncIterable<unknown> {
  const client = connect(ctx, region);
  const name = modelName(model, projectOf(ctx));
  return () => client.listVersions(name);
}

async function remove(options: VersionOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') return onVertex(options, ctx, deleteVertexVersion);
  const client = connect(ctx, commandRegion(options, ctx));
  const name = versionName(options.model, options.version, projectOf(ctx));
  confirmDeletion(ctx, `This will delete version [${basename(name)}]...`);
  const operation = await waitForOperation(client.api, await client.delete(name), `Deleting version [${basename(name)}]...`, ctx.output);
  // gcloud returns the operation's response (google.protobuf.Empty) and prints it per --format.
  ctx.printResult(operation.response);
}

async function setDefault(options: VersionOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') return onVertex(options, ctx, setDefaultVertexVersion);
  const client = connect(ctx, commandRegion(options, ctx));
  ctx.printResult(
    await client.setDefaultVersion(versionName(options.model, options.version, projectOf(ctx))),
    mlMessage('GoogleCloudMlV1Version'),
  );
}

export const versionsCommands: CommandDefinition[] = [
  defineCommand({
    path: ['ai-platform', 'versions', 'describe'],
    tracks: ALL_TRACKS,
    positionals: [VERSION_POSITIONAL],
    flags: VERSION_FLAGS,
    defaultFormat: 'default',
    help: {
      brief: 'describe an existing AI Platform version',
      description: 'Describes an existing AI Platform version.',
      examples: '    $ {command} v1 --model=iris',
    },
    run: describe,
  }),
  defineCommand({
    path: ['ai-platform', 'versions', 'list'],
    tracks: ALL_TRACKS,
    positionals: [],
    flags: VERSIONS_LIST_FLAGS,
    defaultFormat: LIST_FORMAT,
    help: {
      brief: 'list existing AI Platform versions',
      description: 'Lists the versions of an AI Platform model.',
      examples:
        "To list the names of the model's versions that are READY, run:\n\n    $ {command} --model=iris --filter='state=READY' --format='value(name.basename())'",
    },
    run: list,
  }),
  defineCommand({
    path: ['ai-platform', 'versions', 'delete'],
    tracks: ALL_TRACKS,
    positionals: [VERSION_POSITIONAL],
    flags: VERSION_FLAGS,
    defaultFormat: 'none',
    help: {
      brief: 'delete an existing AI Platform version',
      description: 'Deletes an existing AI Platform version. The default version cannot be deleted while the model has other versions.',
      examples: '    $ {command} v1 --model=iris --quiet',
    },
    run: remove,
  }),
  defineCommand({
    path: ['ai-platform', 'versions', 'set-default'],
    tracks: ALL_TRACKS,
    positionals: [VERSION_POSITIONAL],
    flags: VERSION_FLAGS,
    defaultFormat: 'default',
    help: {
      brief: 'sets an existing AI Platform version as the default for its model',
      description:
        'Sets an existing AI Platform version as the default for its model. Only one version may be the default for a given model.',
      examples: '    $ {command} v2 --model=iris',
    },
    run: setDefault,
  }),
];
