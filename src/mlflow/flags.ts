// The --mlflow-* flags of `versions create` (all tracks). Not gcloud's: without them nothing changes.
import { argDict } from '../flags/arg-types';
import { flag } from '../flags/spec';

const NOT_GCLOUD = 'Not a gcloud flag (gcloud-aip only):';

export const MLFLOW_DEPLOY_FLAGS = [
  flag({ name: '--mlflow-model', kind: 'value', metavar: 'MLFLOW_MODEL',
    help: `${NOT_GCLOUD} once the version is READY, register its deploymentUri as a new version of this MLflow registered model (created if missing) in the registry at $MLFLOW_TRACKING_URI, tagged with the AI Platform version and the operation that created it. If the registration fails after the deploy, the version is kept and the command exits with status 3. Nothing is registered with --async.` }),
  flag({ name: '--mlflow-run-id', kind: 'value', metavar: 'MLFLOW_RUN_ID',
    help: `${NOT_GCLOUD} the MLflow run that produced the model (run_id of the registered version; at most 32 characters). Requires --mlflow-model.` }),
  flag({ name: '--mlflow-tags', kind: 'value', metavar: '[KEY=VALUE,...]', repeat: 'accumulate', parse: (raw) => argDict(raw),
    help: `${NOT_GCLOUD} tags of the registered version, added to the two gcloud-aip sets (ai-platform.version, ai-platform.operation); at most 20 tags in all. Requires --mlflow-model.` }),
  flag({ name: '--mlflow-tracking-uri', kind: 'value', metavar: 'MLFLOW_TRACKING_URI',
    help: `${NOT_GCLOUD} the MLflow tracking server (default: $MLFLOW_TRACKING_URI), e.g. http://localhost:5000, or https://HOST/20260430/aiDataPlatforms/ID/mlops for an OCI AI Data Platform. Requires --mlflow-model.` }),
] as const;
