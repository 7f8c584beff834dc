// OAuth2 for the emulator, so every credential flow runs offline: a token endpoint (the JWT-bearer
// grant that service-account keys use, the refresh-token grant of user logins, and STS token
// exchange for workload identity: any subject token is trusted, its `sub` names the principal) issuing
// short-lived tokens of a configurable lifetime, a minimal GCE metadata server, and the check that
// can require every API request to carry a token it issued and that has not expired. Each API
// request is attributed to the principal whose token it carries (the request log shows it).
import { createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { rpcError } from '../errors';
import type { Exchange, Reply } from '../exchange';
import type { EmulatedService } from '../service';

export interface OAuthOptions {
  /** Lifetime of the access tokens issued. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** Refuse (401) API requests without a token issued here and still valid. */
  requireIssuedTokens?: boolean;
  /** Serve a GCE metadata server (/computeMetadata/v1/) whose default service account is this. */
  metadataServiceAccount?: string;
}

const METADATA_PREFIX = '/computeMetadata/v1/';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** Security Token Service (sts.googleapis.com/v1/token), where external accounts exchange their tokens. */
const STS_PATH = '/v1/token';
/** STS token introspection, where gcloud learns an external account's name at `gcloud auth login --cred-file`. */
const INTROSPECT_PATH = '/v1/introspect';
const TOKEN_PATHS = new Set(['/token', '/oauth2/v4/token', '/o/oauth2/token', STS_PATH, INTROSPECT_PATH]);
/** Clock skew a signed assertion may have, as Google allows. */
const SKEW_SECONDS = 300;

interface JwtClaims {
  iss?: string;
  aud?: string;
  scope?: string;
  iat?: number;
  exp?: number;
}

interface Issued {
  principal: string;
  expiresAt: number;
}

interface UserLogin {
  email: string;
  clientId: string;
  clientSecret: string;
}

export class OAuthService implements EmulatedService {
  private readonly lifetime: number;
  private readonly tokens = new Map<string, Issued>();
  private readonly keys = new Map<string, { email: string; publicKey: KeyObject }>();
  private readonly refreshTokens = new Map<string, UserLogin>();

  /** Token requests carry no bearer token: they are how one is obtained. */
  readonly authenticated = false;

  constructor(private readonly options: OAuthOptions = {}) {
    this.lifetime = Math.max(1, options.tokenLifetimeSeconds ?? 3600);
  }

  handles(path: string): boolean {
    return TOKEN_PATHS.has(path) || (this.options.metadataServiceAccount !== undefined && path.startsWith(METADATA_PREFIX));
  }

  /** A service-account key file as the IAM API hands them out, its token_uri pointing at this emulator. */
  createServiceAccountKey(email: string, baseUrl: string): Record<string, string> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyId = randomBytes(20).toString('hex');
    this.keys.set(keyId, { email, publicKey });
    const project = /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(email)?.[1] ?? 'emulator-project';
    return {
      type: 'service_account',
      project_id: project,
      private_key_id: keyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: String(100000000000000000000n + BigInt(this.keys.size)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: `${baseUrl.replace(/\/$/, '')}/token`,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
      universe_domain: 'googleapis.com',
    };
  }

  /** What `gcloud auth login` would have stored for a user: an OAuth client and a refresh token. */
  createUserLogin(email: string): { client_id: string; client_secret: string; refresh_token: string } {
    const login = {
      email,
      clientId: `${randomBytes(6).toString('hex')}.apps.googleusercontent.com`,
      clientSecret: randomBytes(12).toString('hex'),
    };
    const refreshToken = `1//emulator-${randomBytes(16).toString('hex')}`;
    this.refreshTokens.set(refreshToken, login);
    return { client_id: login.clientId, client_secret: login.clientSecret, refresh_token: refreshToken };
  }

  /**
   * The principal an API request acts as: the owner of its bearer token when this emulator issued
   * it. With requireIssuedTokens, a missing, unknown or expired token is refused as Google does.
   */
  authenticate(ex: Exchange): string | undefined {
    const bearer = /^Bearer\s+(\S+)$/i.exec(ex.header('authorization') ?? '')?.[1];
    const issued = bearer === undefined ? undefined : (this.tokens.get(bearer) ?? this.selfSigned(bearer));
    const valid = issued && issued.expiresAt > Date.now() ? issued : undefined;
    if (this.options.requireIssuedTokens && !valid) {
      throw rpcError(
        401,
        'UNAUTHENTICATED',
        bearer === undefined
          ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.'
          : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
    return valid?.principal;
  }

  /** A self-signed JWT (service accounts outside googleapis.com) from a key this emulator made. */
  private selfSigned(token: string): Issued | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const verified = this.verifyJwt(parts);
    return verified && typeof verified.claims.exp === 'number'
      ? { principal: verified.email, expiresAt: verified.claims.exp * 1000 }
      : undefined;
  }

  /** The signer of an RS256 JWT signed by a known key (by kid, else by iss), with its claims. */
  private verifyJwt([headerPart, payloadPart, signature]: string[]): { email: string; claims: JwtClaims } | undefined {
    let header: { kid?: string; alg?: string };
    let claims: JwtClaims;
    try {
      header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const key = header.kid ? this.keys.get(header.kid) : [...this.keys.values()].find((k) => k.email === claims.iss);
    const verified =
      key !== undefined &&
      header.alg === 'RS256' &&
      signature !== undefined &&
      key.email === claims.iss &&
      createVerify('RSA-SHA256').update(`${headerPart}.${payloadPart}`).verify(key.publicKey, Buffer.from(signature, 'base64url'));
    return verified ? { email: key.email, claims } : undefined;
  }

  async handle(ex: Exchange): Promise<Reply> {
    if (ex.rawPath.startsWith(METADATA_PREFIX)) return this.metadata(ex);
    if (ex.method !== 'POST') return oauthError(405, 'invalid_request', `Method ${ex.method} not allowed.`);
    const chunks: Buffer[] = [];
    for await (const chunk of ex.body(64 * 1024)) chunks.push(chunk);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    // The log keeps the grant type only: assertions and refresh tokens are secrets.
    ex.bodyRecord = { grant_type: form.get('grant_type') };
    if (ex.rawPath === INTROSPECT_PATH) return this.introspect(form.get('token') ?? '');
    const grant = form.get('grant_type');
    if (grant === JWT_BEARER) return this.jwtBearer(form.get('assertion') ?? '');
    if (grant === 'refresh_token') return this.refresh(form);
    if (grant === TOKEN_EXCHANGE) return this.exchange(form);
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
  }

  private jwtBearer(assertion: string): Reply {
    const verified = this.verifyJwt(assertion.split('.'));
    if (!verified) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    const { email, claims } = verified;
    const now = Date.now() / 1000;
    if (
      typeof claims.iat !== 'number' ||
      typeof claims.exp !== 'number' ||
      claims.iat > now + SKEW_SECONDS ||
      claims.exp < now - SKEW_SECONDS ||
      claims.exp - claims.iat > 3600
    ) {
      return oauthError(
        400,
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    }
    return this.issue(email, claims.scope);
  }

  private refresh(form: URLSearchParams): Reply {
    const login = this.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!login) return oauthError(400, 'invalid_grant', 'Bad Request');
    if (form.get('client_id') !== login.clientId || form.get('client_secret') !== login.clientSecret) {
      return oauthError(401, 'invalid_client', 'Unauthorized');
    }
    return this.issue(login.email, form.get('scope') ?? undefined);
  }

  /** STS: a workload-identity pool's subject token for a federated access token of its subject. */
  private exchange(form: URLSearchParams): Reply {
    const audience = form.get('audience') ?? '';
    const subjectToken = form.get('subject_token') ?? '';
    const pool = /^\/\/iam\.googleapis\.com\/(.+?\/(?:workloadIdentityPools|workforcePools)\/[^/]+)/.exec(audience)?.[1];
    if (!pool || !subjectToken) return oauthError(400, 'invalid_request', 'Invalid value for "audience" or missing "subject_token".');
    let subject: unknown;
    try {
      subject = JSON.parse(Buffer.from(subjectToken.split('.')[1] ?? '', 'base64url').toString('utf8')).sub;
    } catch {
      subject = undefined;
    }
    if (typeof subject !== 'string') return oauthError(400, 'invalid_grant', 'The subject token is not a JWT with a "sub" claim.');
    const reply = this.issue(`principal://iam.googleapis.com/${pool}/subject/${subject}`, form.get('scope') ?? undefined);
    return { ...reply, json: { ...(reply.json as object), issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' } };
  }

  private introspect(token: string): Reply {
    const issued = this.tokens.get(token);
    if (!issued || issued.expiresAt <= Date.now()) return { status: 200, json: { active: false } };
    return { status: 200, json: { active: true, username: issued.principal, exp: Math.floor(issued.expiresAt / 1000) } };
  }

  /** Registers a token made elsewhere in the emulator (IAM's impersonation) as issued here, to `principal`, until `expiresAt`. */
  register(token: string, principal: string, expiresAt: number): void {
    this.tokens.set(token, { principal, expiresAt });
  }

  private issue(principal: string, scope: string | undefined): Reply {
    const token = `ya29.emulator-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { principal, expiresAt: Date.now() + this.lifetime * 1000 });
    return { status: 200, json: { access_token: token, expires_in: this.lifetime, token_type: 'Bearer', ...(scope ? { scope } : {}) } };
  }

  private metadata(ex: Exchange): Reply {
    if (ex.header('metadata-flavor') !== 'Google') return { status: 403, text: 'Missing Metadata-Flavor:Google header.' };
    const account = this.options.metadataServiceAccount!;
    const rest = ex.rawPath.slice(METADATA_PREFIX.length);
    const sa = /^instance\/service-accounts\/([^/]+)\/(email|token|scopes)$/.exec(rest);
    const text = (body: string): Reply => ({
      status: 200,
      headers: { 'Content-Type': 'application/text', 'Metadata-Flavor': 'Google' },
      text: body,
    });
    if (rest === 'project/numeric-project-id') return text('123456789012');
    if (rest === 'project/project-id') return text('emulator-project');
    if (rest === 'universe/universe-domain') return text('googleapis.com');
    if (rest === 'instance/service-accounts/' || rest === 'instance/service-accounts') return text(`default/\n${account}/\n`);
    if (sa && (sa[1] === 'default' || decodeURIComponent(sa[1]) === account)) {
      if (sa[2] === 'email') return text(account);
      if (sa[2] === 'scopes') return text('https://www.googleapis.com/auth/cloud-platform\n');
      return this.issue(account, undefined);
    }
    return { status: 404, text: 'Not Found' };
  }
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, json: { error, error_description: description } };
}
