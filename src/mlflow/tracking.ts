// Where the registry is and how to sign in, read as MLflow's own clients read it: the tracking URI
// (a flag, else MLFLOW_TRACKING_URI), then MLFLOW_TRACKING_TOKEN (bearer) or
// MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD (basic), and the TLS variables
// MLFLOW_TRACKING_SERVER_CERT_PATH (a CA bundle; here trusted besides the system's roots),
// MLFLOW_TRACKING_INSECURE_TLS (no verification; not with a CA bundle) and
// MLFLOW_TRACKING_CLIENT_CERT_PATH (a PEM file with the client certificate and its key). An OCI AI
// Data Platform tracking URI (https://HOST/20260430/aiDataPlatforms/{aiDataPlatformId}/mlops) is
// recognised by its path: its calls carry opc-retry-token and opc-request-id headers.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors';

export interface TrackingServer {
  /** The tracking URI without a trailing slash; REST calls go to `${base}/api/2.0/mlflow/…`. */
  base: string;
  /** Set for an OCI AI Data Platform registry. */
  aiDataPlatformId?: string;
  /** The Authorization header value, when the environment provides credentials. */
  authorization?: string;
  /** Which credentials the environment gives, for the message after a 401. */
  credentials: 'none' | 'token' | 'basic';
  /** The TLS the MLFLOW_TRACKING_* variables ask for; undefined: the CLI's own. */
  tls?: RegistryTls;
}

export interface RegistryTls {
  extraCa?: string;
  insecure?: boolean;
  insecureSource?: string;
  clientCertificate?: { cert: string; key: string };
}

const OCI_PATH = /\/\d{8}\/aiDataPlatforms\/([^/]+)\/mlops$/;
/** CreateModelVersion's aiDataPlatformId path parameter: 1 to 500 characters. */
const MAX_PLATFORM_ID = 500;

/** `flagName`: the flag that overrides MLFLOW_TRACKING_URI, named in the error when neither is set. */
export function trackingServer(flagValue: string | undefined, env: NodeJS.ProcessEnv, flagName: string): TrackingServer {
  const uri = flagValue || env.MLFLOW_TRACKING_URI;
  const from = flagValue ? flagName : 'MLFLOW_TRACKING_URI';
  if (!uri) throw new UserError(`No MLflow tracking server: set MLFLOW_TRACKING_URI or pass ${flagName}.`);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(
      `The MLflow tracking URI [${uri}] (from ${from}) is not an http(s) URL: gcloud-aip registers through the registry's REST API.`,
    );
  }
  if (url.search || url.hash) throw new UserError(`The MLflow tracking URI [${uri}] (from ${from}) must not have a query or fragment.`);
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const platform = OCI_PATH.exec(url.pathname.replace(/\/+$/, ''))?.[1];
  if (platform !== undefined && decodeURIComponent(platform).length > MAX_PLATFORM_ID) {
    throw new UserError(`The aiDataPlatformId in the MLflow tracking URI (from ${from}) is over ${MAX_PLATFORM_ID} characters.`);
  }
  return {
    base,
    aiDataPlatformId: platform && decodeURIComponent(platform),
    authorization: authorization(env),
    credentials: env.MLFLOW_TRACKING_TOKEN ? 'token' : authorization(env) ? 'basic' : 'none',
    tls: registryTls(env),
  };
}

/** MLflow's boolean variables: true/false or 1/0, any case (anything else is refused, as MLflow does). */
function booleanVariable(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new UserError(`${name} must be true, false, 1 or 0, not [${env[name]}].`);
}

function readPem(env: NodeJS.ProcessEnv, name: string): string {
  try {
    return readFileSync(env[name]!, 'utf8');
  } catch (err) {
    throw new UserError(`Cannot read ${name} [${env[name]}]: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
}

function registryTls(env: NodeJS.ProcessEnv): RegistryTls | undefined {
  const insecure = booleanVariable(env, 'MLFLOW_TRACKING_INSECURE_TLS');
  const caPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH;
  if (insecure && caPath) {
    throw new UserError('MLFLOW_TRACKING_INSECURE_TLS is true and MLFLOW_TRACKING_SERVER_CERT_PATH is set: set only one of them.');
  }
  const clientPem = env.MLFLOW_TRACKING_CLIENT_CERT_PATH ? readPem(env, 'MLFLOW_TRACKING_CLIENT_CERT_PATH') : undefined;
  if (clientPem !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(clientPem)) {
    throw new UserError(
      `MLFLOW_TRACKING_CLIENT_CERT_PATH [${env.MLFLOW_TRACKING_CLIENT_CERT_PATH}] holds no private key: it must be one PEM file with the certificate and its key.`,
    );
  }
  if (!insecure && !caPath && clientPem === undefined) return undefined;
  return {
    ...(insecure && { insecure, insecureSource: 'MLFLOW_TRACKING_INSECURE_TLS' }),
    ...(caPath && { extraCa: readPem(env, 'MLFLOW_TRACKING_SERVER_CERT_PATH') }),
    ...(clientPem !== undefined && { clientCertificate: { cert: clientPem, key: clientPem } }),
  };
}

function authorization(env: NodeJS.ProcessEnv): string | undefined {
  if (env.MLFLOW_TRACKING_TOKEN) return `Bearer ${env.MLFLOW_TRACKING_TOKEN}`;
  if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD) {
    return `Basic ${Buffer.from(`${env.MLFLOW_TRACKING_USERNAME}:${env.MLFLOW_TRACKING_PASSWORD}`).toString('base64')}`;
  }
  return undefined;
}

/** An opc-request-id: OCI allows letters, digits, underscore and dash, up to 255 characters. */
export function newRequestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}
