// `ai-platform versions create`: validate everything that can be checked locally, stage a local
// --origin, POST the version, wait for the operation unless --async, print the result.
import { InterruptedError, UserError } from '../../errors';
import { readConfigFile } from '../../config-file/read';
import { buildVersion } from '../../version/build';
import { mlEndpoint, storageEndpoint } from '../../config/endpoints';
import { MlApi, mlUrl, TransientApiError, UnknownOutcomeError, type CreateOutcome } from '../../api/ml';
import { waitForOperation, waitForVersion } from '../../api/operations';
import { mlMessage } from '../../api/ml-schema';
import { modelName } from '../../api/resources';
import { commandRegion, projectOf } from '../ml-common';
import type { CommandContext, CommandOptions } from '../../cli/command';
import type { VERSION_POSITIONAL } from '../flags';
import type { VERSIONS_CREATE_FLAGS } from './flags';
import { uploadChunkSize } from '../../upload/limits';
import { listOriginFiles } from '../../upload/walk';
import { validateVersion } from '../../version/validate';
import { computeStagingPrefix } from '../../upload/prefix';
import { reportDryRun } from './dry-run';
import { planDeployRegistration } from '../../mlflow/deploy';

export type VersionsCreateOptions = CommandOptions<typeof VERSIONS_CREATE_FLAGS, [typeof VERSION_POSITIONAL]>;

const CREATING_MESSAGE = 'Creating version (this might take a few minutes)...';
const INTERRUPTED_BEFORE_CREATE = 'Aborted by user: the upload was stopped and no version was created.';

const EXPLANATIONS_NOTICE =
  "Explanations reflect patterns in your model, but don't necessarily reveal fundamental relationships about your data population. See https://cloud.google.com/vertex-ai/docs/explainable-ai/limitations for more information.";

