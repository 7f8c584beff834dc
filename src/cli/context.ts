// Builds the context a command handler gets: properties (with the global flags applied), output
// filtering, lazy credentials and HTTP, the project, and the --format printer.
import { UserError } from '../errors';
import type { ParsedArgs } from '../flags/parser';
import type { GlobalFlagValues } from '../flags/global-flags';
import type { Track } from '../flags/spec';
import type { CommandContext, CommandDefinition } from './command';
import { flagConditionals, printedBeforeError, printList, renderFormat, FormatError } from '../format';
import { quotaProjectFor, resolveCredentials, tokenTransport, type Credentials } from '../credentials/auth';
import { HttpClient, headerDefaults, netSettings } from '../net';
import { colourAllowed, consoleOf, Output } from '../ui/output';
import { Properties, type PropertyName } from '../config/properties';
import type { Target } from '../config/target';

// Bundled at build time (only this field of package.json): one version, in one place.
import { version } from '../../package.json';

export const VERSION = version;

/** The gcloud-wide flags whose value is a string. */
type StringFlag = { [K in keyof GlobalFlagValues]-?: NonNullable<GlobalFlagValues[K]> extends string ? K : never }[keyof GlobalFlagValues];

/** Flags that set the property of the same meaning for this run. */
const FLAG_PROPERTIES: [StringFlag, PropertyName][] = [
  ['project', 'core/project'],
  ['account', 'core/account'],
  ['billingProject', 'billing/quota_project'],
  ['accessTokenFile', 'auth/access_token_file'],
  ['impersonateServiceAccount', 'auth/impersonate_service_account'],
  ['verbosity', 'core/verbosity'],
  ['traceToken', 'core/trace_token'],
];

// gcloud's, verbatim (gcloud-aip reads the same configuration, so `gcloud config set` applies to it).
const PROJECT_MISSING = `The required property [project] is not currently set.
It can be set on a per-command basis by re-running your command with the [--project] flag.

You may set it for your current workspace by running:

  $ gcloud config set project VALUE

or it can be set temporarily by the environment variable [CLOUDSDK_CORE_PROJECT]`;

const SET_PROJECT_HELP = `To set your project, run:

  $ gcloud config set project PROJECT_ID

or to unset it, run:

  $ gcloud config unset project`;

// core/properties.py's project id pattern: an optional `domain:` prefix, then the id.
const VALID_PROJECT = /^(?:(?:[-a-z0-9]{1,63}\.)*(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?):)?(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)$/;

