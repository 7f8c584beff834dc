// The headers every request carries, built in one place: User-Agent on all; on Google API requests
// also X-Goog-User-Project (billing/quota_project), the trace token as a Cookie (core/trace_token)
// and X-Goog-Request-Reason (core/request_reason), as gcloud's transport adds them.
import type { Properties } from '../context/properties';

export interface HeaderDefaults {
  userAgent: string;
  quotaProject?: string;
  traceToken?: string;
  requestReason?: string;
}

export function headerDefaults(properties: Properties, userAgent: string): HeaderDefaults {
  return {
    userAgent,
    quotaProject: properties.get('billing/quota_project'),
    traceToken: properties.get('core/trace_token'),
    requestReason: properties.get('core/request_reason'),
  };
}

/** Lower-case names; the request's own headers win. */
export function buildHeaders(
  defaults: HeaderDefaults,
  request: { google?: boolean; headers?: Record<string, string> },
  token: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': defaults.userAgent };
  if (request.google) {
    if (defaults.quotaProject) headers['x-goog-user-project'] = defaults.quotaProject;
    if (defaults.traceToken) headers.cookie = defaults.traceToken;
    if (defaults.requestReason) headers['x-goog-request-reason'] = defaults.requestReason;
  }
  if (token) headers.authorization = `Bearer ${token}`;
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}
