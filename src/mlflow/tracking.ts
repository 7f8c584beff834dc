// Where the registry is and how to sign in, read as MLflow's own clients read it: the tracking URI
// (a flag, else MLFLOW_TRACKING_URI), then MLFLOW_TRACKING_TOKEN (bearer) or
// MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD (basic). An OCI AI Data Platform tracking URI
// (https://HOST/20260430/aiDataPlatforms/{aiDataPlatformId}/mlops) is recognised by its path: its
// calls carry opc-retry-token and opc-request-id headers.
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors';

export interface TrackingServer {
  /** The tracking URI without a trailing slash; REST calls go to `${base}/api/2.0/mlflow/…`. */
  base: string;
  /** Set for an OCI AI Data Platform registry. */
  aiDataPlatformId?: string;
  /** The Authorization header value, when the environment provides credentials. */
  authorization?: string;
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
  return { base, aiDataPlatformId: platform && decodeURIComponent(platform), authorization: authorization(env) };
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
