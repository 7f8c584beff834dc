// The steps of `versions create` every target shares: resolve the request (origin, --config,
// flags, the service's documented rules) and stage a local --origin. run.ts composes them with the
// target's own create-and-follow step.
import { InterruptedError, UserError } from '../../errors';
import { readConfigFile } from '../../config-file/read';
import { buildVersion, type BuiltVersion } from '../../version/build';
import { storageEndpoint } from '../../config/endpoints';
import type { CommandContext, CommandOptions } from '../../cli/command';
import type { VERSION_POSITIONAL } from '../flags';
import type { VERSIONS_CREATE_FLAGS } from './flags';
import { uploadChunkSize } from '../../upload/limits';
import { listOriginFiles, type DirectoryListing } from '../../upload/walk';
import { computeStagingPrefix } from '../../upload/prefix';
import type { HashedOrigin } from '../../upload/origin-hash';
import { tuneV8ForStaging } from '../../runtime';
import { validateVersion } from '../../version/validate';

export type VersionsCreateOptions = CommandOptions<typeof VERSIONS_CREATE_FLAGS, [typeof VERSION_POSITIONAL]>;

export const INTERRUPTED_BEFORE_CREATE = 'Aborted by user: the upload was stopped and no version was created.';

const EXPLANATIONS_NOTICE =
  "Explanations reflect patterns in your model, but don't necessarily reveal fundamental relationships about your data population. See https://cloud.google.com/vertex-ai/docs/explainable-ai/limitations for more information.";

/** The version to create, checked by the rules every target shares; its deploymentUri is final once staged. */
export interface VersionRequest {
  built: BuiltVersion;
  /** A local --origin (staged to --staging-bucket before the create). */
  localOrigin?: string;
  /** Its files, listed before the checks. */
  listing?: DirectoryListing;
  /** The staging folder's name, once a check before staging needed it (namedStagingFolder). */
  stagingPrefix?: string;
  /** The hash pass that named it, with the checksums staging checks the uploads against (not with --dry-run). */
  hashedOrigin?: HashedOrigin;
}

/**
 * Step 1, resolve: --origin (gs:// or local), --config merged with the flags, the origin listed,
 * and the version checked by the service's documented rules before anything is sent.
 * `containers`: whether Version.container and .routes are taken (beta/alpha; any track on Vertex AI).
 * `serviceRegion`: also check the service's own rules for the endpoint of that region (GCLOUD_AIP_STRICT).
 */
export async function resolveVersionRequest(
  options: VersionsCreateOptions,
  ctx: CommandContext,
  containers: boolean,
  serviceRegion?: string,
): Promise<VersionRequest> {
  const { output } = ctx;
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
  // The origin is listed before the check: a bad directory is reported first, as gcloud does, and
  // the file count is part of what the service accepts.
  // An upload follows: V8 is tuned for it from the walk on, its hottest JS (src/runtime/v8-flags.ts).
  if (localOrigin && !options.dryRun) tuneV8ForStaging();
  const listing = localOrigin ? await listOriginFiles(localOrigin) : undefined;
  for (const link of listing?.linksOutside ?? []) {
    output.warning(
      `[${link.localPath}] is a symbolic link to [${link.target}], outside the origin directory; the file it points to is uploaded.`,
    );
  }
  built.localFileCount = listing?.files.length;
  validateVersion(built, output, Boolean(options.noValidate), serviceRegion);
  return { built, localOrigin, listing };
}

/** Step 2, stage: a local --origin is uploaded to --staging-bucket, and the version points at it. */
export async function stageVersionOrigin(request: VersionRequest, options: VersionsCreateOptions, ctx: CommandContext): Promise<void> {
  const { output, properties } = ctx;
  if (request.localOrigin) {
    const credentials = ctx.credentials();
    const { stageLocalOrigin } = await import('../../upload/stage');
    const { stagingProgressView } = await import('../../upload/progress');
    const progress = stagingProgressView(output, options.stagingBucket!, properties.getBool('core/disable_prompts', false));
    try {
      request.built.body.deploymentUri = await stageLocalOrigin({
        origin: request.localOrigin,
        listing: request.listing,
        hashed: request.hashedOrigin,
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
}

/**
 * A local origin's staging folder named before staging (--dry-run, or a check that depends on it):
 * its sha256 read once per run, the version pointed at it; undefined for a gs:// origin. A run that
 * goes on to stage keeps the whole hash pass (the checksums too), so staging does not read every
 * file again.
 */
export async function namedStagingFolder(
  request: VersionRequest,
  options: VersionsCreateOptions,
  signal: AbortSignal,
): Promise<{ listing: DirectoryListing; bucket: string; prefix: string } | undefined> {
  const { listing } = request;
  if (!listing) return undefined;
  if (request.stagingPrefix === undefined) {
    if (options.dryRun) {
      request.stagingPrefix = await computeStagingPrefix(listing, undefined, { signal });
    } else {
      const { hashOrigin } = await import('../../upload/origin-hash');
      // The first part of staging, run early: stopped, it says what staging says.
      request.hashedOrigin = await hashOrigin(listing, { signal }).catch((err: unknown) => {
        throw signal.aborted ? new InterruptedError(INTERRUPTED_BEFORE_CREATE) : err;
      });
      request.stagingPrefix = request.hashedOrigin.prefix;
    }
  }
  request.built.body.deploymentUri = `gs://${options.stagingBucket}/${request.stagingPrefix}/`;
  return { listing, bucket: options.stagingBucket!, prefix: request.stagingPrefix };
}

/** A local origin is deployed from a staged folder named by a sha256 (64 hex digits): checks before staging use one of that shape. */
export function deploymentUriShape(request: VersionRequest, options: VersionsCreateOptions): string | undefined {
  return request.localOrigin
    ? `gs://${options.stagingBucket}/${'0'.repeat(64)}/`
    : (request.built.body.deploymentUri as string | undefined);
}
