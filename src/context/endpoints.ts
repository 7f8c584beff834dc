// Where requests go. The ml API's regional endpoints are `{region}-{host}` (gcloud applies that to
// an api_endpoint_overrides/ml host too); `global` uses the endpoint unchanged.
import type { Properties } from './properties';

export const DEFAULT_ML_ENDPOINT = 'https://ml.googleapis.com/';
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
  return regionalEndpoint(properties.get('api_endpoint_overrides/ml') || DEFAULT_ML_ENDPOINT, region);
}

export function storageEndpoint(properties: Properties): string {
  return properties.get('api_endpoint_overrides/storage') || DEFAULT_STORAGE_ENDPOINT;
}
