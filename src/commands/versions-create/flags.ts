// The flags of `[alpha|beta] ai-platform versions create`, per release track, as gcloud 528 has them.
import { UserError } from '../../errors';
import {
  argDict,
  argList,
  boundedInt,
  bucketReference,
  FlagValueError,
  plainInt,
  scalarToString,
  type RawValue,
} from '../../flags/arg-types';
import { BETA_AND_ALPHA, flag, type Track } from '../../flags/spec';
import { MLFLOW_DEPLOY_FLAGS } from '../../mlflow/flags';
import { LABELS_FLAG, MODEL_FLAG, REGION_WITH_GLOBAL_FLAG, TARGET_FLAG } from '../flags';
import { ACCELERATOR_TYPES, EXPLANATION_METHODS, FRAMEWORKS, METRIC_NAMES } from '../../domain';

/** The accelerator spec converts `count` with Python int(); a failure is reported with the type's repr. */
function parseAccelerator(raw: RawValue) {
  const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return argDict<string | number>(raw, {
    requiredKeys: ['type'],
    spec: {
      type: (v) => v,
      count: (v) => {
        try {
          return plainInt(v);
        } catch {
          throw new FlagValueError(`invalid <googlecloudsdk.calliope.arg_parsers.ArgDict object at 0x7f0000000000> value: '${shown}'`);
        }
      },
    },
  });
}

/** --metric-targets checks run inside the flag type but are reported as `ERROR: (gcloud) …`, exit 1. */
function parseMetricTargets(raw: RawValue) {
  const names = Object.keys(METRIC_NAMES);
  return argDict(raw, {
    keyType: (key) => {
      if (!names.includes(key)) {
        throw new UserError(`The autoscaling metric name can only be one of the following: ${names.map((n) => `'${n}'`).join(', ')}.\n`, {
          command: 'gcloud',
        });
      }
      return key;
    },
    valueType: (value) => {
      const n = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (Number.isNaN(n)) throw new UserError(`Metric target percentage value ${value} is not an integer.`, { command: 'gcloud' });
      if (n < 0 || n > 100) throw new UserError(`Metric target value ${value} is not between 0 and 100.`, { command: 'gcloud' });
      return n;
    },
  });
}

const stringList = (raw: RawValue) => argList(raw);

/** The container and route flags (beta and alpha, as gcloud has them). */
const CONTAINER_FLAGS = [
  flag({
    name: '--image',
    kind: 'value',
    metavar: 'IMAGE',
    tracks: BETA_AND_ALPHA,
    group: 'container',
    help: 'Name of the container image to deploy (e.g. gcr.io/myproject/server:latest).',
  }),
  flag({
    name: '--command',
    kind: 'value',
    metavar: '[COMMAND,...]',
    tracks: BETA_AND_ALPHA,
    group: 'container',
    repeat: 'accumulate',
    parse: stringList,
    help: "Entrypoint for the container image. If not specified, the container image's default Entrypoint is run.",
  }),
  flag({
    name: '--args',
    kind: 'value',
    metavar: '[ARG,...]',
    tracks: BETA_AND_ALPHA,
    group: 'container',
    repeat: 'accumulate',
    parse: stringList,
    help: "Comma-separated arguments passed to the command run by the container image. If not specified and no '--command' is provided, the container image's default Cmd is used.",
  }),
  flag({
    name: '--env-vars',
    kind: 'value',
    metavar: '[KEY=VALUE,...]',
    tracks: BETA_AND_ALPHA,
    group: 'container',
    repeat: 'accumulate',
    parse: (raw) => argDict(raw),
    help: 'List of key-value pairs to set as environment variables.',
  }),
  flag({
    name: '--ports',
    kind: 'value',
    metavar: '[ARG,...]',
    tracks: BETA_AND_ALPHA,
    group: 'container',
    repeat: 'accumulate',
    parse: (raw) => argList(raw, boundedInt(1, 65535)),
    help: 'Container ports to receive requests at. Must be a number between 1 and 65535, inclusive.',
  }),
  flag({
    name: '--predict-route',
    kind: 'value',
    metavar: 'PREDICT_ROUTE',
    tracks: BETA_AND_ALPHA,
    group: 'routes',
    help: 'HTTP path to send prediction requests to inside the container.',
  }),
  flag({
    name: '--health-route',
    kind: 'value',
    metavar: 'HEALTH_ROUTE',
    tracks: BETA_AND_ALPHA,
    group: 'routes',
    help: 'HTTP path to send health checks to inside the container.',
  }),
] as const;

