// Credentials, resolved in gcloud's order (store.py Load) and from nowhere gcloud would not look:
// auth/disable_credentials → no Authorization header; CLOUDSDK_AUTH_ACCESS_TOKEN; then
// --access-token-file / auth/access_token_file; auth/credential_file_override; then the active
// account (--account, CLOUDSDK_CORE_ACCOUNT, core/account of the active configuration) in gcloud's
// credential store under $CLOUDSDK_CONFIG (src/credentials/); with no account set, the GCE metadata
// server's default account when there is one (core/check_gce_metadata). Application Default
// Credentials ($HOME, GOOGLE_APPLICATION_CREDENTIALS) are not a source: gcloud never uses them for
// its own calls. Tokens are cached for the run, refreshed before they expire, and never printed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBounded, readRegularFile } from '../io/bounded-read';
import { pythonOsError } from '../flags/os-error';
import { UserError } from '../errors';
import type { GaxiosOptions } from 'gaxios';
import { gaxiosTransport, headerDefaults, HttpClient, netSettings, NetworkError, NO_RETRY } from '../net';
import { Output } from '../ui/output';
import type { Properties } from '../config/properties';
import { CredentialStore, DEFAULT_UNIVERSE, type StoredCredential } from './store';
import {
  CLOUD_PLATFORM_SCOPE,
  GrantError,
  jwtBearerGrant,
  libraryToken,
  metadataToken,
  refreshTokenGrant,
  selfSignedJwt,
  type FormPoster,
  type IssuedToken,
} from './grants';

export interface Credentials {
  /**
   * Bearer token, or undefined when credentials are disabled. A cached token is returned while it
   * stays valid for a safety margin; forceRefresh (after a 401) gets a new one.
   */
  token(options?: { forceRefresh?: boolean }): Promise<string | undefined>;
  /** gcloud's sentence appended to 401/403 errors, naming where the credential came from. */
  describe(): string;
  /** A user's credential (a login), as opposed to a service account's: decides billing/quota_project CURRENT_PROJECT. */
  isUserAccount(): boolean;
}

/** Access tokens are a few hundred bytes to a few KiB. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;
/** Key and credential files are a few KiB. */
const MAX_CREDENTIAL_FILE_BYTES = 1024 * 1024;

/** gcloud refreshes a token that expires within 5 minutes (store.py _CREDENTIALS_EXPIRY_WINDOW). */
const EXPIRY_WINDOW_MS = 300_000;

export const DEFAULT_TOKEN_HOST = 'https://oauth2.googleapis.com/token';
const DEFAULT_METADATA_HOST = 'metadata.google.internal';
/** gcloud's on-disk "are we on GCE" answer is trusted for 10 minutes (gce_cache.py). */
const GCE_CACHE_MAX_AGE_MS = 10 * 60_000;
const GCE_CHECK_TIMEOUT_MS = 3000;

/** The line that follows gcloud's "no credentials" errors: what gcloud-aip can use. */
export const WHAT_WORKS =
  "gcloud-aip uses gcloud's own credentials: run `gcloud auth login` or `gcloud auth activate-service-account --key-file=KEY_FILE` " +
  '(then pick one with --account or `gcloud config set account`), or pass a token with --access-token-file or CLOUDSDK_AUTH_ACCESS_TOKEN, ' +
  'or a key or credential file with auth/credential_file_override.';

const SWITCH_ACCOUNT =
  'If you have already logged in with a different account, run:\n\n  $ gcloud config set account ACCOUNT\n\nto select an already authenticated account to use.';
const NO_ACTIVE_ACCOUNT = `You do not currently have an active account selected.\nPlease run:\n\n  $ gcloud auth login\n\nto obtain new credentials.\n\n${SWITCH_ACCOUNT}\n${WHAT_WORKS}`;

function noCredentialsForAccount(account: string): string {
  return (
    `Your current active account [${account}] does not have any valid credentials\nPlease run:\n\n  $ gcloud auth login\n\n` +
    `to obtain new credentials.\n\nFor service account, please activate it first:\n\n  $ gcloud auth activate-service-account ACCOUNT\n${WHAT_WORKS}`
  );
}

