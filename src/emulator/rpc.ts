// Pieces every google.rpc-style JSON API of the emulator shares (ml v1, Vertex AI): the JSON
// request body as an object, path segments decoded, and list pages with opaque page tokens.
import { rpcError } from './errors';
import type { Exchange, Reply } from './exchange';

export type JsonObject = Record<string, unknown>;

/** A JSON value as an object; anything else as an empty one (one helper with the domain's rules). */
export { asObject } from '../domain';

/** A shallow copy of an object without some of its fields. */
export function without(object: JsonObject, fields: readonly string[]): JsonObject {
  const copy = { ...object };
  for (const field of fields) delete copy[field];
  return copy;
}

export function ok(json: unknown): Reply {
  return { status: 200, json };
}

/** The request body, which must be a JSON object (an empty body is `{}`). */
export async function readJsonObject(ex: Exchange): Promise<JsonObject> {
  const body = await ex.readJson();
  if (body.kind === 'invalid') throw rpcError(400, 'INVALID_ARGUMENT', `Invalid JSON payload received. ${body.message}`);
  if (body.kind === 'empty') return {};
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    throw rpcError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Expected a JSON object.');
  }
  return body.value as JsonObject;
}

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw rpcError(400, 'INVALID_ARGUMENT', `Malformed percent-encoding in the path segment ${JSON.stringify(segment)}.`);
  }
}

/**
 * One page of `items` as `{[field]: page, nextPageToken?}` from `pageSize` (default `defaultSize`,
 * capped at `maxSize`) and `pageToken`; an empty page omits the field, as Google does.
 */
export function pageOf(ex: Exchange, field: string, items: unknown[], defaultSize: number, maxSize: number): JsonObject {
  const sizeParam = ex.param('pageSize');
  const requested = sizeParam === undefined || sizeParam === '' ? 0 : Number(sizeParam);
  if (!Number.isInteger(requested) || requested < 0) {
    throw rpcError(400, 'INVALID_ARGUMENT', `Invalid value at 'page_size' (TYPE_INT32), "${sizeParam}"`);
  }
  const size = Math.min(requested || defaultSize, maxSize);
  const token = ex.param('pageToken');
  let start = 0;
  if (token) {
    const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!match || Number(match[1]) > items.length) throw rpcError(400, 'INVALID_ARGUMENT', 'Invalid page token.');
    start = Number(match[1]);
  }
  const page = items.slice(start, start + size);
  const response: JsonObject = {};
  if (page.length > 0) response[field] = page;
  if (start + size < items.length) response.nextPageToken = Buffer.from(`offset:${start + size}`).toString('base64url');
  return response;
}