/** --target, with what it means for this command. */
const VERSIONS_CREATE_TARGET_FLAG = flag({
  ...TARGET_FLAG,
  help: `${TARGET_FLAG.help} With vertex-ai, a version is uploaded to the Vertex AI Model Registry (models.upload), then deployed to its model's endpoint (endpoints.deployModel; the endpoint is created if missing); --async returns the deploy operation once the upload is done; --dry-run prints the endpoint, upload and deploy requests; --image and the other container flags are taken on every release track. What cannot map is refused before anything is uploaded, and what Vertex AI does differently (billing for idle replicas, logging) is named in a warning.`,
});

export const VERSIONS_CREATE_FLAGS = [
  MODEL_FLAG,
  flag({ name: '--description', kind: 'value', metavar: 'DESCRIPTION', help: 'Description of the version.' }),
  REGION_WITH_GLOBAL_FLAG,
  flag({
    name: '--origin',
    kind: 'value',
    metavar: 'ORIGIN',
    help: 'Location of ```model/``` "directory" (see https://cloud.google.com/ai-platform/prediction/docs/deploying-models#upload-model).\n\nThis overrides `deploymentUri` in the `--config` file. If this flag is not passed, `deploymentUri` *must* be specified in the file from `--config`.\n\nCan be a Cloud Storage (`gs://`) path or local file path (no prefix). In the latter case the files will be uploaded to Cloud Storage and a `--staging-bucket` argument is required.',
  }),
  flag({
    name: '--runtime-version',
    kind: 'value',
    metavar: 'RUNTIME_VERSION',
    help: 'AI Platform runtime version for this job. Must be specified unless --master-image-uri is specified instead. It is defined in documentation along with the list of supported versions: https://cloud.google.com/ai-platform/prediction/docs/runtime-version-list',
  }),
  flag({
    name: '--async',
    dest: 'async',
    kind: 'bool',
    help: 'Return immediately, without waiting for the operation in progress to complete.',
  }),
  flag({
    name: '--staging-bucket',
    kind: 'value',
    metavar: 'STAGING_BUCKET',
    parse: (raw) => bucketReference(scalarToString(raw)),
    help: 'Bucket in which to stage training archives.\n\nRequired only if a file upload is necessary (that is, other flags include local paths) and no other flags implicitly specify an upload path.',
  }),
  flag({
    name: '--config',
    kind: 'value',
    metavar: 'CONFIG',
    help: "Path to a YAML configuration file containing configuration parameters for the [Version](https://cloud.google.com/ai-platform/prediction/docs/reference/rest/v1/projects.models.versions) to create.\n\nThe file is in YAML format. Note that not all attributes of a version are configurable; available attributes (with example values) are:\n\n    description: A free-form description of the version.\n    deploymentUri: gs://path/to/source\n    runtimeVersion: '2.1'\n    #  Set only one of either manualScaling or autoScaling.\n    manualScaling:\n      nodes: 10  # The number of nodes to allocate for this model.\n    autoScaling:\n      minNodes: 0  # The minimum number of nodes to allocate for this model.\n    labels:\n      user-defined-key: user-defined-value\n\nThe name of the version must always be specified via the required VERSION argument.\n\nOnly one of manualScaling or autoScaling can be specified. If both are specified in same yaml file an error will be returned.\n\nIf an option is specified both in the configuration file and via command-line arguments, the command-line arguments override the configuration file.",
  }),
  LABELS_FLAG,
  flag({
    name: '--framework',
    kind: 'value',
    metavar: 'FRAMEWORK',
    choices: Object.keys(FRAMEWORKS),
    choiceSpelling: 'normalized',
    help: "ML framework used to train this version of the model. If not specified, defaults to 'tensorflow'. _FRAMEWORK_ must be one of: *scikit-learn*, *tensorflow*, *xgboost*.",
  }),
  flag({
    name: '--python-version',
    kind: 'value',
    metavar: 'PYTHON_VERSION',
    help: 'Version of Python used when creating the version. Choices are 3.7, 3.5, and 2.7. However, this value must be compatible with the chosen runtime version for the job.\n\nMust be used with a compatible runtime version:\n\n* 3.7 is compatible with runtime versions 1.15 and later.\n* 3.5 is compatible with runtime versions 1.4 through 1.14.\n* 2.7 is compatible with runtime versions 1.15 and earlier.',
  }),
  flag({
    name: '--machine-type',
    kind: 'value',
    metavar: 'MACHINE_TYPE',
    help: 'Type of machine on which to serve the model. Currently only applies to online prediction. For available machine types, see https://cloud.google.com/ai-platform/prediction/docs/machine-types-online-prediction#available_machine_types.',
  }),
  flag({
    name: '--accelerator',
    kind: 'value',
    metavar: '[count=COUNT],[type=TYPE]',
    parse: parseAccelerator,
    help: `Manage the accelerator config for GPU serving. When deploying a model with Compute Engine Machine Types, a GPU accelerator may also be selected.\n\n*type*::: The type of the accelerator. Choices are ${ACCELERATOR_TYPES.filter(
      (t) => t.startsWith('nvidia'),
    )
      .map((t) => `'${t}'`)
      .join(
        ', ',
      )}.\n\n*count*::: The number of accelerators to attach to each machine running the job. If not specified, the default value is 1. Your model must be specially designed to accommodate more than 1 accelerator per machine. To configure how many replicas your model has, set the \`manualScaling\` or \`autoScaling\` parameters.`,
  }),
  flag({
    name: '--min-nodes',
    kind: 'value',
    metavar: 'MIN_NODES',
    group: 'autoscaling',
    parse: (raw) => plainInt(scalarToString(raw)),
    help: 'The minimum number of nodes to scale this model under load.',
  }),
  flag({
    name: '--max-nodes',
    kind: 'value',
    metavar: 'MAX_NODES',
    group: 'autoscaling',
    parse: (raw) => plainInt(scalarToString(raw)),
    help: 'The maximum number of nodes to scale this model under load.',
  }),
  flag({
    name: '--metric-targets',
    kind: 'value',
    metavar: '[METRIC-NAME=TARGET,...]',
    group: 'autoscaling',
    repeat: 'accumulate',
    parse: parseMetricTargets,
    help: "List of key-value pairs to set as metrics' target for autoscaling. Autoscaling could be based on CPU usage or GPU duty cycle, valid key could be cpu-usage or gpu-duty-cycle.",
  }),

  flag({
    name: '--no-validate',
    gcloudAipOnly: true,
    dest: 'noValidate',
    kind: 'bool',
    help: "skip gcloud-aip's pre-flight check of the request against the service's documented rules and send it as it is. Use it if the service's rules have changed.",
  }),
  flag({
    name: '--dry-run',
    gcloudAipOnly: true,
    dest: 'dryRun',
    kind: 'bool',
    help: 'resolve and check everything, compute the staging folder, then print the exact request body that would be sent (JSON on standard output) and the files that would be uploaded (on standard error). Nothing is uploaded or sent.',
  }),
  VERSIONS_CREATE_TARGET_FLAG,
  ...MLFLOW_DEPLOY_FLAGS,

  // beta and alpha only
  flag({
    name: '--service-account',
    kind: 'value',
    metavar: 'SERVICE_ACCOUNT',
    tracks: BETA_AND_ALPHA,
    help: 'Specifies the service account for resource access control.',
  }),
  flag({
    name: '--prediction-class',
    kind: 'value',
    metavar: 'PREDICTION_CLASS',
    tracks: BETA_AND_ALPHA,
    group: 'user-code',
    help: 'Fully-qualified name of the custom prediction class in the package provided for custom prediction.\n\nFor example, `--prediction-class=my_package.SequenceModel`.',
  }),
  flag({
    name: '--package-uris',
    kind: 'value',
    metavar: '[PACKAGE_URI,...]',
    tracks: BETA_AND_ALPHA,
    group: 'user-code',
    parse: stringList,
    help: "Comma-separated list of Cloud Storage URIs ('gs://...') for user-supplied Python packages to use.",
  }),
  flag({
    name: '--explanation-method',
    kind: 'value',
    metavar: 'EXPLANATION_METHOD',
    tracks: BETA_AND_ALPHA,
    choices: EXPLANATION_METHODS,
    choiceSpelling: 'normalized',
    help: `Enable explanations and select the explanation method to use.\n\nThe valid options are:\n  integrated-gradients: Use Integrated Gradients.\n  sampled-shapley: Use Sampled Shapley.\n  xrai: Use XRAI.\n\n_EXPLANATION_METHOD_ must be one of: ${EXPLANATION_METHODS.join(', ')}.`,
  }),
  flag({
    name: '--num-integral-steps',
    kind: 'value',
    metavar: 'NUM_INTEGRAL_STEPS',
    helpDefault: '50',
    tracks: BETA_AND_ALPHA,
    parse: (raw) => boundedInt(1)(scalarToString(raw)),
    help: 'Number of integral steps for Integrated Gradients. Only valid when `--explanation-method=integrated-gradients` or `--explanation-method=xrai` is specified.',
  }),
  flag({
    name: '--num-paths',
    kind: 'value',
    metavar: 'NUM_PATHS',
    helpDefault: '50',
    tracks: BETA_AND_ALPHA,
    parse: (raw) => boundedInt(1)(scalarToString(raw)),
    help: 'Number of paths for Sampled Shapley. Only valid when `--explanation-method=sampled-shapley` is specified.',
  }),
  ...CONTAINER_FLAGS,
  // On the vertex-ai target a user-named image is how a model reaches Vertex AI on every track: GA
  // takes these flags too, hidden (its help stays gcloud's); with ai-platform, GA refuses them as gcloud does (main.ts).
  ...CONTAINER_FLAGS.map((f) => ({ ...f, tracks: ['GA'] as Track[], hidden: true, onlyForTarget: 'vertex-ai' })),
] as const;