function refreshFailed(account: string | undefined, reason: string, serviceAccount: boolean): string {
  const lead = account
    ? `There was a problem refreshing auth tokens for account ${account}: ${reason}`
    : `There was a problem refreshing your current auth tokens: ${reason}`;
  const relogin = serviceAccount
    ? 'Please run:\n\n  $ gcloud auth activate-service-account --key-file=SERVICE_ACCOUNT_FILE_PATH\n\nOr:\n\n  $ gcloud auth login --cred-file=SERVICE_ACCOUNT_FILE_PATH\n\nto obtain new credentials.'
    : 'Please run:\n\n  $ gcloud auth login\n\nto obtain new credentials.';
  return `${lead}\n${relogin}\n\n${SWITCH_ACCOUNT}`;
}

/** How token requests are sent (the token endpoint, the metadata server); tests and the CLI supply it. */
export interface TokenTransport {
  post: FormPoster;
  get(url: string, headers: Record<string, string>, timeoutMs?: number): Promise<{ status: number; body: string }>;
  /** google-auth-library's transporter options (external accounts, impersonation). */
  library?: GaxiosOptions;
}

/** `transport`: how token requests travel (the CLI passes its one HTTP client's); tests script it. */
export function resolveCredentials(
  properties: Properties,
  env: NodeJS.ProcessEnv,
  output?: Output,
  transport?: TokenTransport,
): Credentials {
  if (properties.getBool('auth/disable_credentials', false)) {
    return {
      token: async () => undefined,
      describe: () => 'This command is unauthenticated because the [auth/disable_credentials] property is True.',
      isUserAccount: () => false,
    };
  }
  const tokens = transport ?? lazyTransport(properties, env, output);
  const source = sourceCredentials(properties, env, tokens);
  const impersonate = properties.get('auth/impersonate_service_account');
  if (!impersonate) return source;
  const accounts = impersonate
    .split(',')
    .map((account) => account.trim())
    .filter(Boolean);
  const target = accounts[accounts.length - 1];
  const delegates = accounts.slice(0, -1);
  let warned = false;
  const cache = new TokenCache(async () => {
    if (!warned) output?.warning(`This command is using service account impersonation. All API calls will be executed as [${target}].`);
    warned = true;
    return impersonatedToken(
      source,
      target,
      delegates,
      properties.get('api_endpoint_overrides/iamcredentials'),
      properties.universeDomain,
      tokens.library,
    );
  });
  return {
    token: (options) => cache.token(options),
    describe: () => {
      const chain = delegates.length ? ` via delegate chain: ${delegates.join(', ')}` : '';
      return `${source.describe()} Impersonation is used to impersonate ${target}${chain}.`;
    },
    isUserAccount: () => false,
  };
}

/**
 * An access token kept for the run. A token is refreshed once less than the margin is left: gcloud's
 * 5 minutes, or half the token's lifetime when it lives shorter than 10 minutes (so that a
 * 5-second token is still used for 2.5 s). Concurrent callers share one refresh.
 */
export class TokenCache {
  private current: (IssuedToken & { obtainedAt: number }) | undefined;
  private pending: Promise<IssuedToken & { obtainedAt: number }> | undefined;

  constructor(
    /** A new token; `lifetimeUnknown` (a token gcloud cached) gets gcloud's whole window. */
    private readonly fetch: () => Promise<IssuedToken & { lifetimeUnknown?: boolean }>,
    private readonly now: () => number = Date.now,
  ) {}

  async token(options: { forceRefresh?: boolean } = {}): Promise<string> {
    if (!options.forceRefresh && this.current && this.fresh(this.current)) return this.current.accessToken;
    if (!this.pending) {
      const obtainedAt = this.now();
      this.pending = this.fetch()
        .then((issued) => (this.current = { ...issued, obtainedAt: issued.lifetimeUnknown ? -Infinity : obtainedAt }))
        .finally(() => (this.pending = undefined));
    }
    return (await this.pending).accessToken;
  }

