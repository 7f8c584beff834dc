/**
 * Python's str.format(*args), which gcloud's `format()` transform applies to the values of its keys:
 * `{}`/`{0}` fields with `[index]`/`.attr` lookups, `!s`/`!r` conversions and the format-spec mini-language
 * ([[fill]align][sign][#][0][width][,|_][.precision][type]) for str, int, float and bool. A string or value
 * Python would refuse raises Python's exception (a TransformCrash) with Python's message.
 */
import { TransformCrash } from './errors';
import { isObject, isPyFloat, PyBytes, pyFloatRepr, pyFormatFixed, pyFormatGeneral, pyRepr, pyStr } from './python';

function valueError(message: string): never {
  throw new TransformCrash('ValueError', message);
}

export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isPyFloat(value) ? 'float' : 'int';
  if (Array.isArray(value)) return 'list';
  if (value instanceof PyBytes) return 'bytes';
  return 'dict';
}

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alternate: boolean;
  width: number;
  grouping: string;
  precision: number | null;
  type: string;
}

const SPEC_RE = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?(.)?$/su;

function parseSpec(text: string, value: unknown): Spec {
  const m = SPEC_RE.exec(text);
  if (!m) valueError(`Invalid format specifier '${text}' for object of type '${pyTypeName(value)}'`);
  const [, fill, align, sign, , alternate, zero, width, grouping, precision, type] = m;
  return {
    fill: fill ?? (zero && !align ? '0' : ' '),
    align: align ?? (zero ? '=' : ''),
    sign: sign ?? '',
    alternate: Boolean(alternate),
    width: width ? Number(width) : 0,
    grouping: grouping ?? '',
    precision: precision === undefined ? null : Number(precision),
    type: type ?? '',
  };
}

function pad(body: string, prefix: string, spec: Spec, defaultAlign: string): string {
  const length = Array.from(prefix + body).length;
  const missing = Math.max(0, spec.width - length);
  const fill = spec.fill.repeat(missing);
  switch (spec.align || defaultAlign) {
    case '<':
      return prefix + body + fill;
    case '^': {
      const left = Math.floor(missing / 2);
      return spec.fill.repeat(left) + prefix + body + spec.fill.repeat(missing - left);
    }
    case '=':
      return prefix + fill + body;
    default:
      return fill + prefix + body;
  }
}

function group(digits: string, separator: string, size: number): string {
  if (!separator) return digits;
  const exponent = digits.search(/e/i);
  if (exponent >= 0) return group(digits.slice(0, exponent), separator, size) + digits.slice(exponent);
  const [whole, fraction] = digits.split('.');
  const parts: string[] = [];
  for (let end = whole.length; end > 0; end -= size) parts.unshift(whole.slice(Math.max(0, end - size), end));
  return parts.join(separator) + (fraction === undefined ? '' : '.' + fraction);
}

