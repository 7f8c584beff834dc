// Flags and positionals several commands share, declared once (as calliope's
// command_lib/ml_engine/flags.py does for gcloud): the resource arguments, --model, --region with
// and without `global`, --labels, and the list commands' flags.
import { REGIONS } from '../domain';
import { argDict, argList, boundedInt, labelKey, labelValue, scalarToString, type RawValue } from '../flags/arg-types';
import { flag, positional } from '../flags/spec';
import { TARGET_ENV, TARGETS } from '../config/target';

export const MODEL_POSITIONAL = positional({ name: 'MODEL', dest: 'model', help: 'Name of the model.' });
export const VERSION_POSITIONAL = positional({ name: 'VERSION', dest: 'version', help: 'Name of the model version.' });
export const OPERATION_POSITIONAL = positional({ name: 'OPERATION', dest: 'operation', help: 'Name of the operation.' });

/** `--model` (required), for the versions commands. */
export const MODEL_FLAG = flag({ name: '--model', kind: 'value', metavar: 'MODEL', required: true, help: 'Name of the model.' });

/** Models and versions commands take `--region` with `global` among the choices. */
export const REGION_WITH_GLOBAL_FLAG = flag({
  name: '--region',
  kind: 'value',
  metavar: 'REGION',
  choices: REGIONS,
  help: `Google Cloud region of the regional endpoint to use for this command. For the global endpoint, the region needs to be specified as \`global\`.\n\nLearn more about regional endpoints and see a list of available regions: https://cloud.google.com/ai-platform/prediction/docs/regional-endpoints\n\n_REGION_ must be one of: ${['global', ...REGIONS.filter((r) => r !== 'global')].join(', ')}.`,
});

/** Operations commands take `--region` without `global`: no flag means the global endpoint. */
export const OPERATIONS_REGION_FLAG = flag({
  name: '--region',
  kind: 'value',
  metavar: 'REGION',
  choices: REGIONS.filter((r) => r !== 'global'),
  help: 'Google Cloud region of the regional endpoint to use for this command. If unspecified, the command uses the global endpoint of the AI Platform Training and Prediction API.\n\nLearn more about regional endpoints and see a list of available regions: https://cloud.google.com/ai-platform/prediction/docs/regional-endpoints',
});

export const LABELS_FLAG = flag({
  name: '--labels',
  kind: 'value',
  metavar: '[KEY=VALUE,...]',
  repeat: 'accumulate',
  parse: (raw) => argDict(raw, { keyType: labelKey, valueType: labelValue }),
  help: 'List of label KEY=VALUE pairs to add.\n\nKeys must start with a lowercase character and contain only hyphens (`-`), underscores (```_```), lowercase characters, and numbers. Values must contain only hyphens (`-`), underscores (```_```), lowercase characters, and numbers.',
});

/** BoundedInt(1, …, unlimited=True): `unlimited` means no bound (-1 here). */
function countOrUnlimited(raw: RawValue): number {
  const text = scalarToString(raw);
  if (text.toLowerCase() === 'unlimited') return -1;
  return boundedInt(1)(text);
}

/** gcloud's help shows these under their own LIST COMMAND FLAGS heading. */
const LIST_CATEGORY = 'LIST COMMAND';

export const LIST_FLAGS = [
  flag({
    name: '--filter',
    kind: 'value',
    metavar: 'EXPRESSION',
    category: LIST_CATEGORY,
    help: 'Apply a Boolean filter _EXPRESSION_ to each resource item to be listed. If the expression evaluates `True`, then that item is listed. For more details and examples of filter expressions, run $ gcloud topic filters. This flag interacts with other flags that are applied in this order: *--flatten*, *--sort-by*, *--filter*, *--limit*.',
  }),
  flag({
    name: '--limit',
    kind: 'value',
    metavar: 'LIMIT',
    category: LIST_CATEGORY,
    parse: countOrUnlimited,
    help: 'Maximum number of resources to list. The default is *unlimited*. This flag interacts with other flags that are applied in this order: *--flatten*, *--sort-by*, *--filter*, *--limit*.',
  }),
  flag({
    name: '--page-size',
    kind: 'value',
    metavar: 'PAGE_SIZE',
    category: LIST_CATEGORY,
    parse: countOrUnlimited,
    help: 'Some services group resource list output into pages. This flag specifies the maximum number of resources per page. The default is determined by the service if it supports paging, otherwise it is *unlimited* (no paging). Paging may be applied before or after *--filter* and *--limit* depending on the service.',
  }),
  flag({
    name: '--sort-by',
    kind: 'value',
    metavar: '[FIELD,...]',
    category: LIST_CATEGORY,
    repeat: 'last-wins',
    parse: (raw) => argList(raw),
    help: "Comma-separated list of resource field key names to sort by. The default order is ascending. Prefix a field with ``~'' for descending order on that field. This flag interacts with other flags that are applied in this order: *--flatten*, *--sort-by*, *--filter*, *--limit*.",
  }),
  flag({
    name: '--uri',
    kind: 'bool',
    category: LIST_CATEGORY,
    help: 'Print a list of resource URIs instead of the default output, and change the command output to a list of URIs. If this flag is used with *--format*, the formatting is applied on this URI list. To display URIs alongside other keys instead, use the *uri()* transform.',
  }),
] as const;

/**
 * gcloud-aip only, on every ai-platform command of every track: which service the command line
 * talks to. AI Platform Prediction was shut down on 2025-01-31; `vertex-ai` deploys the same
 * command line to Vertex AI.
 */
export const TARGET_FLAG = flag({
  name: '--target',
  kind: 'value',
  gcloudAipOnly: true,
  metavar: 'TARGET',
  choices: [...TARGETS],
  help: `the service this command talks to. \`ai-platform\` (the default) sends gcloud's own AI Platform Prediction requests (ml.googleapis.com, shut down by Google on 2025-01-31); \`vertex-ai\` runs the same command line against Vertex AI (aiplatform.googleapis.com): models become endpoints plus registry models, versions become registry versions deployed to the endpoint. The default comes from the ${TARGET_ENV} environment variable when it is set.`,
});
