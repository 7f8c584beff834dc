// The request log served over HTTP (GET /__emulator/requests) is readable by any local process, so
// credentials in it are replaced by a fingerprint: enough to tell which credential was sent (compare
// with `credentialFingerprint` of a known one), never the credential itself.
import { createHash } from 'node:crypto';

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-goog-iam-authorization-token']);
const CREDENTIAL_PARAMS = new Set(['access_token', 'key']);

/** `Bearer <redacted sha256:1a2b3c4d>`: the scheme stays, the secret becomes 8 hex digits of its sha256. */
export function credentialFingerprint(value: string): string {
  const [, scheme, secret] = /^(\S+\s+)?([\s\S]*)$/.exec(value) ?? [];
  return `${scheme ?? ''}<redacted sha256:${createHash('sha256')
    .update(secret ?? '')
    .digest('hex')
    .slice(0, 8)}>`;
}

export function redactRecorded<R extends { headers: Record<string, string>; query: Record<string, string[]> }>(request: R): R {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [k, CREDENTIAL_HEADERS.has(k.toLowerCase()) ? credentialFingerprint(v) : v]),
  );
  const query = Object.fromEntries(
    Object.entries(request.query).map(([k, v]) => [k, CREDENTIAL_PARAMS.has(k) ? v.map(credentialFingerprint) : v]),
  );
  return { ...request, headers, query };
}
