// The headers every request carries, built in one place: User-Agent on all; on Google API requests
// also X-Goog-User-Project (billing/quota_project), the trace token as a Cookie (core/trace_token)
// and X-Goog-Request-Reason (core/request_reason), as gcloud's transport adds them.
import type { Properties } from '../config/properties';

export interface HeaderDefaults {
  userAgent: string;
  /** X-Goog-User-Project; a function is asked per request (its answer can depend on the credential). */
  quotaProject?: string | (() => string | undefined);
  traceToken?: string;
  requestReason?: string;
}

/** `quotaProject`: billing/quota_project as gcloud resolves it (its keywords depend on the credential). */
export function headerDefaults(properties: Properties, userAgent: string, quotaProject: () => string | undefined): HeaderDefaults {
  return {
    userAgent,
    quotaProject,
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
    const quotaProject = typeof defaults.quotaProject === 'function' ? defaults.quotaProject() : defaults.quotaProject;
    if (quotaProject) headers['x-goog-user-project'] = quotaProject;
    if (defaults.traceToken) headers.cookie = defaults.traceToken;
    if (defaults.requestReason) headers['x-goog-request-reason'] = defaults.requestReason;
  }
  if (token) headers.authorization = `Bearer ${token}`;
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}
