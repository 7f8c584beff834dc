// Builds the context a command handler gets: properties (with the global flags applied), output
// filtering, lazy credentials and HTTP, the project, and the --format printer.
import { UserError } from '../errors';
import type { ParsedArgs } from '../flags/parser';
import type { Track } from '../flags/spec';
import type { CommandContext, CommandDefinition } from '../cli/command';
import { renderFormat, FormatError } from '../format';
import { quotaProjectFor, resolveCredentials, tokenTransport, type Credentials } from './auth';
import { HttpClient, headerDefaults, netSettings } from '../net';
import { colourAllowed, Output } from './output';
import { Properties, type PropertyName } from './properties';

export const VERSION = '0.1.0';

const FLAG_PROPERTIES: [string, PropertyName][] = [
  ['project', 'core/project'],
  ['account', 'core/account'],
  ['billingProject', 'billing/quota_project'],
  ['accessTokenFile', 'auth/access_token_file'],
  ['impersonateServiceAccount', 'auth/impersonate_service_account'],
  ['verbosity', 'core/verbosity'],
  ['traceToken', 'core/trace_token'],
];

const PROJECT_MISSING = `The required property [project] is not currently set.
It can be set on a per-command basis by re-running your command with the [--project] flag.

You may set it for your current workspace by running:

  $ gcloud config set project VALUE

or it can be set temporarily by the environment variable [CLOUDSDK_CORE_PROJECT]`;

export function buildContext(args: { track: Track; command: CommandDefinition; parsed: ParsedArgs; env: NodeJS.ProcessEnv; signal: AbortSignal }): CommandContext {
  const { track, command, parsed, env, signal } = args;
  const values = parsed.values;
  const properties = new Properties(env, values.configuration as string | undefined);
  for (const [dest, property] of FLAG_PROPERTIES) properties.setFromFlag(property, values[dest] as string | undefined);
  if (values.userOutputEnabled !== undefined) properties.setFromFlag('core/user_output_enabled', String(values.userOutputEnabled));
  if (values.logHttp !== undefined) properties.setFromFlag('core/log_http', String(values.logHttp));
  if (values.quiet) properties.setFromFlag('core/disable_prompts', 'true');

  const stderr = process.stderr;
  const output = new Output({
    stdout: process.stdout,
    stderr,
    userOutputEnabled: properties.getBool('core/user_output_enabled', true),
    verbosity: properties.get('core/verbosity') ?? 'warning',
    // A spinner needs a real terminal with a width (some pseudo-terminals report 0 columns).
    interactive: Boolean(stderr.isTTY) && (stderr.columns ?? 0) > 0 && !env.CI && !properties.getBool('core/disable_prompts', false),
    colour: colourAllowed(env),
  });

  const format = (values.format as string | undefined) ?? command.defaultFormat;
  const flatten = values.flatten as string[] | undefined;
  // Bad --format expressions are refused before anything runs.
  try {
    renderFormat({}, format, { flatten });
  } catch (err) {
    if (err instanceof FormatError) throw new UserError(err.message);
    throw err;
  }

  let credentials: Credentials | undefined;
  let http: HttpClient | undefined;
  // The quota project is read when a request is built: CURRENT_PROJECT depends on the kind of credential.
  const httpClient = () =>
    (http ??= new HttpClient(output, {
      settings: netSettings(properties, env),
      headers: headerDefaults(properties, `gcloud-aip/${VERSION} command/${command.path.join('.')}`, () => quotaProjectFor(properties, getCredentials)),
      logHttp: properties.getBool('core/log_http', false),
      signal,
    }));
  // Token requests (and google-auth-library's) go through the same client.
  const getCredentials = () => (credentials ??= resolveCredentials(properties, env, output, tokenTransport(httpClient())));
  return {
    track,
    specified: parsed.specified,
    output,
    properties,
    env,
    signal,
    credentials: getCredentials,
    http: httpClient,
    requireProject: () => {
      const project = properties.get('core/project');
      if (!project) throw new UserError(PROJECT_MISSING);
      return project;
    },
    printResult: (resource) => output.result(renderFormat(resource, format, { flatten })),
  };
}
