// Builds the context a command handler gets: properties (with the global flags applied), output
// filtering, lazy credentials and HTTP, the project, and the --format printer.
import { UserError } from '../errors';
import type { ParsedArgs } from '../flags/parser';
import type { Track } from '../flags/spec';
import type { CommandContext, CommandDefinition } from '../commands/registry';
import { renderFormat, FormatError } from '../output/format';
import { resolveCredentials, type Credentials } from './auth';
import { HttpClient } from './http';
import { colourAllowed, Output } from './output';
import { Properties, type PropertyName } from './properties';
import { validateVersion } from '../version/validate';

// Bundled at build time (only this field of package.json): one version, in one place.
import { version } from '../../package.json';

export const VERSION = version;

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

You may set it for your current workspace with the Cloud SDK (gcloud-aip reads its configuration) by running:

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
    colour: colourAllowed(env, stderr, properties.getBool('core/disable_color', false)),
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
  const chunk = properties.get('storage/upload_chunk_size');
  return {
    track,
    specified: parsed.specified,
    output,
    properties,
    env,
    signal,
    credentials: () => (credentials ??= resolveCredentials(properties, env, output)),
    http: () =>
      (http ??= new HttpClient(output, {
        logHttp: properties.getBool('core/log_http', false),
        userAgent: `gcloud-aip/${VERSION} command/${command.path.join('.')}`,
        headers: gcloudHeaders(properties),
        signal,
      })),
    requireProject: () => {
      const project = properties.get('core/project');
      if (!project) throw new UserError(PROJECT_MISSING);
      return project;
    },
    quotaProject: properties.get('billing/quota_project'),
    uploadChunkSize: chunk ? parseSize(chunk) : undefined,
    validateVersion: (built) => validateVersion(built, output, Boolean(values.noValidate)),
    printResult: (resource) => output.result(renderFormat(resource, format, { flatten })),
  };
}

/** storage/upload_chunk_size accepts plain bytes or sizes like 100MiB / 8M. */
export function parseSize(value: string): number {
  const m = /^\s*(\d+)\s*([kmgt]?)(i?b?)\s*$/i.exec(value);
  if (!m) throw new UserError(`Invalid value for [storage/upload_chunk_size]: ${value}`);
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const base = m[3].toLowerCase().startsWith('i') || m[2] ? 1024 : 1;
  return Number(m[1]) * base ** power;
}

/** Headers gcloud adds to every request from properties: the trace token (as a Cookie) and a request reason. */
function gcloudHeaders(properties: Properties): Record<string, string> {
  const headers: Record<string, string> = {};
  const trace = properties.get('core/trace_token');
  if (trace) headers.cookie = trace;
  const reason = properties.get('core/request_reason');
  if (reason) headers['x-goog-request-reason'] = reason;
  return headers;
}
