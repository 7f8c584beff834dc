/**
 * Projection transforms: the `.basename()`-style function calls that can follow
 * a key. A key's transform is a chain of calls applied left to right.
 */
import { TransformCrash } from './errors';
import { isObject, PyBytes, pyTruthy } from './python';

export type TransformArgs = unknown[];
export type TransformKwargs = Record<string, string>;

/** A transform's Python signature: how gcloud binds the call's arguments, and what it says when they do not fit. */
export interface Signature {
  /** The Python function's name, as its TypeErrors quote it (e.g. `TransformBaseName`). */
  name: string;
  /** The parameters after the resource, in order. */
  params: readonly string[];
  /** How many leading params have no default. */
  required: number;
  /** Takes any number of further positional args (`*args`). */
  varargs?: boolean;
  /** Takes any keyword args (`**kwargs`). */
  varkwargs?: boolean;
  /** The projection being parsed is passed as the first positional arg (gcloud's `projection` parameter). */
  projection?: boolean;
}

export interface TransformDefinition {
  signature: Signature;
  apply(r: unknown, args: TransformArgs, kwargs: TransformKwargs): unknown;
}

/** A function with defaults takes `name=value` args as keyword args; others take them as text. */
export function takesKeywordArgs(signature: Signature): boolean {
  return signature.params.length > signature.required;
}

function quotedList(names: string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  if (quoted.length < 3) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

/** Python's call binding of f(r, *args, **kwargs): its TypeError, in CPython's order and words, when they do not fit. */
export function checkCall(signature: Signature, args: TransformArgs, kwargs: TransformKwargs): void {
  const fail = (message: string): never => {
    throw new TransformCrash('TypeError', `${signature.name}() ${message}`);
  };
  const names = ['r', ...signature.params];
  const given = 1 + args.length;
  for (const keyword of Object.keys(kwargs)) {
    const index = names.indexOf(keyword);
    if (index < 0 && !signature.varkwargs) fail(`got an unexpected keyword argument '${keyword}'`);
    if (index >= 0 && index < given) fail(`got multiple values for argument '${keyword}'`);
  }
  if (given > names.length && !signature.varargs) {
    const defaults = signature.params.length - signature.required;
    const takes = defaults
      ? `from ${names.length - defaults} to ${names.length} positional arguments`
      : `${names.length} positional argument${names.length === 1 ? '' : 's'}`;
    fail(`takes ${takes} but ${given} ${given === 1 ? 'was' : 'were'} given`);
  }
  const missing = names.slice(given, 1 + signature.required).filter((n) => !Object.hasOwn(kwargs, n));
  if (missing.length) {
    fail(`missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${quotedList(missing)}`);
  }
}

export type TransformRegistry = Map<string, TransformDefinition>;

export class TransformCall {
  constructor(
    readonly name: string,
    readonly definition: TransformDefinition,
    /** Projection active level this call belongs to; null means always active. */
    readonly active: number | null,
    /** Apply to each list item, descending this many list levels (0: apply to r). */
    readonly mapDepth: number,
    readonly args: TransformArgs,
    readonly kwargs: TransformKwargs,
  ) {}

  call(r: unknown): unknown {
    checkCall(this.definition.signature, this.args, this.kwargs);
    return this.definition.apply(r, this.args, this.kwargs);
  }
}

export class Transform {
  readonly calls: TransformCall[] = [];
  conditional: string | null = null;

  get active(): number | null {
    return this.calls.length ? this.calls[0].active : null;
  }

  /** The name of the last call; used for column labels of key-less transforms. */
  get name(): string {
    return this.calls.length ? this.calls[this.calls.length - 1].name : '';
  }

  isActive(active: number): boolean {
    return this.calls.length > 0 && (this.active === null || this.active === active);
  }

  evaluate(obj: unknown, original?: unknown): unknown {
    let value = obj;
    for (const call of this.calls) {
      // uri() wants the whole original resource, not the column value.
      if (call.name === 'uri' && original !== undefined) value = original;
      if (call.mapDepth && Array.isArray(value)) {
        value = flattenLevels(value, call.mapDepth - 1).map((item) => call.call(item));
      } else if (pyTruthy(value) || !call.mapDepth) {
        value = call.call(value);
      }
    }
    return value;
  }
}

/** Concatenates nested list items `levels` times, stopping at a non-iterable item. */
function flattenLevels(items: unknown[], levels: number): unknown[] {
  let current = items;
  for (let level = 0; level < levels; level++) {
    const nested: unknown[] = [];
    for (const item of current) {
      const expanded = iterate(item);
      if (expanded === undefined) return current;
      nested.push(...expanded);
    }
    current = nested;
  }
  return current;
}

/** Python iteration of a value: list items, str characters, bytes as ints, dict keys. */
export function iterate(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return Array.from(value);
  if (value instanceof PyBytes) return Array.from(value.bytes);
  if (isObject(value)) return Object.keys(value);
  return undefined;
}
