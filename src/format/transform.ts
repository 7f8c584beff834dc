/**
 * Projection transforms: the `.basename()`-style function calls that can follow
 * a key. A key's transform is a chain of calls applied left to right.
 */
import { isObject, pyTruthy } from './python';

export type TransformArgs = unknown[];
export type TransformKwargs = Record<string, string>;

export interface TransformDefinition {
  apply(r: unknown, args: TransformArgs, kwargs: TransformKwargs): unknown;
  /** Like a Python signature with defaults: `name=value` args become keyword args. */
  keywordArgs: boolean;
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

/** Python iteration of a value: list items, str characters, dict keys. */
export function iterate(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return Array.from(value);
  if (isObject(value)) return Object.keys(value);
  return undefined;
}