  private fresh(token: IssuedToken & { obtainedAt: number }): boolean {
    if (token.expiresAt === undefined) return true;
    const lifetime = token.expiresAt - token.obtainedAt;
    const margin = Math.min(EXPIRY_WINDOW_MS, lifetime / 2);
    return token.expiresAt - this.now() > margin;
  }
}

function fixedToken(token: string, describe: string): Credentials {
  return { token: async () => token, describe: () => describe, isUserAccount: () => false };
}

/** The credentials an API call (or the impersonation request) is made with, in gcloud's order. */
function sourceCredentials(properties: Properties, env: NodeJS.ProcessEnv, transport: TokenTransport): Credentials {
  const envToken = env.CLOUDSDK_AUTH_ACCESS_TOKEN;
  if (envToken) {
    return fixedToken(
      envToken.trim(),
      'This command is authenticated with an access token from the CLOUDSDK_AUTH_ACCESS_TOKEN environment variable.',
    );
  }
  const tokenFile = properties.get('auth/access_token_file');
  if (tokenFile) {
    let cached: string | undefined;
    return {
      token: async () => (cached ??= readTokenFile(tokenFile)),
      describe: () =>
        `This command is authenticated with an access token from ${tokenFile} specified by the [auth/access_token_file] property.`,
      isUserAccount: () => false,
    };
  }
  const keyFile = properties.get('auth/credential_file_override');
  if (keyFile) {
    let info: Record<string, unknown> | undefined;
    const load = () => (info ??= readCredentialFile(keyFile));
    const cache = new TokenCache(() => credentialToken(load(), undefined, { properties, env, transport, fromOverrideFile: true }));
    return {
      token: (options) => cache.token(options),
      describe: () => {
        const email = load().client_email;
        return `This command is authenticated as ${typeof email === 'string' ? email : 'None'} using the credentials in ${keyFile}, specified by the [auth/credential_file_override] property.`;
      },
      isUserAccount: () => isUserCredential(load()),
    };
  }
  return activeAccountCredentials(properties, env, transport);
}

/** The active account's credential from gcloud's store, or (no account set) the GCE metadata server's. */
function activeAccountCredentials(properties: Properties, env: NodeJS.ProcessEnv, transport: TokenTransport): Credentials {
  const account = properties.get('core/account');
  let stored: StoredCredential | undefined;
  let store: CredentialStore | undefined;
  const load = (): StoredCredential | undefined => {
    if (!account) return undefined;
    store ??= CredentialStore.open(properties.configDir);
    stored ??= store.load(account, properties.universeDomain);
    return stored;
  };
  let gceAccount: string | undefined;
  let cacheRead = false;
  const cache = new TokenCache(async () => {
    const credential = load();
    if (credential && store && !cacheRead) {
      // The token gcloud cached is used as is while it has more than gcloud's window left (not for self-signed JWTs, made fresh as gcloud does).
      cacheRead = true;
      const cached = usesSelfSignedJwt(credential.info, properties) ? undefined : store.cachedToken(credential.storeKey);
      if (cached && cached.expiresAt - Date.now() > EXPIRY_WINDOW_MS) return { ...cached, lifetimeUnknown: true };
    }
    if (credential) return credentialToken(credential.info, credential.account, { properties, env, transport, fromOverrideFile: false });
    if (account) {
      // gcloud's static providers: an account the GCE metadata server has.
      if ((await onGce(properties, env, transport)) && (await metadataAccounts(env, transport)).includes(account)) {
        return gceToken(metadataHostOf(env), account, transport);
      }
      throw new UserError(noCredentialsForAccount(account));
    }
    gceAccount = await metadataDefaultAccount(properties, env, transport);
    if (!gceAccount) throw new UserError(NO_ACTIVE_ACCOUNT);
    return gceToken(metadataHostOf(env), gceAccount, transport);
  });

  return {
    token: (options) => cache.token(options),
    describe: () =>
      `This command is authenticated as ${account ?? gceAccount ?? 'None'} which is the active account specified by the [core/account] property.`,
    isUserAccount: () => {
      const credential = load();
      return credential !== undefined && isUserCredential(credential.info);
    },
  };
}

