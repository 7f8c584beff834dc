// The list filters models.list and endpoints.list document (AIP-160 subset): `display_name="x"`,
// `labels.KEY=VALUE`, `labels.KEY:*` (has the label), `model=ID` / `endpoint=ID`, with `=`, `!=`,
// joined by AND (or juxtaposed). Anything else is refused as the service refuses an invalid filter.
import { rpcError } from '../errors';
import type { JsonObject } from '../rpc';

const TERM = /^\s*([a-z_][a-z0-9_.-]*)\s*(!=|=|:)\s*("(?:[^"\\]|\\.)*"|[^\s"()]+)\s*(?:AND\b\s*)?/i;

interface Term {
  field: string;
  op: string;
  value: string;
}

export function parseFilter(filter: string, idField: 'model' | 'endpoint'): (resource: JsonObject) => boolean {
  const terms: Term[] = [];
  let rest = filter.trim();
  while (rest !== '') {
    const m = TERM.exec(rest);
    if (!m) throw rpcError(400, 'INVALID_ARGUMENT', `Invalid filter: ${JSON.stringify(filter)}.`);
    const [whole, field, op, raw] = m;
    if (!(field === 'display_name' || field === idField || field.startsWith('labels.'))) {
      throw rpcError(400, 'INVALID_ARGUMENT', `Invalid filter: unsupported field "${field}" in ${JSON.stringify(filter)}.`);
    }
    if (op === ':' && !(field.startsWith('labels.') && raw === '*')) {
      throw rpcError(400, 'INVALID_ARGUMENT', `Invalid filter: ":" takes only "*" (labels.KEY:*), in ${JSON.stringify(filter)}.`);
    }
    terms.push({ field, op, value: raw.startsWith('"') ? (JSON.parse(raw) as string) : raw });
    rest = rest.slice(whole.length);
  }
  return (resource) => terms.every((t) => matches(resource, t));
}

function matches(resource: JsonObject, { field, op, value }: Term): boolean {
  const labels = (resource.labels as Record<string, string> | undefined) ?? {};
  let actual: string | undefined;
  if (field === 'display_name') actual = resource.displayName as string | undefined;
  else if (field.startsWith('labels.')) actual = labels[field.slice('labels.'.length)];
  else actual = String(resource.name).split('/').pop();
  if (op === ':') return actual !== undefined;
  return op === '=' ? actual === value : actual !== value;
}
