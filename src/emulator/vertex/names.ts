// Vertex AI resource names as the emulator makes and reads them.
//
// Requests may name a project by its id or its number; answers always name it by its NUMBER, as the
// real service does (gcloud then polls operations by the returned name). The emulator has no
// project registry, so the number is derived from the id: 12 digits, the first 8 bytes of
// sha256(id) taken mod 9·10^11, plus 10^11 (`projectNumber('my-project')` is always the same). A
// project given as digits is a number already. State is keyed by names with the number, so the id
// and the number of one project meet.
import { createHash, randomInt } from 'node:crypto';
import { decodeSegment } from '../rpc';

export function projectNumber(project: string): string {
  if (/^[0-9]+$/.test(project)) return project;
  const hash = BigInt(`0x${createHash('sha256').update(project).digest('hex').slice(0, 16)}`);
  return String((hash % 900_000_000_000n) + 100_000_000_000n);
}

/** A server-assigned ID (endpoints, models without modelId, operations, deployed models): 19 digits like the service's. */
export function numericId(uniqueMillis: number): string {
  return `${uniqueMillis}${String(randomInt(1_000_000)).padStart(6, '0')}`;
}

/** `/v1/projects/P/locations/R/rest…` and `/v1beta1/…`, with the project as a number. */
export interface VertexPath {
  version: 'v1' | 'v1beta1';
  /** `projects/NUMBER/locations/R` */
  parent: string;
  location: string;
  /** The decoded segments after the location; the last one's `:verb`, if any, is split off. */
  rest: string[];
  verb?: string;
}

const PREFIX = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)(?:\/(.*))?$/;

export function isVertexPath(rawPath: string): boolean {
  return PREFIX.test(rawPath);
}

export function parseVertexPath(rawPath: string): VertexPath {
  const m = PREFIX.exec(rawPath)!;
  const location = decodeSegment(m[3]);
  const rest = (m[4] ?? '')
    .split('/')
    .filter((s, i, all) => s !== '' || i < all.length - 1)
    .map(decodeSegment);
  let verb: string | undefined;
  const last = rest.length ? rest[rest.length - 1] : '';
  const colon = last.indexOf(':');
  if (colon >= 0) {
    verb = last.slice(colon + 1);
    rest[rest.length - 1] = last.slice(0, colon);
  }
  return {
    version: m[1] as 'v1' | 'v1beta1',
    parent: `projects/${projectNumber(decodeSegment(m[2]))}/locations/${location}`,
    location,
    rest,
    verb,
  };
}

/**
 * A model reference as requests give it (`projects/P/locations/R/models/ID[@VERSION|@ALIAS]`, P an id or a
 * number): the model's key (with the number) and the version part.
 */
export function parseModelName(name: string): { model: string; location: string; version?: string } | undefined {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/models\/([^/@]+)(?:@([^/@]+))?$/.exec(name);
  if (!m) return undefined;
  return { model: `projects/${projectNumber(m[1])}/locations/${m[2]}/models/${m[3]}`, location: m[2], version: m[4] };
}

/** `ID@VERSION` as a path segment: the id and the version part. */
export function splitVersion(segment: string): { id: string; version?: string } {
  const at = segment.indexOf('@');
  return at < 0 ? { id: segment } : { id: segment.slice(0, at), version: segment.slice(at + 1) };
}

/** The region in a regional host (`us-central1-aiplatform.googleapis.com` → `us-central1`), if it is one. */
export function hostRegion(host: string): string | undefined {
  return /^([a-z]+-[a-z]+[0-9]+)-aiplatform\./.exec(host)?.[1];
}