export async function versionsCreate(options: VersionsCreateOptions, ctx: CommandContext): Promise<void> {
  const { output, properties } = ctx;
  const region = commandRegion(options, ctx);
  const endpoint = mlEndpoint(properties, region);
  output.status(`Using endpoint [${endpoint}]`);

  const containers = ctx.track !== 'GA';
  let localOrigin: string | undefined;
  let deploymentUri: string | undefined;
  if (options.origin) {
    if (options.origin.startsWith('gs://')) {
      deploymentUri = options.origin;
    } else if (!options.stagingBucket) {
      throw new UserError('If --origin is provided as a local path, --staging-bucket must be given as well.');
    } else {
      localOrigin = options.origin;
    }
  }
  if (options.explanationMethod !== undefined) output.status(EXPLANATIONS_NOTICE);

  const config = options.config ? readConfigFile(options.config, containers) : undefined;
  for (const duplicate of config?.duplicates ?? []) {
    // Not a WARNING: line: gcloud's parser reports this as a Python warning, not a gcloud warning.
    output.status(
      `DuplicateKeyWarning: found duplicate key "${duplicate.key}" in [${config!.path}], line ${duplicate.mark.line}; the first value is used.`,
    );
  }
  // The body is built (and checked) before anything is uploaded; the staged URI is filled in after.
  const placeholderUri = localOrigin ? `gs://${options.stagingBucket}/` : deploymentUri;
  const built = buildVersion({ name: options.version, deploymentUri: placeholderUri, config, flags: options, containers });
  const hasImage = Boolean((built.body.container as { image?: string } | undefined)?.image);
  if (!built.body.deploymentUri && !containers) {
    throw new UserError('Either `--origin` must be provided or `deploymentUri` must be provided in the file given by `--config`.');
  }
  if (!built.body.deploymentUri && !hasImage) {
    throw new UserError('Either `--origin`, `--image`, or equivalent parameters in a config file (from `--config`) must be specified.');
  }
  const model = modelName(options.model, projectOf(ctx));
  // The origin is listed before the check: a bad directory is reported first, as gcloud does, and
  // the file count is part of what the service accepts.
  const listing = localOrigin ? await listOriginFiles(localOrigin) : undefined;
  for (const link of listing?.linksOutside ?? []) {
    output.warning(
      `[${link.localPath}] is a symbolic link to [${link.target}], outside the origin directory; the file it points to is uploaded.`,
    );
  }
  built.localFileCount = listing?.files.length;
  validateVersion(built, output, Boolean(options.noValidate));
  // gcloud-aip only (--mlflow-*): checked now, registered once the version is READY.
  const registration = planDeployRegistration(
    options,
    ctx,
    `${model}/versions/${options.version}`,
    built.body.deploymentUri as string | undefined,
  );

  if (options.dryRun) {
    const staging = listing && { listing, bucket: options.stagingBucket!, prefix: await computeStagingPrefix(listing) };
    if (staging) built.body.deploymentUri = `gs://${staging.bucket}/${staging.prefix}/`;
    reportDryRun({ url: mlUrl(endpoint, `${model}/versions`), body: built.body, staging }, output);
    return;
  }

  const credentials = ctx.credentials();
  if (localOrigin) {
    const { stageLocalOrigin } = await import('../../upload/stage');
    const { stagingProgressView } = await import('../../upload/progress');
    const progress = stagingProgressView(output, options.stagingBucket!, properties.getBool('core/disable_prompts', false));
    try {
      built.body.deploymentUri = await stageLocalOrigin({
        origin: localOrigin,
        listing,
        bucket: options.stagingBucket!,
        storageEndpoint: storageEndpoint(properties),
        http: ctx.http(),
        credentials,
        chunkSize: uploadChunkSize(properties.get('storage/upload_chunk_size')),
        credentialInfo: () => credentials.describe(),
        signal: ctx.signal,
        onProgress: progress.onProgress,
        onRetry: (reason, delayMs) => output.info(`Retrying a staging upload chunk after ${reason} (in ${(delayMs / 1000).toFixed(1)}s).`),
      });
    } catch (err) {
      if (!ctx.signal.aborted) throw err;
      const { StagingError } = await import('../../upload/upload-errors');
      throw new InterruptedError(
        err instanceof StagingError ? `${INTERRUPTED_BEFORE_CREATE}\n${err.leftStaged}` : INTERRUPTED_BEFORE_CREATE,
      );
    }
  }
  if (ctx.signal.aborted) throw new InterruptedError(INTERRUPTED_BEFORE_CREATE);

  const api = new MlApi({ endpoint, http: ctx.http(), credentials });
  // How to follow the version from elsewhere. A relative VERSION name wins over --model (which
  // gcloud requires all the same); the operations commands take no --region=global (their default).
  const regionFlag = region === 'global' ? '' : ` --region=${region}`;
  const describeVersion = `gcloud ai-platform versions describe ${model}/versions/${String(built.body.name)} --model=${model.slice(model.lastIndexOf('/') + 1)}${regionFlag}`;
  let created: CreateOutcome;
  try {
    created = await api.createVersion(model, built.body);
  } catch (err) {
    const check = `check with:\n  $ ${describeVersion}`;
    if (err instanceof UnknownOutcomeError) throw new UserError(`${err.message}\nThe version may have been created all the same; ${check}`);
    if (!(err instanceof TransientApiError && err.maybeActed)) throw err;
    throw new UserError(
      `${err.message}\nAn attempt was sent and got no answer, so the version may have been created all the same; ${check}`,
    );
  }
  const waitOptions = { signal: ctx.signal };
  if (created.kind === 'adopted') {
    const { version } = created;
    output.warning(
      `An attempt of this create request was sent and got no answer, so it may have created version [${version.name}]; ` +
        'that version exists with exactly the settings sent, so it is followed here instead of being reported as a conflict.',
    );
    if (options.async) {
      ctx.printResult(version, mlMessage('GoogleCloudMlV1Version'));
      return;
    }
    const ready = await waitForVersion(api, version, CREATING_MESSAGE, output, { ...waitOptions, follow: describeVersion });
    ctx.printResult(ready, mlMessage('GoogleCloudMlV1Version'));
    await registration?.register(ready);
    return;
  }
  const { operation } = created;
  if (options.async) {
    ctx.printResult(operation, mlMessage('GoogleLongrunningOperation'));
    return;
  }
  const follow = `gcloud ai-platform operations wait ${operation.name}${regionFlag}`;
  const done = await waitForOperation(api, operation, CREATING_MESSAGE, output, { ...waitOptions, follow });
  // gcloud's result is the operation's response, a JSON message (ResponseValue).
  ctx.printResult(done.response, mlMessage('GoogleLongrunningOperation.ResponseValue'));
  await registration?.register(done.response, operation.name);
}
