// `gcloud-aip mlflow model-versions create` (not a gcloud command, so no release tracks): the
// registration step of `versions create --mlflow-model` on its own, for scripts that deploy
// elsewhere or retry a registration that failed after a deploy. It takes gcloud's global flags
// (--format, --verbosity, --log-http) like the other commands.
import { argDict } from '../flags/arg-types';
import { flag } from '../flags/spec';
import { MlflowClient, registerModelVersion } from '../mlflow/client';
import { AUTH_MODES, announceSigner, commandSigner } from '../mlflow/oci-auth';
import { checkCreateRequest, tagsFromMap, withoutUnset } from '../mlflow/request';
import { trackingServer } from '../mlflow/tracking';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandOptions } from '../cli/command';

const MODEL_VERSIONS_CREATE_FLAGS = [
  flag({
    name: '--name',
    kind: 'value',
    metavar: 'NAME',
    required: true,
    help: 'The registered model (created if missing) to add the version to; 1 to 255 characters.',
  }),
  flag({
    name: '--source',
    kind: 'value',
    metavar: 'SOURCE',
    required: true,
    help: "URI of the model's artifacts, e.g. the deploymentUri of an AI Platform version; 1 to 500 characters.",
  }),
  flag({ name: '--run-id', kind: 'value', metavar: 'RUN_ID', help: 'The MLflow run that produced the model; 1 to 32 characters.' }),
  flag({ name: '--run-link', kind: 'value', metavar: 'RUN_LINK', help: 'Direct link to that run; at most 500 characters.' }),
  flag({ name: '--model-id', kind: 'value', metavar: 'MODEL_ID', help: 'The logged model the version links to; at most 36 characters.' }),
  flag({ name: '--description', kind: 'value', metavar: 'DESCRIPTION', help: 'Description of the version; at most 5000 characters.' }),
  flag({
    name: '--tags',
    kind: 'value',
    metavar: '[KEY=VALUE,...]',
    repeat: 'accumulate',
    parse: (raw) => argDict(raw),
    help: 'Tags of the version: at most 20, keys of 1 to 250 characters, values of at most 8000.',
  }),
  flag({
    name: '--tracking-uri',
    kind: 'value',
    metavar: 'TRACKING_URI',
    help: 'The MLflow tracking server (default: $MLFLOW_TRACKING_URI), e.g. http://localhost:5000, or https://HOST/20260430/aiDataPlatforms/ID/mlops for an OCI AI Data Platform.',
  }),
  flag({
    name: '--auth',
    kind: 'value',
    metavar: 'AUTH',
    choices: [...AUTH_MODES],
    help: 'How requests sign in: bearer ($MLFLOW_TRACKING_TOKEN, or basic auth), or an OCI request signature with an API key (api_key), a session token (security_token), the compute instance (instance_principal) or a resource principal (resource_principal). Default: api_key for an OCI AI Data Platform when an OCI config file exists, bearer otherwise.',
  }),
  flag({
    name: '--oci-profile',
    kind: 'value',
    metavar: 'OCI_PROFILE',
    help: 'The profile of the OCI config file that signs requests (default: $OCI_CLI_PROFILE, else DEFAULT).',
  }),
] as const;

type ModelVersionsCreateOptions = CommandOptions<typeof MODEL_VERSIONS_CREATE_FLAGS>;

async function createModelVersion(options: ModelVersionsCreateOptions, ctx: CommandContext): Promise<void> {
  const server = trackingServer(options.trackingUri, ctx.env, '--tracking-uri');
  const request = withoutUnset({
    name: options.name,
    source: options.source,
    run_id: options.runId,
    run_link: options.runLink,
    model_id: options.modelId,
    description: options.description,
    tags: options.tags && tagsFromMap(options.tags),
  });
  checkCreateRequest(request, {
    name: '--name',
    source: '--source',
    run_id: '--run-id',
    run_link: '--run-link',
    model_id: '--model-id',
    description: '--description',
    tags: '--tags',
  });
  const signer = commandSigner(ctx, server, { mode: options.auth, profile: options.ociProfile, authFlag: '--auth' });
  announceSigner(signer, ctx);
  // A re-run (the retry command printed after a failed registration) adopts what an earlier run made.
  const registered = await registerModelVersion(new MlflowClient(server, ctx.http(), signer), request, ctx.output, {
    signal: ctx.signal,
    lookupFirst: true,
  });
  ctx.printResult(registered);
}

export const mlflowCommands: CommandDefinition[] = [
  defineCommand({
    path: ['mlflow', 'model-versions', 'create'],
    tracks: ['GA'],
    positionals: [],
    defaultFormat: 'yaml',
    flags: MODEL_VERSIONS_CREATE_FLAGS,
    help: {
      brief: 'register a model version in an MLflow Model Registry (gcloud-aip only)',
      description:
        'Creates a version of an MLflow registered model (creating the model if missing) and waits until it leaves PENDING_REGISTRATION. ' +
        'Credentials come from $MLFLOW_TRACKING_TOKEN (bearer) or $MLFLOW_TRACKING_USERNAME and $MLFLOW_TRACKING_PASSWORD (basic), or, on an OCI AI Data Platform, from the OCI config file, a session token, the instance or a resource principal (see --auth). ' +
        "Before anything is sent, the request is checked against the registry's documented limits and MLflow's own rules (names, tag keys, sources). " +
        'A request that carries an ai-platform.operation (or ai-platform.version) tag, as the retry command printed by `versions create --mlflow-model` does, is looked up first and an existing version it made is the result, so running it again does not register twice; after an answer that leaves the outcome open (a 5xx, a lost answer) it is looked up again before the create is re-sent. ' +
        'On an OCI AI Data Platform the request also carries an opc-retry-token derived from its values.',
      examples: '    $ {command} --name=iris --source=gs://my-bucket/iris/v1/ --tags=stage=canary',
    },
    run: createModelVersion,
  }),
];
