// Credentials, resolved in gcloud's order: auth/disable_credentials → no Authorization header;
// an access token (CLOUDSDK_AUTH_ACCESS_TOKEN, then --access-token-file / auth/access_token_file);
// auth/credential_file_override; then Application Default Credentials via google-auth-library,
// which is imported only on that path. Tokens are never printed.
import * as fs from 'node:fs';
import { UserError } from '../errors';
import type { Properties } from './properties';

export interface Credentials {
  /** Bearer token, or undefined when credentials are disabled. */
  token(): Promise<string | undefined>;
  /** gcloud's sentence appended to 401/403 errors, naming where the credential came from. */
  describe(): string;
}

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

export function resolveCredentials(properties: Properties, env: NodeJS.ProcessEnv): Credentials {
  if (properties.getBool('auth/disable_credentials', false)) {
    return {
      token: async () => undefined,
      describe: () => 'This command is unauthenticated because the [auth/disable_credentials] property is True.',
    };
  }
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
  const impersonate = properties.get('auth/impersonate_service_account');
  let cached: Promise<string | undefined> | undefined;
  return {
    token: () => (cached ??= googleAuthToken(keyFile, impersonate)),
    describe: () =>
      keyFile
        ? `This command is authenticated using the credentials in ${keyFile}, specified by the [auth/credential_file_override] property.`
        : 'This command is authenticated with Application Default Credentials.',
  };
}

function readTokenFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message;
    throw new UserError(`Unable to read file [${file}]: ${reason}`);
  }
  const token = text.trim();
  if (!token) throw new UserError(`The access token file [${file}] is empty.`);
  if (/[\s\x00-\x1f]/.test(token)) throw new UserError(`The access token file [${file}] must contain only an access token.`);
  return token;
}

async function googleAuthToken(keyFile: string | undefined, impersonate: string | undefined): Promise<string | undefined> {
  const { GoogleAuth, Impersonated } = await import('google-auth-library');
  try {
    const auth = new GoogleAuth({ scopes: SCOPES, keyFile });
    let client: { getAccessToken(): Promise<{ token?: string | null }> } = await auth.getClient();
    if (impersonate) {
      const chain = impersonate.split(',').map((s) => s.trim());
      client = new Impersonated({
        sourceClient: client as never,
        targetPrincipal: chain[chain.length - 1],
        delegates: chain.slice(0, -1),
        targetScopes: SCOPES,
        lifetime: 3600,
      });
    }
    const { token } = await client.getAccessToken();
    if (!token) throw new Error('no token');
    return token;
  } catch {
    throw new UserError(
      'You do not currently have an active account selected.\nPlease run:\n\n  $ gcloud auth login\n\nto obtain new credentials.\n\nIf you have already logged in with a different account, run:\n\n  $ gcloud config set account ACCOUNT\n\nto select an already authenticated account to use.',
    );
  }
}