function isUserCredential(info: Record<string, unknown>): boolean {
  if (info.type === 'authorized_user' || info.type === 'external_account_authorized_user') return true;
  // A workforce-pool login without impersonation acts as its user.
  return (
    info.type === 'external_account' &&
    /\/locations\/[^/]+\/workforcePools\//.test(String(info.audience ?? '')) &&
    !info.service_account_impersonation_url
  );
}

function usesSelfSignedJwt(info: Record<string, unknown>, properties: Properties): boolean {
  if (info.type !== 'service_account') return false;
  const credentialUniverse = typeof info.universe_domain === 'string' ? info.universe_domain : DEFAULT_UNIVERSE;
  return (
    credentialUniverse !== DEFAULT_UNIVERSE ||
    properties.universeDomain !== DEFAULT_UNIVERSE ||
    properties.getBool('auth/service_account_use_self_signed_jwt', false)
  );
}

/**
 * The token endpoint a stored credential uses (creds.py GetEffectiveTokenUri): auth/token_host when
 * set, else the credential's own token_uri, else Google's. A credential file override's user login
 * always uses auth/token_host (or Google's).
 */
function tokenUri(info: Record<string, unknown>, properties: Properties, fromOverrideFile: boolean): string {
  const host = properties.get('auth/token_host');
  if (host) return host;
  if (fromOverrideFile && info.type === 'authorized_user') return DEFAULT_TOKEN_HOST;
  return typeof info.token_uri === 'string' && info.token_uri ? info.token_uri : DEFAULT_TOKEN_HOST;
}

interface TokenSetting {
  properties: Properties;
  env: NodeJS.ProcessEnv;
  transport: TokenTransport;
  /** From auth/credential_file_override rather than gcloud's store. */
  fromOverrideFile: boolean;
}

async function credentialToken(info: Record<string, unknown>, account: string | undefined, setting: TokenSetting): Promise<IssuedToken> {
  const { properties, transport, fromOverrideFile } = setting;
  const serviceAccount =
    info.type === 'service_account' || info.type === 'external_account' || info.type === 'impersonated_service_account';
  const who = account ?? (typeof info.client_email === 'string' ? info.client_email : undefined);
  try {
    switch (info.type) {
      case 'service_account':
        if (usesSelfSignedJwt(info, properties)) return selfSignedJwt(info);
        return await jwtBearerGrant(info, tokenUri(info, properties, fromOverrideFile), transport.post);
      case 'authorized_user':
        return await refreshTokenGrant(info, tokenUri(info, properties, fromOverrideFile), transport.post);
      case 'external_account':
      case 'external_account_authorized_user':
      case 'impersonated_service_account':
        return await libraryToken(info, properties.get('core/project'), transport.library);
      case 'gce':
        return await gceToken(metadataHostOf(setting.env), String(info.service_account_email ?? 'default'), transport);
      default:
        throw new UserError(
          `gcloud-aip cannot use credentials of type [${String(info.type)}]${who ? ` (account [${who}])` : ''}.\n${WHAT_WORKS}`,
        );
    }
  } catch (err) {
    if (err instanceof GrantError || err instanceof NetworkError) throw new UserError(refreshFailed(who, err.message, serviceAccount));
    throw err;
  }
}

/** Where tokens come from on GCE (google-auth's GCE_METADATA_HOST, then gcloud's GCE_METADATA_ROOT). */
function metadataHostOf(env: NodeJS.ProcessEnv): string {
  return env.GCE_METADATA_HOST || metadataRoot(env);
}

/** The metadata server gcloud asks whether this is GCE and which accounts it has. */
function metadataRoot(env: NodeJS.ProcessEnv): string {
  return env.GCE_METADATA_ROOT || DEFAULT_METADATA_HOST;
}

