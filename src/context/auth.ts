// Credentials, resolved in gcloud's order: auth/disable_credentials → no Authorization header;
// an access token (CLOUDSDK_AUTH_ACCESS_TOKEN, then --access-token-file / auth/access_token_file);
// auth/credential_file_override; then Application Default Credentials via google-auth-library,
// which is imported only on that path. Tokens are never printed.
import { readBounded } from './bounded-read';
import { pythonOsError } from '../flags/os-error';
import { UserError } from '../errors';
import type { Output } from './output';
import type { Properties } from './properties';

export interface Credentials {
  /** Bearer token, or undefined when credentials are disabled. */
  token(): Promise<string | undefined>;
  /** gcloud's sentence appended to 401/403 errors, naming where the credential came from. */
  describe(): string;
}

/** Access tokens are a few hundred bytes to a few KiB. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

export function resolveCredentials(properties: Properties, env: NodeJS.ProcessEnv, output?: Output): Credentials {
  if (properties.getBool('auth/disable_credentials', false)) {
    return {
      token: async () => undefined,
      describe: () => 'This command is unauthenticated because the [auth/disable_credentials] property is True.',
    };
  }
  const source = sourceCredentials(properties, env);
  const impersonate = properties.get('auth/impersonate_service_account');
  if (!impersonate) return source;
  const accounts = impersonate.split(',').map((account) => account.trim()).filter(Boolean);
  const target = accounts[accounts.length - 1];
  const delegates = accounts.slice(0, -1);
  let cached: Promise<string> | undefined;
  return {
    token: () =>
      (cached ??= (async () => {
        output?.warning(`This command is using service account impersonation. All API calls will be executed as [${target}].`);
        return impersonatedToken(source, target, delegates, properties.get('api_endpoint_overrides/iamcredentials'));
      })()),
    describe: () => {
      const chain = delegates.length ? ` via delegate chain: ${delegates.join(', ')}` : '';
      return `${source.describe()} Impersonation is used to impersonate ${target}${chain}.`;
    },
  };
}

/** The credentials an API call (or the impersonation request) is made with, in gcloud's order. */
function sourceCredentials(properties: Properties, env: NodeJS.ProcessEnv): Credentials {
  const envToken = env.CLOUDSDK_AUTH_ACCESS_TOKEN;
  if (envToken) {
    return {
      token: async () => envToken.trim(),
      describe: () => 'This command is authenticated with an access token from the CLOUDSDK_AUTH_ACCESS_TOKEN environment variable.',
    };
  }
  const tokenFile = properties.get('auth/access_token_file');
  if (tokenFile) {
    let cached: string | undefined;
    return {
      token: async () => (cached ??= readTokenFile(tokenFile)),
      describe: () =>
        `This command is authenticated with an access token from ${tokenFile} specified by the [auth/access_token_file] property.`,
    };
  }
  const keyFile = properties.get('auth/credential_file_override');
  let cached: Promise<string | undefined> | undefined;
  return {
    token: () => (cached ??= googleAuthToken(keyFile)),
    describe: () =>
      keyFile
        ? `This command is authenticated using the credentials in ${keyFile}, specified by the [auth/credential_file_override] property.`
        : 'This command is authenticated with Application Default Credentials.',
  };
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

const NO_ACTIVE_ACCOUNT =
  'You do not currently have an active account selected.\nPlease run:\n\n  $ gcloud auth login\n\nto obtain new credentials.\n\nIf you have already logged in with a different account, run:\n\n  $ gcloud config set account ACCOUNT\n\nto select an already authenticated account to use.';

// google-auth-library is CommonJS and big: required only on the paths that need it.
const googleAuthLibrary = () => require('google-auth-library') as typeof import('google-auth-library');

async function googleAuthToken(keyFile: string | undefined): Promise<string> {
  const { GoogleAuth } = googleAuthLibrary();
  let token: string | null | undefined;
  try {
    const client = await new GoogleAuth({ scopes: SCOPES, keyFile }).getClient();
    token = (await client.getAccessToken()).token;
  } catch (err) {
    // No usable ADC (or key file): gcloud's "no active account" advice; the library's reason shows at --verbosity=info.
    throw new UserError(NO_ACTIVE_ACCOUNT, { hint: (err as Error).message });
  }
  if (!token) throw new UserError(NO_ACTIVE_ACCOUNT);
  return token;
}

/**
 * google-auth-library's Impersonated credentials over whatever the source is (an access token
 * included, as gcloud allows): IAM Credentials generateAccessToken for the last account of the
 * chain, the others as delegates.
 */
async function impersonatedToken(source: Credentials, target: string, delegates: string[], endpointOverride: string | undefined): Promise<string> {
  const sourceToken = await source.token();
  const { Impersonated, OAuth2Client } = googleAuthLibrary();
  const sourceClient = new OAuth2Client();
  sourceClient.setCredentials({ access_token: sourceToken });
  const impersonated = new Impersonated({
    sourceClient,
    targetPrincipal: target,
    delegates,
    targetScopes: SCOPES,
    lifetime: 3600,
    // The library appends /v1/…; a gcloud override names the API root, usually ending in /v1/ or /.
    ...(endpointOverride ? { endpoint: endpointOverride.replace(/\/(v1\/?)?$/, '') } : {}),
  });
  try {
    const { token } = await impersonated.getAccessToken();
    if (token) return token;
  } catch (err) {
    throw new UserError(
      `Failed to impersonate [${target}]. Make sure the account that's trying to impersonate it has access to the service account itself and the "roles/iam.serviceAccountTokenCreator" role.`,
      { hint: (err as Error).message },
    );
  }
  throw new UserError(`Failed to impersonate [${target}]: the IAM Credentials API returned no access token.`);
}
