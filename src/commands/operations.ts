// `[alpha|beta] ai-platform operations describe|wait|cancel|list`, as gcloud 528 has them. Unlike
// models and versions, these ignore ai_platform/region: without --region they use the global endpoint.
import type { Operation } from '../api/ml';
import { basename, operationName } from '../api/resources';
import { waitForOperation } from '../api/operations';
import { UserError } from '../errors';
import { ALL_TRACKS } from '../flags/spec';
import { LIST_FLAGS, printList, type ListOptions } from './list-output';
import { connect, OPERATION_POSITIONAL, OPERATIONS_REGION_FLAG, projectOf } from './ml-common';
import type { CommandContext, CommandDefinition } from './registry';

interface OperationOptions {
  operation: string;
  region?: string;
}

async function describe(options: OperationOptions, ctx: CommandContext): Promise<void> {
  const client = connect(ctx, options.region);
  ctx.printResult(await client.get(operationName(options.operation, projectOf(ctx))));
}

async function wait(options: OperationOptions, ctx: CommandContext): Promise<void> {
  const client = connect(ctx, options.region);
  const name = operationName(options.operation, projectOf(ctx));
  let operation = (await client.get(name)) as unknown as Operation;
  if (operation.done && operation.error) throw new UserError(operation.error.message ?? `Operation [${name}] failed.`);
  if (!operation.done) operation = await waitForOperation(client.api, operation, `Waiting for operation [${basename(name)}]`, ctx.output);
  ctx.printResult(operation);
}

async function cancel(options: OperationOptions, ctx: CommandContext): Promise<void> {
  const client = connect(ctx, options.region);
  await client.cancelOperation(operationName(options.operation, projectOf(ctx)));
}

// Verbatim, as gcloud's error messages quote the default format composed with --format.
const LIST_FORMAT = `    table(
        name.basename(),
        metadata.operationType,
        done
    )
`;

async function list(options: ListOptions & { region?: string }, ctx: CommandContext): Promise<void> {
  const client = connect(ctx, options.region);
  // gcloud has no URI function for operations: `--uri` lists nothing.
  const project = ctx.requireProject();
  await printList(() => client.listOperations(project), options, ctx, LIST_FORMAT);
}

export const operationsCommands: CommandDefinition[] = [
  {
    path: ['ai-platform', 'operations', 'describe'],
    tracks: ALL_TRACKS,
    positionals: [OPERATION_POSITIONAL],
    flags: [OPERATIONS_REGION_FLAG],
    defaultFormat: 'default',
    help: { brief: 'describe an AI Platform operation', description: 'Describes an AI Platform operation.', examples: '    $ {command} create_iris_v1-1700000000000' },
    run: (options, ctx) => describe(options as unknown as OperationOptions, ctx),
  },
  {
    path: ['ai-platform', 'operations', 'wait'],
    tracks: ALL_TRACKS,
    positionals: [OPERATION_POSITIONAL],
    flags: [OPERATIONS_REGION_FLAG],
    defaultFormat: 'none',
    help: {
      brief: 'wait for an AI Platform operation to complete',
      description: 'Waits for an AI Platform operation to complete: polls the operation until it is done. A failed operation is reported as an error (exit 1). With --format, the finished operation (with its response) is printed.',
      examples: '    $ {command} create_iris_v1-1700000000000',
    },
    run: (options, ctx) => wait(options as unknown as OperationOptions, ctx),
  },
  {
    path: ['ai-platform', 'operations', 'cancel'],
    tracks: ALL_TRACKS,
    positionals: [OPERATION_POSITIONAL],
    flags: [OPERATIONS_REGION_FLAG],
    defaultFormat: 'none',
    help: { brief: 'cancel an AI Platform operation', description: 'Cancels an AI Platform operation that is still running.', examples: '    $ {command} create_iris_v1-1700000000000' },
    run: (options, ctx) => cancel(options as unknown as OperationOptions, ctx),
  },
  {
    path: ['ai-platform', 'operations', 'list'],
    tracks: ALL_TRACKS,
    positionals: [],
    flags: [OPERATIONS_REGION_FLAG, ...LIST_FLAGS],
    defaultFormat: LIST_FORMAT,
    help: {
      brief: 'list existing AI Platform operations',
      description: 'Lists the AI Platform operations of the project.',
      examples: "To list the operations that are still running, run:\n\n    $ {command} --filter='-done:true'",
    },
    run: (options, ctx) => list(options as ListOptions, ctx),
  },
];
