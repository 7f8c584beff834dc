// gcloud properties, resolved as gcloud resolves them: the command-line flag, then the
// CLOUDSDK_<SECTION>_<NAME> environment variable, then the active named configuration under
// $CLOUDSDK_CONFIG (default ~/.config/gcloud): `active_config` names it, `configurations/config_<name>`
// holds it as INI sections.
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { pythonOsError } from '../flags/os-error';
import { FileTooLargeError, NotRegularFileError, readRegularFile } from '../io/bounded-read';

export type PropertyName =
  | 'core/project'
  | 'core/account'
  | 'core/disable_color'
  | 'core/disable_prompts'
  | 'core/user_output_enabled'
  | 'core/verbosity'
  | 'core/log_http'
  | 'core/trace_token'
  | 'core/request_reason'
  | 'ai_platform/region'
  | 'api_endpoint_overrides/ml'
  | 'api_endpoint_overrides/aiplatform'
  | 'api_endpoint_overrides/storage'
  | 'api_endpoint_overrides/iamcredentials'
  | 'auth/access_token_file'
  | 'auth/disable_credentials'
  | 'auth/credential_file_override'
  | 'auth/impersonate_service_account'
  | 'storage/upload_chunk_size'
  | 'billing/quota_project'
  | 'core/http_timeout'
  | 'core/custom_ca_certs_file'
  | 'auth/disable_ssl_validation'
  | 'proxy/type'
  | 'proxy/address'
  | 'proxy/port'
  | 'proxy/username'
  | 'proxy/password'
  | 'core/universe_domain'
  | 'core/check_gce_metadata'
  | 'auth/token_host'
  | 'auth/service_account_use_self_signed_jwt';

type Ini = Record<string, Record<string, string>>;

function parseIni(text: string): Ini {
  const result: Ini = {};
  let section = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
      result[section] ??= {};
      continue;
    }
    const eq = line.search(/[=:]/);
    if (eq > 0 && section) result[section][line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return result;
}

export class Properties {
  private readonly fromFlags = new Map<PropertyName, string>();
  private configuration: Ini | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly configurationName?: string,
  ) {}

  /** The directory gcloud keeps its configurations in. */
  get configDir(): string {
    return this.env.CLOUDSDK_CONFIG || path.join(os.homedir(), '.config', 'gcloud');
  }

  get activeConfigurationName(): string {
    if (this.configurationName) return this.configurationName;
    if (this.env.CLOUDSDK_ACTIVE_CONFIG_NAME) return this.env.CLOUDSDK_ACTIVE_CONFIG_NAME;
    return readIfPresent(path.join(this.configDir, 'active_config'))?.trim() || 'default';
  }

  /** A flag such as --project sets its property for this invocation only. */
  setFromFlag(name: PropertyName, value: string | undefined): void {
    if (value !== undefined) this.fromFlags.set(name, value);
  }

  private readConfiguration(): Ini {
    if (!this.configuration) {
      const file = path.join(this.configDir, 'configurations', `config_${this.activeConfigurationName}`);
      const text = readIfPresent(file);
      this.configuration = text === undefined ? {} : parseIni(text);
    }
    return this.configuration;
  }

  /** Where a value comes from, for `IsExplicitlySet`-style questions; undefined when unset. */
  get(name: PropertyName): string | undefined {
    const flagValue = this.fromFlags.get(name);
    if (flagValue !== undefined) return flagValue;
    const [section, key] = name.split('/');
    const envValue = this.env[`CLOUDSDK_${section}_${key}`.toUpperCase()];
    if (envValue !== undefined && envValue !== '') return envValue;
    const fileValue = this.readConfiguration()[section]?.[key];
    return fileValue === '' ? undefined : fileValue;
  }

  /** The active configuration's own value (`project =` is '', which get() takes for unset). */
  configured(name: PropertyName): string | undefined {
    const [section, key] = name.split('/');
    return this.readConfiguration()[section]?.[key];
  }

  /** core/universe_domain: the domain every Google endpoint is under (default googleapis.com). */
  get universeDomain(): string {
    return this.get('core/universe_domain') ?? 'googleapis.com';
  }

  getBool(name: PropertyName, fallback: boolean): boolean {
    const value = this.get(name);
    if (value === undefined) return fallback;
    return !FALSE_WORDS.includes(value.trim().toLowerCase());
  }
}

/** The values a boolean property is false for (any other value is true). */
export const FALSE_WORDS: readonly string[] = ['0', 'false', 'no', 'off', ''];

/** A properties file is a few hundred bytes. */
const MAX_PROPERTIES_FILE_BYTES = 1024 * 1024;

/** A file's text, or undefined when there is no such file; a file that exists but cannot be read is an error. */
function readIfPresent(file: string): string | undefined {
  try {
    return readRegularFile(file, MAX_PROPERTIES_FILE_BYTES).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (err instanceof NotRegularFileError || err instanceof FileTooLargeError)
      throw new UserError(`Unable to read file [${file}]: ${err.message}.`);
    throw new UserError(`Unable to read file [${file}]: ${pythonOsError(err, file)}`);
  }
}
