// gcloud-wide flags: accepted on every command, anywhere on the command line.
import { argList } from './arg-types';
import { flag, type FlagValues } from './spec';

export const VERBOSITIES = ['debug', 'info', 'warning', 'error', 'critical', 'none'];

export const GLOBAL_FLAGS = [
  flag({
    name: '--access-token-file',
    kind: 'value',
    metavar: 'ACCESS_TOKEN_FILE',
    global: true,
    help: 'A file path to read the access token. Use this flag to authenticate gcloud with an access token. The credentials of the active account (if exists) will be ignored. The file should only contain an access token with no other information. Overrides the default *auth/access_token_file* property value for this command invocation.',
  }),
  flag({
    name: '--account',
    kind: 'value',
    metavar: 'ACCOUNT',
    global: true,
    help: 'Google Cloud user account to use for invocation. Overrides the default *core/account* property value for this command invocation.',
  }),
  flag({
    name: '--billing-project',
    kind: 'value',
    metavar: 'BILLING_PROJECT',
    global: true,
    help: 'The Google Cloud project that will be charged quota for operations performed in gcloud. If you need to operate on one project, but need quota against a different project, you can use this flag to specify the billing project. If both `billing/quota_project` and `--billing-project` are specified, `--billing-project` takes precedence. Run `$ gcloud config set --help` to see more information about `billing/quota_project`.',
  }),
  flag({
    name: '--configuration',
    kind: 'value',
    metavar: 'CONFIGURATION',
    global: true,
    help: 'File name of the configuration to use for this command invocation. For more information on how to use configurations, run: `gcloud topic configurations`. You can also use the CLOUDSDK_ACTIVE_CONFIG_NAME environment variable to set the equivalent of this flag for a terminal session.',
  }),
  flag({
    name: '--flags-file',
    kind: 'value',
    metavar: 'YAML_FILE',
    global: true,
    help: 'A YAML or JSON file that specifies a *--flag*:*value* dictionary. Useful for specifying complex flag values with special characters that work with any command interpreter. Additionally, each *--flags-file* arg is replaced by its constituent flags. See $ gcloud topic flags-file for more information.',
  }),
  // calliope's FLATTEN_FLAG: a plain ArgList, so a repeated --flatten replaces the earlier one.
  flag({
    name: '--flatten',
    kind: 'value',
    metavar: 'KEY',
    global: true,
    parse: (raw) => argList(raw).map(String),
    help: 'Flatten _name_[] output resource slices in _KEY_ into separate records for each item in each slice. Multiple keys and slices may be specified. This also flattens keys for *--format* and *--filter*.',
  }),
  flag({
    name: '--format',
    kind: 'value',
    metavar: 'FORMAT',
    global: true,
    help: 'Set the format for printing command output resources. The default is a command-specific human-friendly output format. The supported formats are limited to: `config`, `csv`, `default`, `diff`, `disable`, `flattened`, `get`, `json`, `list`, `multi`, `none`, `object`, `table`, `text`, `value`, `yaml`. For more details run $ gcloud topic formats.',
  }),
  flag({ name: '--help', kind: 'bool', global: true, help: 'Display detailed help.' }),
  flag({ name: '-h', dest: 'shortHelp', kind: 'bool', global: true, hidden: true, help: 'Print a summary help and exit.' }),
  flag({
    name: '--impersonate-service-account',
    kind: 'value',
    metavar: 'SERVICE_ACCOUNT_EMAILS',
    global: true,
    help: 'For this gcloud invocation, all API requests will be made as the given service account or target service account in an impersonation delegation chain instead of the currently selected account. Overrides the default *auth/impersonate_service_account* property value for this command invocation.',
  }),
  flag({
    name: '--log-http',
    kind: 'bool',
    negatable: true,
    global: true,
    help: 'Log all HTTP server requests and responses to stderr. Overrides the default *core/log_http* property value for this command invocation.',
  }),
  flag({
    name: '--project',
    kind: 'value',
    metavar: 'PROJECT_ID',
    global: true,
    help: "The Google Cloud project ID to use for this invocation. If omitted, then the current project is assumed; the current project can be listed using `gcloud config list --format='text(core.project)'` and can be set using `gcloud config set project PROJECTID`. Overrides the default *core/project* property value for this command invocation.",
  }),
  flag({
    name: '--quiet',
    kind: 'bool',
    global: true,
    help: 'Disable all interactive prompts when running gcloud commands. If input is required, defaults will be used, or an error will be raised. Overrides the default core/disable_prompts property value for this command invocation. This is equivalent to setting the environment variable `CLOUDSDK_CORE_DISABLE_PROMPTS` to 1.',
  }),
  flag({ name: '-q', dest: 'quiet', kind: 'bool', global: true, hidden: true, help: 'Same as --quiet.' }),
  flag({
    name: '--trace-token',
    kind: 'value',
    metavar: 'TRACE_TOKEN',
    global: true,
    help: 'Token used to route traces of service requests for investigation of issues. Overrides the default *core/trace_token* property value for this command invocation.',
  }),
  flag({
    name: '--user-output-enabled',
    kind: 'bool',
    negatable: true,
    global: true,
    help: 'Print user intended output to the console. Overrides the default *core/user_output_enabled* property value for this command invocation. Use *--no-user-output-enabled* to disable.',
  }),
  flag({
    name: '--verbosity',
    kind: 'value',
    metavar: 'VERBOSITY',
    choices: VERBOSITIES,
    global: true,
    help: 'Override the default verbosity for this command. Overrides the default *core/verbosity* property value for this command invocation. _VERBOSITY_ must be one of: *debug*, *info*, *warning*, *error*, *critical*, *none*.',
  }),
] as const;

/** The gcloud-wide flags' values, typed by their declarations. */
export type GlobalFlagValues = FlagValues<typeof GLOBAL_FLAGS>;

/**
 * The gcloud-wide flags' values out of a parse whose flags included GLOBAL_FLAGS: the parser fills
 * each dest from exactly these declarations, so this is where the untyped parse meets their types.
 */
export function globalFlagValues(values: Record<string, unknown>): GlobalFlagValues {
  return values as GlobalFlagValues;
}
