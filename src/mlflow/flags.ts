// The --mlflow-* flags of `versions create` (all tracks). Not gcloud's: without them nothing changes.
import { argDict } from '../flags/arg-types';
import { flag } from '../flags/spec';
import { AUTH_MODES } from './oci-auth';

export const MLFLOW_DEPLOY_FLAGS = [
  flag({
    name: '--mlflow-model',
    gcloudAipOnly: true,
    kind: 'value',
    metavar: 'MLFLOW_MODEL',
    help: `once the version is READY, register its deploymentUri as a new version of this MLflow registered model (created if missing) in the registry at $MLFLOW_TRACKING_URI, tagged with the AI Platform version and the operation that created it. If the registration fails after the deploy, the version is kept and the command exits with status 3. Nothing is registered with --async.`,
  }),
  flag({
    name: '--mlflow-run-id',
    gcloudAipOnly: true,
    kind: 'value',
    metavar: 'MLFLOW_RUN_ID',
    help: `the MLflow run that produced the model (run_id of the registered version; at most 32 characters). Requires --mlflow-model.`,
  }),
  flag({
    name: '--mlflow-tags',
    gcloudAipOnly: true,
    kind: 'value',
    metavar: '[KEY=VALUE,...]',
    repeat: 'accumulate',
    parse: (raw) => argDict(raw),
    help: `tags of the registered version, added to the two gcloud-aip sets (ai-platform.version, ai-platform.operation); at most 20 tags in all. Requires --mlflow-model.`,
  }),
  flag({
    name: '--mlflow-tracking-uri',
    gcloudAipOnly: true,
    kind: 'value',
    metavar: 'MLFLOW_TRACKING_URI',
    help: `the MLflow tracking server (default: $MLFLOW_TRACKING_URI), e.g. http://localhost:5000, or https://HOST/20260430/aiDataPlatforms/ID/mlops for an OCI AI Data Platform. Requires --mlflow-model.`,
  }),
  flag({
    name: '--mlflow-auth',
    gcloudAipOnly: true,
    kind: 'value',
    metavar: 'MLFLOW_AUTH',
    choices: [...AUTH_MODES],
    help: `how registry requests sign in: bearer ($MLFLOW_TRACKING_TOKEN, or basic auth from $MLFLOW_TRACKING_USERNAME and $MLFLOW_TRACKING_PASSWORD), or an OCI request signature with an API key (api_key), a session token of \`oci session authenticate\` (security_token), the compute instance (instance_principal) or a resource principal (resource_principal). Default: api_key when the tracking URI is an OCI AI Data Platform and an OCI config file exists ($OCI_CLI_CONFIG_FILE, $OCI_CONFIG_FILE or ~/.oci/config), bearer otherwise. Requires --mlflow-model.`,
  }),
  flag({
    name: '--mlflow-oci-profile',
    gcloudAipOnly: true,
    kind: 'value',
    metavar: 'MLFLOW_OCI_PROFILE',
    help: `the profile of the OCI config file that signs registry requests (default: $OCI_CLI_PROFILE, else DEFAULT). Requires --mlflow-model.`,
  }),
] as const;