async function gceToken(host: string, account: string, transport: TokenTransport): Promise<IssuedToken> {
  try {
    return await metadataToken(host, account, (url) => transport.get(url, { 'metadata-flavor': 'Google' }));
  } catch (err) {
    if (err instanceof GrantError) throw new UserError(refreshFailed(account, err.message, true));
    throw new UserError(refreshFailed(account, `the metadata server did not answer: ${(err as Error).message}`, true));
  }
}

/**
 * Whether this is a GCE VM, as gcloud decides: its fresh on-disk answer ($CLOUDSDK_CONFIG/gce,
 * trusted for 10 minutes), else the metadata server answering with a numeric project id. gcloud
 * writes its answer back; this reader does not.
 */
async function onGce(properties: Properties, env: NodeJS.ProcessEnv, transport: TokenTransport): Promise<boolean> {
  if (!properties.getBool('core/check_gce_metadata', true)) return false;
  const cacheFile = path.join(properties.configDir, 'gce');
  try {
    if (Date.now() - fs.statSync(cacheFile).mtimeMs < GCE_CACHE_MAX_AGE_MS)
      return readRegularFile(cacheFile, 64).toString('utf8') === 'True';
  } catch {
    // no cached answer: ask the server
  }
  const root = metadataRoot(env);
  try {
    const res = await transport.get(
      `http://${root}/computeMetadata/v1/project/numeric-project-id`,
      { 'metadata-flavor': 'Google' },
      GCE_CHECK_TIMEOUT_MS,
    );
    return res.status === 200 && /^\d+$/.test(res.body.trim());
  } catch {
    return false;
  }
}

async function metadataDefaultAccount(
  properties: Properties,
  env: NodeJS.ProcessEnv,
  transport: TokenTransport,
): Promise<string | undefined> {
  if (!(await onGce(properties, env, transport))) return undefined;
  const root = metadataRoot(env);
  try {
    const res = await transport.get(`http://${root}/computeMetadata/v1/instance/service-accounts/default/email`, {
      'metadata-flavor': 'Google',
    });
    return res.status === 200 ? res.body.trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}

async function metadataAccounts(env: NodeJS.ProcessEnv, transport: TokenTransport): Promise<string[]> {
  const root = metadataRoot(env);
  try {
    const res = await transport.get(`http://${root}/computeMetadata/v1/instance/service-accounts/`, { 'metadata-flavor': 'Google' });
    return res.status === 200
      ? res.body
          .split('\n')
          .map((line) => line.replace(/\/$/, '').trim())
          .filter((a) => a && a !== 'default')
      : [];
  } catch {
    return [];
  }
}

function readTokenFile(file: string): string {
  let text: string;
  try {
    text = readBounded(file, MAX_TOKEN_FILE_BYTES);
  } catch (err) {
    throw new UserError(`Unable to read file [${file}]: ${pythonOsError(err, file)}`);
  }
  const token = text.trim();
  if (!token) throw new UserError(`The access token file [${file}] is empty.`);
  if (/[\s\x00-\x1f]/.test(token)) throw new UserError(`The access token file [${file}] must contain only an access token.`);
  return token;
}

function readCredentialFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readBounded(file, MAX_CREDENTIAL_FILE_BYTES);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message;
    throw new UserError(`Failed to load credential file: [${file}].  ${reason}`);
  }
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch (err) {
    throw new UserError(`Failed to load credential file: [${file}].  File ${file} is not a valid json file. ${(err as Error).message}`);
  }
  if (!info || typeof info !== 'object' || typeof (info as { type?: unknown }).type !== 'string') {
    throw new UserError(`Failed to load credential file: [${file}].  The file does not have a valid type.`);
  }
  return info as Record<string, unknown>;
}

/** A client of the network layer's own, made on the first token request (for callers without one). */
function lazyTransport(properties: Properties, env: NodeJS.ProcessEnv, output: Output | undefined): TokenTransport {
  let made: TokenTransport | undefined;
  const transport = () => {
    const quiet =
      output ??
      new Output({ stdout: process.stdout, stderr: process.stderr, userOutputEnabled: false, verbosity: 'none', interactive: false });
    return (made ??= tokenTransport(
      new HttpClient(quiet, {
        settings: netSettings(properties, env),
        headers: headerDefaults(properties, 'gcloud-aip (auth)', () => undefined),
      }),
    ));
  };
  return {
    post: (url, form) => transport().post(url, form),
    get: (url, headers, timeoutMs) => transport().get(url, headers, timeoutMs),
    get library() {
      return transport().library;
    },
  };
}