/** gcloud's project property validator; undefined when the value is acceptable. */
function projectProblem(project: string): string | undefined {
  if (project === '') return 'The project property is set to the empty string, which is invalid.';
  if (VALID_PROJECT.test(project)) return undefined;
  if (/^[-0-9A-Z]/.test(project) || /[ !"']/.test(project)) {
    return `The project property must be set to a valid project ID, not the project name [${project}]`;
  }
  return `The project property must be set to a valid project ID, [${project}] is not a valid project ID.`;
}

/**
 * What gcloud's ai-platform group checks before any command runs (calliope's RequireProjectID): a
 * --project value is validated as the flag is parsed (`ERROR: (gcloud) …`), a project number is
 * refused, and the project property as set (an empty CLOUDSDK_CORE_PROJECT or `project =` included) is validated.
 */
function checkProject(flagValue: string | undefined, env: NodeJS.ProcessEnv, properties: Properties): void {
  if (flagValue) {
    const problem = projectProblem(flagValue);
    if (problem) throw new UserError(`${problem}\n${SET_PROJECT_HELP}`, { command: 'gcloud' });
    if (/^\d+$/.test(flagValue)) {
      throw new UserError("The value of ``--project'' flag was set to Project number.To use this command, set it to PROJECT ID instead.");
    }
    return;
  }
  // An empty `project =` in the configuration is validated too (and refused as the empty string).
  const project = flagValue ?? env.CLOUDSDK_CORE_PROJECT ?? properties.get('core/project') ?? properties.configured('core/project');
  if (project === undefined) return;
  const problem = projectProblem(project);
  if (problem) throw new UserError(`${problem}\n${SET_PROJECT_HELP}`);
  if (/^\d+$/.test(project)) {
    throw new UserError(
      "The value of ``core/project'' property is set to project number.To use this command, set ``--project'' flag to PROJECT ID or set ``core/project'' property to PROJECT ID.",
    );
  }
}

/**
 * `globals`: the gcloud-wide flags' values (typed); `parsed`: the whole parse, for what was given
 * explicitly and for --format's conditionals, which may name any of the command's flags.
 */
export function buildContext(args: {
  track: Track;
  command: CommandDefinition;
  globals: GlobalFlagValues;
  parsed: ParsedArgs;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  target: () => Target;
}): CommandContext {
  const { track, command, globals, parsed, env, signal, target } = args;
  const properties = propertiesWithFlags(command, globals, env);
  const output = outputFor(properties, env);

  // An empty --format is no format (gcloud tests it for truth). An explicit one is appended to the
  // command's own default — `none` for gcloud's silent commands (create, delete, wait, cancel),
  // `default` for describe — which its error messages quote (`[none value(...)]`).
  const explicitFormat = globals.format || undefined;
  const format = explicitFormat ?? command.defaultFormat;
  const composeWith = explicitFormat !== undefined ? command.defaultFormat : undefined;
  const flatten = globals.flatten;

  let credentials: Credentials | undefined;
  let http: HttpClient | undefined;
  // The quota project is read when a request is built: CURRENT_PROJECT depends on the kind of credential.
  const httpClient = () =>
    (http ??= new HttpClient(output, {
      settings: netSettings(properties, env),
      headers: headerDefaults(properties, `gcloud-aip/${VERSION} command/${command.path.join('.')}`, () =>
        quotaProjectFor(properties, getCredentials),
      ),
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
    target,
    credentials: getCredentials,
    http: httpClient,
    requireProject: () => {
      const project = properties.get('core/project');
      if (!project) throw new UserError(PROJECT_MISSING);
      return project;
    },
    // As in gcloud, whose display layer runs after the command: a bad --format is reported once the
    // command has done its work (and not at all when user output is disabled).
    printResult: (resource, messageType) => {
      if (!properties.getBool('core/user_output_enabled', true)) return;
      try {
        output.result(
          renderFormat(resource, format, {
            flatten,
            defaultFormat: composeWith,
            message: true,
            messageType,
            conditionals: flagConditionals(parsed.values),
          }),
        );
      } catch (err) {
        output.result(printedBeforeError(err));
        throw displayError(err);
      }
    },
    printList: listPrinter(properties, output),
  };
}

/** A bad --format, --filter or --sort-by expression is the user's error. */
function displayError(err: unknown): unknown {
  return err instanceof FormatError ? new UserError(err.message) : err;
}

/** A list command's display layer, as printResult is a resource's. */
function listPrinter(properties: Properties, output: Output): CommandContext['printList'] {
  return async (load, options, listCommand) => {
    if (!properties.getBool('core/user_output_enabled', true)) {
      // gcloud's display layer is off: it drains the list without formatting or filtering it.
      for await (const _ of load());
      return;
    }
    await printList(load, options, { ...listCommand, output }).catch((err: unknown) => Promise.reject(displayError(err)));
  };
}

/** The properties as gcloud sees them once the global flags are applied (a flag wins over its property). */
function propertiesWithFlags(command: CommandDefinition, globals: GlobalFlagValues, env: NodeJS.ProcessEnv): Properties {
  const properties = new Properties(env, globals.configuration);
  if (command.path[0] === 'ai-platform') checkProject(globals.project, env, properties);
  for (const [dest, property] of FLAG_PROPERTIES) properties.setFromFlag(property, globals[dest]);
  if (globals.userOutputEnabled !== undefined) properties.setFromFlag('core/user_output_enabled', String(globals.userOutputEnabled));
  if (globals.logHttp !== undefined) properties.setFromFlag('core/log_http', String(globals.logHttp));
  if (globals.quiet) properties.setFromFlag('core/disable_prompts', 'true');
  return properties;
}

function outputFor(properties: Properties, env: NodeJS.ProcessEnv): Output {
  const stderr = process.stderr;
  return new Output({
    stdout: process.stdout,
    stderr,
    userOutputEnabled: properties.getBool('core/user_output_enabled', true),
    verbosity: properties.get('core/verbosity') ?? 'warning',
    // A spinner needs a real terminal with a width (some pseudo-terminals report 0 columns).
    interactive: Boolean(stderr.isTTY) && (stderr.columns ?? 0) > 0 && !env.CI && !properties.getBool('core/disable_prompts', false),
    colour: colourAllowed(env, stderr, properties.getBool('core/disable_color', false)),
    console: consoleOf(process.stdin, process.stdout, stderr, env),
  });
}