function exponential(x: number, precision: number, upper: boolean): string {
  const [mantissa, exponent] = Math.abs(x).toExponential(precision).split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  const text = `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
  return upper ? text.toUpperCase() : text;
}

function formatNumber(value: number, spec: Spec, isFloat: boolean): string {
  const typeName = isFloat ? 'float' : 'int';
  const type = spec.type;
  const integerTypes = 'bcdoxXn';
  const floatTypes = 'eEfFgGn%';
  if (!isFloat && !integerTypes.includes(type) && !floatTypes.includes(type)) {
    valueError(`Unknown format code '${type}' for object of type '${typeName}'`);
  }
  if (isFloat && type && !floatTypes.includes(type)) valueError(`Unknown format code '${type}' for object of type 'float'`);
  if (!isFloat && (integerTypes.includes(type) || !type)) {
    if (spec.precision !== null) valueError('Precision not allowed in integer format specifier');
    let n = BigInt(Math.trunc(value));
    const negative = n < 0n;
    if (negative) n = -n;
    let digits: string;
    let prefix = '';
    if (type === 'c') return pad(String.fromCodePoint(Number(n)), '', spec, '<');
    if (type === 'b' || type === 'o' || type === 'x' || type === 'X') {
      const radix = { b: 2, o: 8, x: 16, X: 16 }[type];
      digits = n.toString(radix);
      if (type === 'X') digits = digits.toUpperCase();
      if (spec.alternate) prefix = '0' + type;
      digits = group(digits, spec.grouping === '_' ? '_' : '', 4);
      if (spec.grouping === ',') valueError(`Cannot specify ',' with '${type}'.`);
    } else {
      digits = group(n.toString(), spec.grouping, 3);
    }
    const sign = negative ? '-' : spec.sign === '-' ? '' : spec.sign;
    return pad(digits, sign + prefix, spec, '>');
  }
  const x = value;
  const precision = spec.precision ?? 6;
  let body: string;
  if (type === 'f' || type === 'F') body = pyFormatFixed(Math.abs(x), precision);
  else if (type === 'e' || type === 'E') body = exponential(x, precision, type === 'E');
  else if (type === '%') body = pyFormatFixed(Math.abs(x) * 100, precision) + '%';
  else if (type === 'g' || type === 'G' || type === 'n') {
    body = pyFormatGeneral(Math.abs(x), precision || 1).replace(/\.0(?=$|e)/, '');
    if (spec.alternate && !body.includes('.')) body += '.';
    if (type === 'G') body = body.toUpperCase();
  } else if (spec.precision !== null) {
    body = pyFormatGeneral(Math.abs(x), precision || 1);
  } else {
    body = pyFloatRepr(Math.abs(x));
  }
  if (!Number.isFinite(x)) body = Number.isNaN(x) ? 'nan' : 'inf';
  if (type && 'EFG'.includes(type)) body = body.toUpperCase();
  body = group(body, spec.grouping, 3);
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative ? '-' : spec.sign === '-' ? '' : spec.sign;
  return pad(body, sign, spec, '>');
}

/** Python's format(value, spec). */
function formatValue(value: unknown, specText: string): string {
  if (!specText) return pyStr(value);
  if (value === null || value === undefined || Array.isArray(value) || isObject(value) || value instanceof PyBytes) {
    throw new TransformCrash('TypeError', `unsupported format string passed to ${pyTypeName(value)}.__format__`);
  }
  const spec = parseSpec(specText, value);
  if (typeof value === 'string') {
    if (spec.type && spec.type !== 's') valueError(`Unknown format code '${spec.type}' for object of type 'str'`);
    if (spec.sign) valueError('Sign not allowed in string format specifier');
    if (spec.alternate) valueError('Alternate form (#) not allowed in string format specifier');
    if (spec.align === '=') valueError("'=' alignment not allowed in string format specifier");
    if (spec.grouping) valueError(`Cannot specify '${spec.grouping}' with 's'.`);
    const chars = Array.from(value);
    const body = spec.precision === null ? value : chars.slice(0, spec.precision).join('');
    return pad(body, '', spec, '<');
  }
  if (typeof value === 'boolean') return formatNumber(value ? 1 : 0, spec, false);
  return formatNumber(value as number, spec, isPyFloat(value));
}

/** `value[key]` as Python indexes a str, list or dict. */
function subscript(value: unknown, key: string | number): unknown {
  if (value instanceof PyBytes) {
    if (typeof key !== 'number') throw new TransformCrash('TypeError', 'byte indices must be integers or slices, not str');
    if (key >= value.bytes.length) throw new TransformCrash('IndexError', 'index out of range');
    return value.bytes[key];
  }
  if (Array.isArray(value) || typeof value === 'string') {
    const kind = Array.isArray(value) ? 'list' : 'string';
    if (typeof key !== 'number') {
      throw new TransformCrash('TypeError', `${kind} indices must be integers${kind === 'list' ? ' or slices, not str' : ", not 'str'"}`);
    }
    const items = Array.isArray(value) ? value : Array.from(value);
    if (key >= items.length) throw new TransformCrash('IndexError', `${kind} index out of range`);
    return items[key];
  }
  if (isObject(value)) {
    if (!Object.hasOwn(value, String(key)) || typeof key === 'number') throw new TransformCrash('KeyError', pyRepr(key));
    return value[key];
  }
  throw new TransformCrash('TypeError', `'${pyTypeName(value)}' object is not subscriptable`);
}

/** Python's `fmt.format(*args)`. */
export function pyStrFormat(fmt: string, args: unknown[]): string {
  const chars = Array.from(fmt);
  let out = '';
  let auto: number | null = null; // next automatic field number; null until one is used
  let manual = false;
  let i = 0;
  const field = (): string => {
    // Inside "{...}": the field name, conversion and spec up to the matching "}".
    let depth = 1;
    let text = '';
    while (i < chars.length) {
      const c = chars[i++];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return text;
      text += c;
    }
    return valueError("expected '}' before end of string");
  };
  while (i < chars.length) {
    const c = chars[i++];
    if (c === '}') {
      if (chars[i] !== '}') valueError("Single '}' encountered in format string");
      i++;
      out += '}';
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    if (chars[i] === '{') {
      i++;
      out += '{';
      continue;
    }
    if (i >= chars.length) valueError("Single '{' encountered in format string");
    const text = field();
    const m = /^([^.[!:]*)((?:\.[^.[!:]*|\[[^\]]*\])*)(?:!(.?))?(?::(.*))?$/su.exec(text);
    if (!m) valueError("expected '}' before end of string");
    const [, name, lookups, conversion, specText = ''] = m;
    let value: unknown;
    if (name === '') {
      if (manual) valueError('cannot switch from manual field specification to automatic field numbering');
      auto ??= 0;
      value = pickArg(args, auto++);
    } else if (/^\d+$/.test(name)) {
      if (auto !== null) valueError('cannot switch from automatic field numbering to manual field specification');
      manual = true;
      value = pickArg(args, Number(name));
    } else {
      throw new TransformCrash('KeyError', pyRepr(name));
    }
    for (const [, attribute, key] of lookups.matchAll(/\.([^.[]*)|\[([^\]]*)\]/g)) {
      if (attribute !== undefined) {
        throw new TransformCrash('AttributeError', `'${pyTypeName(value)}' object has no attribute '${attribute}'`);
      }
      value = subscript(value, /^\d+$/.test(key) ? Number(key) : key);
    }
    if (conversion === 's') value = pyStr(value);
    else if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion !== undefined) valueError(`Unknown conversion specifier ${conversion || '\\x00'}`);
    out += formatValue(value, specText.includes('{') ? pyStrFormat(specText, args) : specText);
  }
  return out;
}

function pickArg(args: unknown[], index: number): unknown {
  if (index >= args.length) throw new TransformCrash('IndexError', `Replacement index ${index} out of range for positional args tuple`);
  return args[index];
}
