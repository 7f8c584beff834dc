// Value types of gcloud flags (ArgList, ArgDict, BoundedInt, bucket references, labels), with the
// messages gcloud's argument parser prints when a value does not parse. A parse failure throws
// FlagValueError; the parser turns it into `argument --flag: <message>` (exit 2).
import { bucketNameProblem, isValidLabelKey, isValidLabelValue } from '../domain';

export class FlagValueError extends Error {}

/** A raw flag value: a string from argv, or a YAML list/dict/scalar from --flags-file. */
export type RawValue = string | number | boolean | null | RawValue[] | { [key: string]: RawValue };

const received = (message: string, input: unknown) => `${message}; received: ${String(input)}`;

/** gcloud's list splitting: commas, or a custom delimiter with the `^DELIM^value` escape. */
export function splitList(value: string): string[] {
  let delim = ',';
  const escaped = /^\^([^^]+)\^/.exec(value);
  if (escaped) {
    delim = escaped[1];
    value = value.slice(escaped[0].length);
  }
  if (!value) return [];
  if (!value.endsWith(delim)) value += delim;
  return value.split(delim).slice(0, -1);
}

/** Scalar YAML values arrive as numbers/booleans; gcloud treats them as their string form. */
export function scalarToString(value: RawValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

export function argList(raw: RawValue): string[];
export function argList<T>(raw: RawValue, element: (s: string) => T): T[];
export function argList(raw: RawValue, element: (s: string) => unknown = (s) => s): unknown[] {
  if (Array.isArray(raw)) return raw.map((v) => element(scalarToString(v)));
  if (raw !== null && typeof raw === 'object') {
    throw new FlagValueError(`Invalid type [dict] for flag value [${JSON.stringify(raw)}]`);
  }
  return splitList(scalarToString(raw)).map(element);
}

export interface ArgDictOptions<Value = unknown> {
  spec?: Record<string, (value: string) => Value>;
  requiredKeys?: string[];
  keyType?: (key: string) => string;
  valueType?: (value: string) => Value;
}

/** Without a value type or spec, the values are the strings given. */
export function argDict(raw: RawValue, options?: ArgDictOptions<never>): Map<string, string>;
export function argDict<Value>(raw: RawValue, options: ArgDictOptions<Value>): Map<string, Value>;
export function argDict(raw: RawValue, options: ArgDictOptions = {}): Map<string, unknown> {
  const pairs: [string, string | null][] = [];
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [k, v] of Object.entries(raw)) pairs.push([k, scalarToString(v)]);
  } else if (Array.isArray(raw)) {
    throw new FlagValueError(`Invalid type [list] for flag value [${JSON.stringify(raw)}]`);
  } else {
    for (const item of splitList(scalarToString(raw))) {
      const match = /^([^=]+)(=?)([\s\S]*)$/.exec(item);
      if (!match) throw new FlagValueError(`Invalid flag value [${item}]`);
      pairs.push([match[1], match[2] ? match[3] : null]);
    }
  }
  const result = new Map<string, unknown>();
  for (const [key, value] of pairs) {
    if (value === null) {
      throw new FlagValueError(
        `Bad syntax for dict arg: [${key}]. Please see \`gcloud topic flags-file\` or \`gcloud topic escaping\` for information on providing list or dictionary flag values with special characters.`,
      );
    }
    const k = options.keyType ? options.keyType(key) : key;
    let v: unknown = options.valueType ? options.valueType(value) : value;
    if (options.spec) {
      const convert = options.spec[k];
      if (!convert) {
        throw new FlagValueError(received(`valid keys are [${Object.keys(options.spec).sort().join(', ')}]`, k));
      }
      v = convert(value);
    }
    result.set(k, v);
  }
  for (const key of options.requiredKeys ?? []) {
    if (!result.has(key)) throw new FlagValueError(`Key [${key}] required in dict arg but not provided`);
  }
  return result;
}

/** Python's int(): optional sign, digits, surrounding whitespace, underscores between digits. */
export function parsePythonInt(value: string): number | undefined {
  const trimmed = value.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(trimmed)) return undefined;
  return Number(trimmed.replace(/_/g, ''));
}

export function boundedInt(lower?: number, upper?: number) {
  return (value: string): number => {
    const n = parsePythonInt(value);
    if (n === undefined) throw new FlagValueError(received('Value must be an integer', value));
    if (lower !== undefined && n < lower) {
      throw new FlagValueError(received(`Value must be greater than or equal to ${lower}`, value));
    }
    if (upper !== undefined && n > upper) {
      throw new FlagValueError(received(`Value must be less than or equal to ${upper}`, value));
    }
    return n;
  };
}

/** argparse's `type=int`. */
export function plainInt(value: string): number {
  const n = parsePythonInt(value);
  if (n === undefined) throw new FlagValueError(`invalid int value: '${value}'`);
  return n;
}

// ---- Cloud Storage bucket references (--staging-bucket; the naming rules: domain/buckets.ts) ----

/** `--staging-bucket gs://name[/]` → the bucket name. */
export function bucketReference(value: string): string {
  if (!value.startsWith('gs://')) {
    throw new FlagValueError('Must be a valid Google Cloud Storage bucket of the form [gs://somebucket]');
  }
  const name = value.slice('gs://'.length).replace(/\/+$/, '');
  const problem = bucketNameProblem(name);
  if (problem) {
    throw new FlagValueError(
      `Invalid bucket name [${name}]: ${problem}\n\nSee https://cloud.google.com/storage/docs/naming#requirements for details.`,
    );
  }
  return name;
}

// ---- Labels (the rules: domain/labels.ts) ----

export const LABEL_KEY_ERROR =
  'Only hyphens (-), underscores (_), lowercase characters, and numbers are allowed. Keys must start with a lowercase character. International characters are allowed. Key length must not exceed 63 characters.';
export const LABEL_VALUE_ERROR =
  'Only hyphens (-), underscores (_), lowercase characters, and numbers are allowed. International characters are allowed.';

export function labelKey(key: string): string {
  if (!isValidLabelKey(key)) throw new FlagValueError(`Bad value [${key}]: ${LABEL_KEY_ERROR}`);
  return key;
}

export function labelValue(value: string): string {
  if (!isValidLabelValue(value)) throw new FlagValueError(`Bad value [${value}]: ${LABEL_VALUE_ERROR}`);
  return value;
}
