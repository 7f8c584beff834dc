/**
 * JSON text exactly as Python's
 * `json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, separators=(',', ': '))`.
 */
import { TransformCrash } from './errors';
import { isObject, PyBytes, pyNumberString, sortedKeys } from './python';

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** Only quotes, backslashes and control characters are escaped; other text is kept as is. */
function quote(s: string): string {
  return '"' + s.replace(/[\x00-\x1f"\\]/g, (c) => ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"';
}

function dumpNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return pyNumberString(n);
}

function dump(value: unknown, indent: string, level: number): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyBytes) throw new TransformCrash('TypeError', 'Object of type bytes is not JSON serializable');
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return dumpNumber(value);
  const inner = '\n' + indent.repeat(level + 1);
  const close = '\n' + indent.repeat(level);
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return '[' + inner + value.map((v) => dump(v, indent, level + 1)).join(',' + inner) + close + ']';
  }
  if (isObject(value)) {
    const keys = sortedKeys(value).filter((k) => value[k] !== undefined);
    if (!keys.length) return '{}';
    const items = keys.map((k) => quote(k) + ': ' + dump(value[k], indent, level + 1));
    return '{' + inner + items.join(',' + inner) + close + '}';
  }
  return quote(String(value));
}

export function pyJsonDumps(value: unknown, indent = 2): string {
  return dump(value, ' '.repeat(indent), 0);
}
