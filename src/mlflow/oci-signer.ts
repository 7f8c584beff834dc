// OCI request signatures (docs.oracle.com, "Request Signatures"): an HTTP Signature, rsa-sha256,
// over x-date, (request-target) and host, plus content-type, content-length and x-content-sha256
// for requests that carry a body (POST, PUT, PATCH), in the order Oracle's TypeScript SDK
// (oci-common's DefaultRequestSigner) uses, so the signatures are equal byte for byte (tested).
// Pure functions over node:crypto: the CLI signs with them and the emulator verifies with the
// same signing string, so both sides read the one rule.
import { createHash, createSign, createVerify, type KeyObject } from 'node:crypto';

export interface SignableRequest {
  method: string;
  /** Absolute URL; its path and query, as given, are the (request-target). */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface SigningKey {
  /** `TENANCY/USER/FINGERPRINT` for an API key, `ST$TOKEN` for a session or principal token. */
  keyId: string;
  privateKey: KeyObject;
}

/** Methods whose body is signed (OCI signs an empty one as the digest of nothing). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const BASE_HEADERS = ['x-date', '(request-target)', 'host'];
const BODY_HEADERS = ['content-type', 'content-length', 'x-content-sha256'];

/** The headers a request of this method must sign, in signing order. */
export function headersToSign(method: string): string[] {
  return BODY_METHODS.has(method.toUpperCase()) ? [...BASE_HEADERS, ...BODY_HEADERS] : BASE_HEADERS;
}

/** The text the signature covers: one `name: value` line per header, `(request-target)` as `method path?query`. */
export function signingString(method: string, url: string, names: string[], headers: Record<string, string>): string {
  const lower = lowerCaseKeys(headers);
  const target = new URL(url);
  return names
    .map((name) => {
      if (name === '(request-target)') return `(request-target): ${method.toLowerCase()} ${target.pathname}${target.search}`;
      const value = lower[name];
      if (value === undefined || value === '') throw new Error(`cannot sign: the request has no ${name} header`);
      return `${name}: ${value}`;
    })
    .join('\n');
}

/**
 * The request's headers with the signature added: x-date (unless given), host, the body headers for
 * POST/PUT/PATCH (content-type application/json unless given), and `authorization`.
 */
export function signRequest(request: SignableRequest, key: SigningKey, now: Date = new Date()): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (!has('x-date')) headers['x-date'] = now.toUTCString();
  if (!has('host')) headers.host = new URL(request.url).host;
  const names = headersToSign(request.method);
  if (names.length > BASE_HEADERS.length) {
    const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
    if (!has('content-type')) headers['content-type'] = 'application/json';
    headers['content-length'] = String(body.length);
    headers['x-content-sha256'] = createHash('sha256').update(body).digest('base64');
  }
  const signature = createSign('RSA-SHA256')
    .update(signingString(request.method, request.url, names, headers))
    .sign(key.privateKey, 'base64');
  headers.authorization = `Signature version="1",keyId="${key.keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`;
  return headers;
}

export interface SignatureParameters {
  keyId: string;
  algorithm: string;
  headers: string[];
  signature: string;
  version?: string;
}

/** The parameters of a `Signature k="v",…` authorization value; undefined when it is not one. */
export function parseSignatureHeader(value: string | undefined): SignatureParameters | undefined {
  const m = /^Signature\s+(.*)$/s.exec(value ?? '');
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const part of m[1].matchAll(/\s*([A-Za-z]+)="([^"]*)"\s*(?:,|$)/g)) params[part[1]] = part[2];
  if (!params.keyId || !params.signature) return undefined;
  return {
    keyId: params.keyId,
    algorithm: params.algorithm ?? 'rsa-sha256',
    headers: (params.headers ?? 'date').toLowerCase().split(/\s+/).filter(Boolean),
    signature: params.signature,
    version: params.version,
  };
}

/**
 * Why a signed request is not acceptable with this public key, or undefined when it is: what OCI
 * checks — the required headers are signed, the body matches its digest and length, the date is
 * within five minutes, and the signature verifies.
 */
export function signatureProblem(
  request: SignableRequest,
  params: SignatureParameters,
  publicKey: KeyObject,
  now: Date = new Date(),
  maxSkewMs = 5 * 60_000,
): string | undefined {
  if (params.algorithm.toLowerCase() !== 'rsa-sha256') return `unsupported signature algorithm ${params.algorithm}`;
  const signed = new Set(params.headers);
  const required = headersToSign(request.method).map((h) => (h === 'x-date' && !signed.has('x-date') ? 'date' : h));
  const missing = required.filter((h) => !signed.has(h));
  if (missing.length) return `the signature does not cover ${missing.join(', ')}`;
  const headers = lowerCaseKeys(request.headers);
  const date = Date.parse(headers['x-date'] ?? headers.date ?? '');
  if (Number.isNaN(date) || Math.abs(now.getTime() - date) > maxSkewMs)
    return 'the date of the request is missing or more than 5 minutes off';
  if (signed.has('x-content-sha256')) {
    const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
    if (headers['x-content-sha256'] !== createHash('sha256').update(body).digest('base64'))
      return 'x-content-sha256 does not match the body';
    if (headers['content-length'] !== String(body.length)) return 'content-length does not match the body';
  }
  let text: string;
  try {
    text = signingString(request.method, request.url, params.headers, headers);
  } catch (err) {
    return (err as Error).message;
  }
  const ok = createVerify('RSA-SHA256').update(text).verify(publicKey, params.signature, 'base64');
  return ok ? undefined : 'the signature does not verify';
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
