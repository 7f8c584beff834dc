// `versions create` on the ai-platform target (gcloud's own requests): POST the version to ml v1,
// then follow its operation (or, after an attempt that may have acted, the version) until READY.
import { UserError } from '../../errors';
import { mlEndpoint } from '../../config/endpoints';
import { strictServiceRules } from '../../config/strict';
import { MlApi, mlUrl, TransientApiError, UnknownOutcomeError, type CreateOutcome } from '../../api/ml';
import { waitForOperation, waitForVersion } from '../../api/operations';
import { mlMessage } from '../../api/ml-schema';
import { basename, modelName } from '../../api/resources';
import { commandRegion, projectOf } from '../ml-common';
import type { CommandContext } from '../../cli/command';
import { planDeployRegistration, type DeployRegistration } from '../../mlflow/deploy';
import { reportDryRun } from './dry-run';
import { deploymentUriShape, namedStagingFolder, resolveVersionRequest, stageVersionOrigin, type VersionsCreateOptions } from './steps';

const CREATING_MESSAGE = 'Creating version (this might take a few minutes)...';

export async function createOnAiPlatform(options: VersionsCreateOptions, ctx: CommandContext): Promise<void> {
  const { output } = ctx;
  // gcloud sends what only the service refuses; GCLOUD_AIP_STRICT refuses it before the upload.
  const strict = strictServiceRules(ctx.env);
  const region = commandRegion(options, ctx);
  const endpoint = mlEndpoint(ctx.properties, region);
  output.status(`Using endpoint [${endpoint}]`);

  const request = await resolveVersionRequest(options, ctx, ctx.track !== 'GA', strict ? region : undefined);
  const { built } = request;
  const model = modelName(options.model, projectOf(ctx));
  // gcloud-aip only (--mlflow-*): checked now, registered once the version is READY.
  const registration = planDeployRegistration(options, ctx, `${model}/versions/${options.version}`, deploymentUriShape(request, options));

  if (options.dryRun) {
    const staging = await namedStagingFolder(request, options, ctx.signal);
    reportDryRun({ requests: [{ url: mlUrl(endpoint, `${model}/versions`), body: built.body }], staging }, output);
    return;
  }

  await registration?.precheck();
  await stageVersionOrigin(request, options, ctx);
  await createAndFollow(new MlApi({ endpoint, http: ctx.http(), credentials: ctx.credentials() }), model, region, built.body, {
    options,
    ctx,
    registration,
  });
}

interface FollowContext {
  options: VersionsCreateOptions;
  ctx: CommandContext;
  registration: DeployRegistration | undefined;
}

/** Step 3, create and follow: versions.create, then its operation (or the adopted version) unless --async. */
async function createAndFollow(
  api: MlApi,
  model: string,
  region: string,
  body: Record<string, unknown>,
  { options, ctx, registration }: FollowContext,
): Promise<void> {
  const { output } = ctx;
  // How to follow the version from elsewhere. A relative VERSION name wins over --model (which
  // gcloud requires all the same); the operations commands take no --region=global (their default).
  const regionFlag = region === 'global' ? '' : ` --region=${region}`;
  const describeVersion = `gcloud ai-platform versions describe ${model}/versions/${String(body.name)} --model=${basename(model)}${regionFlag}`;
  let created: CreateOutcome;
  try {
    created = await api.createVersion(model, body);
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
