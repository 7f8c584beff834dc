// google-auth-library's own requests (token grants, impersonation) through this client: a gaxios
// adapter, given to the library as transporter options, so they get the same proxy, TLS trust,
// timeouts, retries, User-Agent and --log-http as every other request. Their bodies carry tokens
// and secrets, so --log-http never shows them (as gcloud redacts its token requests).
import type { GaxiosOptions, GaxiosResponse } from 'gaxios';
import type { HttpClient } from './client';

const REDACTED = 'Body redacted: Contains oauth token.';

export function gaxiosTransport(http: HttpClient): GaxiosOptions {
  return {
    adapter: async <T>(options: GaxiosOptions): Promise<GaxiosResponse<T>> => {
      const url = String(options.url);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(options.headers ?? {}))
        if (value !== undefined) headers[name.toLowerCase()] = String(value);
      const body = options.body as string | Buffer | undefined;
      const response = await http.request({
        method: options.method ?? 'GET',
        url,
        headers,
        body: typeof body === 'string' || Buffer.isBuffer(body) ? body : body === undefined || body === null ? undefined : String(body),
        bodySummary: REDACTED,
        redactResponse: true,
      });
      const text = response.body.toString('utf8');
      let data: unknown = text;
      if (options.responseType !== 'text') {
        try {
          data = text ? JSON.parse(text) : '';
        } catch {
          data = text;
        }
      }
      return {
        config: options,
        data: data as T,
        status: response.status,
        statusText: '',
        headers: response.headers,
        request: { responseURL: url },
      };
    },
    // The client retries; the library's own retry would multiply its attempts.
    retry: false,
  };
}
