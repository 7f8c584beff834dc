// Where requests go. The ml API's regional endpoints are `{region}-{host}` (gcloud applies that to
// an api_endpoint_overrides/ml host too); `global` uses the endpoint unchanged.
import type { Properties } from './properties';

export const DEFAULT_ML_ENDPOINT = 'https://ml.googleapis.com/';
export const DEFAULT_AIPLATFORM_ENDPOINT = 'https://aiplatform.googleapis.com/';
export const DEFAULT_STORAGE_ENDPOINT = 'https://storage.googleapis.com/storage/v1/';

export function regionalEndpoint(endpoint: string, region: string): string {
  if (!region || region === 'global') return endpoint;
  // Split by hand, as urlparse does: URL() would normalise the host and re-encode the path.
  const schemeEnd = endpoint.indexOf('//') + 2;
  const hostEnd = endpoint.indexOf('/', schemeEnd);
  const netloc = hostEnd < 0 ? endpoint.slice(schemeEnd) : endpoint.slice(schemeEnd, hostEnd);
  const rest = hostEnd < 0 ? '' : endpoint.slice(hostEnd);
  return `${endpoint.slice(0, schemeEnd)}${region}-${netloc}${rest}`;
}

export function mlEndpoint(properties: Properties, region: string): string {
  return regionalEndpoint(properties.get('api_endpoint_overrides/ml') || inUniverse(DEFAULT_ML_ENDPOINT, properties), region);
}

/**
 * Vertex AI's endpoint for a region. gcloud's `ai` commands put the region before the host only when
 * the host starts with `aiplatform` (the default, or an override such as `aiplatform.localhost`);
 * any other override (`http://127.0.0.1:PORT/`) is used as it is, for every region.
 */
export function aiplatformEndpoint(properties: Properties, region: string): string {
  const endpoint = properties.get('api_endpoint_overrides/aiplatform') || inUniverse(DEFAULT_AIPLATFORM_ENDPOINT, properties);
  const schemeEnd = endpoint.indexOf('//') + 2;
  return endpoint.startsWith('aiplatform', schemeEnd) ? regionalEndpoint(endpoint, region) : endpoint;
}

/** An endpoint on this machine (localhost, *.localhost, 127.0.0.0/8, ::1): an emulator, not Google. */
export function isLocalEndpoint(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return false;
  }
  return isLoopbackHost(host.replace(/^\[(.*)\]$/, '$1'));
}

/** localhost, *.localhost (gcloud-aip resolves them to loopback) and loopback addresses. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export function storageEndpoint(properties: Properties): string {
  return properties.get('api_endpoint_overrides/storage') || inUniverse(DEFAULT_STORAGE_ENDPOINT, properties);
}

/** A default endpoint moved to core/universe_domain (an override is taken as written, as gcloud does). */
function inUniverse(endpoint: string, properties: Properties): string {
  const universe = properties.universeDomain;
  return universe === 'googleapis.com' ? endpoint : endpoint.replace('googleapis.com', universe);
}
