// How a credential becomes an access token. The two grants gcloud's own logins use are done here
// with node:crypto and one form POST, because google-auth-library's service-account client always
// posts to Google's fixed token URL (a key's token_uri and auth/token_host must be honoured):
// the JWT-bearer grant of a service-account key, the refresh-token grant of a user login, and the
// self-signed JWT a service account uses outside googleapis.com. Workload identity (external
// accounts) and impersonated-credential files go through google-auth-library, loaded only then.
import type { GaxiosOptions } from 'gaxios';
import { createSign } from 'node:crypto';

export interface IssuedToken {
  accessToken: string;
  /** Milliseconds since the epoch; undefined when the issuer did not say. */
  expiresAt?: number;
}

/** POSTs an urlencoded form; resolves with the status and body whatever the status. */
export type FormPoster = (url: string, form: Record<string, string>) => Promise<{ status: number; body: string }>;

/** A token endpoint refused the grant (or answered nonsense): `invalid_grant: Invalid JWT Signature.` */
export class GrantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrantError';
  }
}

/** The scopes gcloud asks for (config.CLOUDSDK_SCOPES): the same principal, the same reach. */
export const GCLOUD_SCOPES = [
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/appengine.admin',
  'https://www.googleapis.com/auth/sqlservice.login',
  'https://www.googleapis.com/auth/compute',
];
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

const JWT_LIFETIME_SECONDS = 3600;

function signJwt(header: Record<string, unknown>, claims: Record<string, unknown>, privateKey: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(claims)}`;
  let signature: string;
  try {
    signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url');
  } catch (err) {
    throw new GrantError(`the private key cannot sign: ${(err as Error).message}`);
  }
  return `${unsigned}.${signature}`;
}

interface ServiceAccountKey {
  client_email?: unknown;
  private_key?: unknown;
  private_key_id?: unknown;
}

function keyFields(key: ServiceAccountKey): { email: string; privateKey: string; keyId?: string } {
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new GrantError('the service account key has no client_email or private_key');
  }
  return {
    email: key.client_email,
    privateKey: key.private_key,
    keyId: typeof key.private_key_id === 'string' ? key.private_key_id : undefined,
  };
}

/** RFC 7523: a signed assertion exchanged at the token endpoint for an access token. */
export async function jwtBearerGrant(key: ServiceAccountKey, tokenUri: string, post: FormPoster, now = Date.now()): Promise<IssuedToken> {
  const { email, privateKey, keyId } = keyFields(key);
  const iat = Math.floor(now / 1000);
  const assertion = signJwt(
    { alg: 'RS256', typ: 'JWT', ...(keyId ? { kid: keyId } : {}) },
    { iss: email, scope: GCLOUD_SCOPES.join(' '), aud: tokenUri, iat, exp: iat + JWT_LIFETIME_SECONDS },
    privateKey,
  );
  return tokenResponse(await post(tokenUri, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }), tokenUri, now);
}

/** A self-signed JWT used directly as the bearer token (no token endpoint), as service accounts do outside googleapis.com. */
export function selfSignedJwt(key: ServiceAccountKey, now = Date.now()): IssuedToken {
  const { email, privateKey, keyId } = keyFields(key);
  const iat = Math.floor(now / 1000);
  const token = signJwt(
    { alg: 'RS256', typ: 'JWT', ...(keyId ? { kid: keyId } : {}) },
    { iss: email, sub: email, scope: GCLOUD_SCOPES.join(' '), iat, exp: iat + JWT_LIFETIME_SECONDS },
    privateKey,
  );
  return { accessToken: token, expiresAt: (iat + JWT_LIFETIME_SECONDS) * 1000 };
}

/** RFC 6749 §6: a user login's refresh token exchanged for an access token. */
export async function refreshTokenGrant(
  login: { client_id?: unknown; client_secret?: unknown; refresh_token?: unknown },
  tokenUri: string,
  post: FormPoster,
  now = Date.now(),
): Promise<IssuedToken> {
  if (typeof login.refresh_token !== 'string' || typeof login.client_id !== 'string') {
    throw new GrantError('the stored login has no refresh_token or client_id');
  }
  const form: Record<string, string> = { grant_type: 'refresh_token', client_id: login.client_id, refresh_token: login.refresh_token };
  if (typeof login.client_secret === 'string') form.client_secret = login.client_secret;
  return tokenResponse(await post(tokenUri, form), tokenUri, now);
}

/**
 * The token in a token endpoint's (or the metadata server's) answer. Any other answer is a
 * GrantError naming the endpoint and what was wrong with it; the body itself is not shown, since it
 * may hold other secrets.
 */
function tokenResponse(response: { status: number; body: string }, endpoint: string, now: number): IssuedToken {
  let body: unknown;
  let parsed = true;
  try {
    body = JSON.parse(response.body);
  } catch {
    parsed = false;
  }
  const fields = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (response.status >= 300) {
    const error = typeof fields.error === 'string' ? fields.error : `HTTP ${response.status}`;
    throw new GrantError(typeof fields.error_description === 'string' ? `${error}: ${fields.error_description}` : error);
  }
  const token = fields.access_token;
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
    const what = !parsed
      ? response.body.trim()
        ? 'an answer that is not JSON'
        : 'an empty answer'
      : fields !== body
        ? `${body === null ? 'null' : Array.isArray(body) ? 'a JSON array' : `a JSON ${typeof body}`} instead of an object`
        : token === undefined
          ? 'no access_token'
          : 'an access_token that is not a usable token';
    throw new GrantError(`the token endpoint [${endpoint}] answered HTTP ${response.status} with ${what}`);
  }
  const expiresIn = Number(fields.expires_in);
  return { accessToken: token, expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : undefined };
}

/**
 * Credential files google-auth-library handles (external_account, external_account_authorized_user,
 * impersonated_service_account). Given the project, it never spawns gcloud to find one.
 */
export async function libraryToken(
  info: Record<string, unknown>,
  projectId: string | undefined,
  transporterOptions?: GaxiosOptions,
): Promise<IssuedToken> {
  const { GoogleAuth } = require('google-auth-library') as typeof import('google-auth-library');
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], projectId, clientOptions: { transporterOptions } });
  let token: string | null | undefined;
  let expiry: number | null | undefined;
  try {
    const client = auth.fromJSON(info as never);
    token = (await client.getAccessToken()).token;
    expiry = client.credentials.expiry_date;
  } catch (err) {
    throw new GrantError((err as Error).message);
  }
  if (!token) throw new GrantError('no access token was returned');
  return { accessToken: token, expiresAt: expiry ?? undefined };
}

/** The GCE metadata server's token for one of the VM's service accounts. */
export async function metadataToken(
  host: string,
  account: string,
  get: (url: string) => Promise<{ status: number; body: string }>,
  now = Date.now(),
): Promise<IssuedToken> {
  const url = `http://${host}/computeMetadata/v1/instance/service-accounts/${encodeURIComponent(account)}/token`;
  return tokenResponse(await get(url), url, now);
}
