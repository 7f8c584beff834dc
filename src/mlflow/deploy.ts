// `versions create --mlflow-model=NAME` (gcloud-aip only): once the version is READY, record it in
// an MLflow Model Registry — source = the deploymentUri actually deployed, tags naming the AI
// Platform version and the operation that created it. Everything that can be checked is checked
// before the deploy starts; a registration that fails after a successful deploy is a RegistryError
// (its own exit code) that keeps the version and says how to retry only the registration.
import { ArgumentError, RegistryError, UserError } from '../errors';
import { MlflowClient, PRECHECK_RETRY, registerModelVersion } from './client';
import { checkCreateRequest, OPERATION_TAG, standaloneCommand, tagsFromMap, VERSION_TAG, withoutUnset, type FieldOrigins } from './request';
import type { CreateModelVersionRequest } from './schema';
import { announceSigner, commandSigner, type SignerContext } from './oci-auth';
import { trackingServer } from './tracking';

export interface MlflowDeployFlags {
  mlflowModel?: string;
  mlflowRunId?: string;
  mlflowTags?: Map<string, unknown>;
  mlflowTrackingUri?: string;
  mlflowAuth?: string;
  mlflowOciProfile?: string;
  async?: boolean;
}

export interface DeployRegistration {
  /**
   * Asks the registry for the registered model (registered-models/get) before anything is uploaded
   * or deployed: an unreachable registry, refused credentials, a wrong path prefix, a TLS failure
   * or a name the server refuses stop the command here (exit 1), in one line.
   */
  precheck(): Promise<void>;
  /**
   * Registers the READY version (the Version resource the service answered). `operation`: the
   * versions.create operation, unknown when a retried create adopted the version. `versionName`:
   * the name the version tag carries when it is only known now (a Vertex AI registry version,
   * `projects/N/locations/R/models/ID@<versionId>`); by default the one planned.
   */
  register(version: Record<string, unknown> | undefined, operation?: string, versionName?: string): Promise<void>;
}

const ORIGINS: FieldOrigins = {
  name: '--mlflow-model',
  run_id: '--mlflow-run-id',
  source: 'the deploymentUri',
  tags: `--mlflow-tags, with the tags ${VERSION_TAG} and ${OPERATION_TAG}`,
};

/** What the registration step uses of the command that deploys (a narrow view of its context). */
export interface DeployContext extends SignerContext {
  /** Flags given explicitly (gcloud's IsSpecified). */
  specified: Set<string>;
  signal: AbortSignal;
}

/** Placeholder operation name for the checks made before the deploy (a real one is about as long). */
const OPERATION_PLACEHOLDER = 'projects/PROJECT/operations/create_MODEL_VERSION-0000000000000';

/**
 * Checks the --mlflow-* flags and the request they make, before anything is sent. Undefined when no
 * registration is asked for, or with --async (nothing is READY to register; that is said here).
 * `versionName`: the full resource name of the version to create; `source`: its deploymentUri, or
 * for a local origin one of the shape staging gives it. Long because each flag's check and the
 * request's are reported in the order a user reads them; the registration it returns is a closure over them.
 */
export function planDeployRegistration(
  options: MlflowDeployFlags,
  ctx: DeployContext,
  versionName: string,
  source: string | undefined,
): DeployRegistration | undefined {
  if (options.mlflowModel === undefined) {
    const orphan = (['mlflowRunId', 'mlflowTags', 'mlflowTrackingUri', 'mlflowAuth', 'mlflowOciProfile'] as const).find((dest) =>
      ctx.specified.has(dest),
    );
    if (orphan)
      throw new ArgumentError(
        `argument --mlflow-model: Must be specified with --${orphan.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.`,
      );
    return undefined;
  }
  const server = trackingServer(options.mlflowTrackingUri, ctx.env, '--mlflow-tracking-uri');
  const userTags = tagsFromMap(options.mlflowTags);
  const reserved = userTags.find((t) => t.key === VERSION_TAG || t.key === OPERATION_TAG);
  if (reserved)
    throw new UserError(`--mlflow-tags: the tag [${reserved.key}] is set by gcloud-aip to name the deployed version and its operation.`);

  // A container-only version (beta --image) has no model files to point the registry at.
  if (!source)
    throw new UserError(
      "--mlflow-model registers the version's deploymentUri, and this version has none (give --origin or deploymentUri).",
    );

  const requestFor = (deploymentUri: string, operation: string | undefined, version = versionName): CreateModelVersionRequest =>
    withoutUnset({
      name: options.mlflowModel!,
      source: deploymentUri,
      run_id: options.mlflowRunId,
      tags: [...userTags, { key: VERSION_TAG, value: version }, ...(operation ? [{ key: OPERATION_TAG, value: operation }] : [])],
    });
  checkCreateRequest(requestFor(source, OPERATION_PLACEHOLDER), ORIGINS);
  if (options.async) {
    // The command that registers it later, with the tags a registration after the deploy carries
    // (the operation is the one this command prints), so a later re-run finds it.
    const later = standaloneCommand(requestFor('DEPLOYMENT_URI', 'OPERATION'), options.mlflowTrackingUri, {
      mode: options.mlflowAuth,
      profile: options.mlflowOciProfile,
    });
    ctx.output.warning(
      `Nothing is registered in MLflow with --async: the version is not READY when this command returns. Once it is, register it (DEPLOYMENT_URI: the version's deploymentUri; OPERATION: the operation printed below) with:\n  $ ${later}`,
    );
    return undefined;
  }
  // Credentials are read and keys loaded now, so a bad profile stops the command before the deploy.
  const signer = commandSigner(ctx, server, { mode: options.mlflowAuth, profile: options.mlflowOciProfile, authFlag: '--mlflow-auth' });

  let announced = false;
  const client = () => {
    if (!announced) announceSigner(signer, ctx);
    announced = true;
    return new MlflowClient(server, ctx.http(), signer);
  };
  return {
    async precheck() {
      try {
        await client().getRegisteredModel(options.mlflowModel!, PRECHECK_RETRY);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        throw new UserError(`Nothing was uploaded or deployed: the MLflow registry check failed. ${err.message}`);
      }
    },
    async register(version, operation, deployedName = versionName) {
      // The URI the service deployed (after staging, the staged folder).
      const request = requestFor(String(version?.deploymentUri ?? source), operation, deployedName);
      try {
        checkCreateRequest(request, ORIGINS);
        ctx.output.status(`Registering [${request.source}] as a version of MLflow model [${request.name}] at [${server.base}]...`);
        await registerModelVersion(client(), request, ctx.output, { signal: ctx.signal });
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        throw new RegistryError(
          `Version [${deployedName}] is deployed and kept, but registering it in MLflow failed: ${err.message}\n` +
            `To retry only the registration, run:\n  $ ${standaloneCommand(request, options.mlflowTrackingUri, { mode: options.mlflowAuth, profile: options.mlflowOciProfile })}`,
        );
      }
    },
  };
}
