// `[alpha|beta] ai-platform operations describe|wait|cancel|list`, as gcloud 528 has them. Unlike
// models and versions, these ignore ai_platform/region: without --region they use the global endpoint.
// On Vertex AI, which has no global endpoint, they take the region as models and versions do
// (--region, else ai_platform/region, else us-central1), unless the operation's name has one.
import { TransientApiError } from '../api/ml';
import { basename, operationName } from '../api/resources';
import { waitForOperation } from '../api/operations';
import { mlMessage } from '../api/ml-schema';
import { UserError } from '../errors';
import { ALL_TRACKS } from '../flags/spec';
import { LIST_FLAGS, OPERATION_POSITIONAL, OPERATIONS_REGION_FLAG, TARGET_FLAG } from './flags';
import { commandRegion, connect, projectOf, vertexSession } from './ml-common';
import {
  cancelVertexOperation,
  describeVertexOperation,
  listVertexOperations,
  vertexOperationLocation,
  waitVertexOperation,
  type VertexSession,
} from '../targets/vertex-ai';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandOptions } from '../cli/command';

const OPERATION_FLAGS = [OPERATIONS_REGION_FLAG, TARGET_FLAG] as const;
const OPERATIONS_LIST_FLAGS = [OPERATIONS_REGION_FLAG, TARGET_FLAG, ...LIST_FLAGS] as const;

type OperationOptions = CommandOptions<typeof OPERATION_FLAGS, [typeof OPERATION_POSITIONAL]>;

/** An operation command on Vertex AI, in the operation's location (its name's, else --region's); prints the result. */
async function onVertex(
  options: OperationOptions,
  ctx: CommandContext,
  flow: (session: VertexSession, operation: string) => Promise<unknown>,
): Promise<void> {
  const session = vertexSession(ctx, vertexOperationLocation(options.operation, commandRegion(options, ctx)));
  ctx.printResult(await flow(session, options.operation));
}

async function describe(options: OperationOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') return onVertex(options, ctx, describeVertexOperation);
  const client = connect(ctx, options.region);
  ctx.printResult(await client.getOperation(operationName(options.operation, projectOf(ctx))), mlMessage('GoogleLongrunningOperation'));
}

async function wait(options: OperationOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') return onVertex(options, ctx, waitVertexOperation);
  const client = connect(ctx, options.region);
  const name = operationName(options.operation, projectOf(ctx));
  const first = await client.api.getOperation(name).catch((err: unknown) => {
    throw err instanceof TransientApiError ? new UserError(err.message) : err;
  });
  ctx.printResult(
    await waitForOperation(client.api, first, `Waiting for operation [${basename(name)}]`, ctx.output),
    mlMessage('GoogleLongrunningOperation'),
  );
}

async function cancel(options: OperationOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') return onVertex(options, ctx, cancelVertexOperation);
  const client = connect(ctx, options.region);
  // gcloud prints the (empty) response: nothing by default, `{}` with --format json.
  ctx.printResult(await client.cancelOperation(operationName(options.operation, projectOf(ctx))));
}

// Verbatim, as gcloud's error messages quote the default format composed with --format.
const LIST_FORMAT = `    table(
        name.basename(),
        metadata.operationType,
        done
    )
`;

async function list(options: CommandOptions<typeof OPERATIONS_LIST_FLAGS>, ctx: CommandContext): Promise<void> {
  const load = ctx.target() === 'vertex-ai' ? vertexOperations(ctx, options) : mlOperations(ctx, options.region);
  // gcloud has no URI function for operations: `--uri` lists nothing.
  await ctx.printList(load, options, { defaultFormat: LIST_FORMAT, messageType: mlMessage('GoogleLongrunningOperation') });
}

/** Vertex AI lists operations per location: the command's region's (`global`: us-central1). */
function vertexOperations(ctx: CommandContext, options: CommandOptions<typeof OPERATIONS_LIST_FLAGS>): () => AsyncIterable<unknown> {
  const session = vertexSession(ctx, commandRegion(options, ctx));
  return () => listVertexOperations(session);
}

function mlOperations(ctx: CommandContext, region: string | undefined): () => AsyncIterable<unknown> {
  const client = connect(ctx, region);
  const project = ctx.requireProject();
  return () => client.listOperations(project);
}

export const operationsCommands: CommandDefinition[] = [
  defineCommand({
    path: ['ai-platform', 'operations', 'describe'],
    tracks: ALL_TRACKS,
    positionals: [OPERATION_POSITIONAL],
    flags: OPERATION_FLAGS,
    defaultFormat: 'default',
    help: {
      brief: 'describe an AI Platform operation',
      description: 'Describes an AI Platform operation.',
      examples: '    $ {command} create_iris_v1-1700000000000',
    },
    run: describe,
  }),
  defineCommand({
    path: ['ai-platform', 'operations', 'wait'],
    tracks: ALL_TRACKS,
    positionals: [OPERATION_POSITIONAL],
    flags: OPERATION_FLAGS,
    defaultFormat: 'none',
    help: {
      brief: 'wait for an AI Platform operation to complete',
      description:
        'Waits for an AI Platform operation to complete: polls the operation until it is done. A failed operation is reported as an error (exit 1). With --format, the finished operation (with its response) is printed.',
      examples: '    $ {command} create_iris_v1-1700000000000',
    },
    run: wait,
  }),
  defineCommand({
    path: ['ai-platform', 'operations', 'cancel'],
    tracks: ALL_TRACKS,
    positionals: [OPERATION_POSITIONAL],
    flags: OPERATION_FLAGS,
    defaultFormat: 'none',
    help: {
      brief: 'cancel an AI Platform operation',
      description: 'Cancels an AI Platform operation that is still running.',
      examples: '    $ {command} create_iris_v1-1700000000000',
    },
    run: cancel,
  }),
  defineCommand({
    path: ['ai-platform', 'operations', 'list'],
    tracks: ALL_TRACKS,
    positionals: [],
    flags: OPERATIONS_LIST_FLAGS,
    defaultFormat: LIST_FORMAT,
    help: {
      brief: 'list existing AI Platform operations',
      description: 'Lists the AI Platform operations of the project.',
      examples: "To list the operations that are still running, run:\n\n    $ {command} --filter='-done:true'",
    },
    run: list,
  }),
];