/**
 * Token requests over the CLI's one HTTP client (its proxy, TLS trust, timeouts and retries), never
 * shown by --log-http (their bodies hold secrets); google-auth-library's own requests go the same way.
 */
export function tokenTransport(http: HttpClient): TokenTransport {
  const text = (res: { status: number; body: Buffer }) => ({ status: res.status, body: res.body.toString('utf8') });
  const secret = { bodySummary: 'Body redacted: Contains oauth token.', redactResponse: true };
  return {
    post: async (url, form) =>
      text(
        await http.request({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
          ...secret,
        }),
      ),
    get: async (url, headers, timeoutMs) => {
      // A short bound for probes (the metadata server on a laptop does not answer): one attempt, no
      // proxy and no --log-http, as gcloud probes the metadata server.
      const probe = timeoutMs === undefined ? {} : { retry: NO_RETRY, deadlineMs: timeoutMs, direct: true, unlogged: true };
      return text(await http.request({ method: 'GET', url, headers, ...secret, ...probe }));
    },
    library: gaxiosTransport(http),
  };
}

/**
 * google-auth-library's Impersonated credentials over whatever the source is (an access token
 * included, as gcloud allows): IAM Credentials generateAccessToken for the last account of the
 * chain, the others as delegates.
 */
async function impersonatedToken(
  source: Credentials,
  target: string,
  delegates: string[],
  endpointOverride: string | undefined,
  universe: string,
  transporterOptions: GaxiosOptions | undefined,
): Promise<IssuedToken> {
  const sourceToken = await source.token();
  const { Impersonated, OAuth2Client } = require('google-auth-library') as typeof import('google-auth-library');
  const sourceClient = new OAuth2Client({ transporterOptions });
  sourceClient.setCredentials({ access_token: sourceToken });
  const impersonated = new Impersonated({
    sourceClient,
    targetPrincipal: target,
    delegates,
    targetScopes: [CLOUD_PLATFORM_SCOPE],
    lifetime: 3600,
    // The library appends /v1/…; a gcloud override names the API root, usually ending in /v1/ or /.
    endpoint: endpointOverride ? endpointOverride.replace(/\/(v1\/?)?$/, '') : `https://iamcredentials.${universe}`,
    transporterOptions,
  });
  try {
    const { token } = await impersonated.getAccessToken();
    if (token) return { accessToken: token, expiresAt: impersonated.credentials.expiry_date ?? undefined };
  } catch (err) {
    throw new UserError(
      `Failed to impersonate [${target}]. Make sure the account that's trying to impersonate it has access to the service account itself and the "roles/iam.serviceAccountTokenCreator" role.`,
      { hint: (err as Error).message },
    );
  }
  throw new UserError(`Failed to impersonate [${target}]: the IAM Credentials API returned no access token.`);
}

/**
 * The X-Goog-User-Project value (creds.py GetQuotaProject), for the ai-platform group whose default
 * is LEGACY: unset or LEGACY sends none; CURRENT_PROJECT (or CURRENT_PROJECT_WITH_FALLBACK) sends
 * the project for a user's credential and nothing for a service account's; any other value is the
 * project to bill. Nothing without credentials.
 */
export function quotaProjectFor(properties: Properties, credentials: () => Credentials): string | undefined {
  const value = properties.get('billing/quota_project');
  if (!value || value === 'LEGACY' || properties.getBool('auth/disable_credentials', false)) return undefined;
  if (value === 'CURRENT_PROJECT' || value === 'CURRENT_PROJECT_WITH_FALLBACK') {
    return credentials().isUserAccount() ? properties.get('core/project') : undefined;
  }
  return value;
}
