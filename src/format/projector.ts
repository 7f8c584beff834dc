/**
 * Applies a parsed projection to a resource, the way gcloud does:
 *  - record mode (json, yaml, text): returns a pruned copy that keeps only the
 *    projected keys (with their nesting), applying key transforms;
 *  - column mode (table, csv, value): returns one value per projected key.
 * Quirks kept on purpose because output depends on them: empty results
 * become null, trailing nulls are stripped from sliced lists, and None
 * values are dropped unless the printer retains them.
 */
import { isObject, pyTruthy, type JsonObject } from './python';
import { getKey } from './resource';
import { DEFAULT, INNER, PROJECT, type ProjectionSpec, type ProjectionTree } from './spec';
import type { Transform } from './transform';

export interface ProjectorOptions {
  byColumns?: boolean;
  ignoreDefaultTransforms?: boolean;
  retainNoneValues?: boolean;
}

export class Projector {
  private readonly byColumns: boolean;
  private readonly ignoreDefaultTransforms: boolean;
  private retainNoneValues: boolean;
  private readonly transformsAttribute: boolean | null;
  private transformsEnabled: boolean | null = null;
  private readonly jsonDecode: boolean;

  constructor(
    readonly spec: ProjectionSpec,
    options: ProjectorOptions = {},
  ) {
    this.byColumns = options.byColumns ?? false;
    this.ignoreDefaultTransforms = options.ignoreDefaultTransforms ?? false;
    const attributes = spec.attributes;
    this.retainNoneValues = (options.retainNoneValues ?? false) && !attributes.has('no-undefined');
    if (attributes.has('transforms')) this.transformsAttribute = true;
    else if (attributes.has('no-transforms')) this.transformsAttribute = false;
    else this.transformsAttribute = null;
    this.jsonDecode = attributes.has('json-decode');
  }

  /** Record mode returns the projected record; column mode returns the column values. */
  evaluate(obj: unknown): unknown {
    this.transformsEnabled = this.transformsAttribute;
    const columns = this.spec.getColumns();
    if (!this.byColumns || !columns.length) {
      let flag = PROJECT;
      if (columns.length) {
        // Explicit keys: only they are shown, and only they may show nulls.
        this.retainNoneValues = false;
        flag = DEFAULT;
      }
      return this.project(obj, this.spec.getRoot(), flag);
    }
    const serialized = this.project(obj, this.spec.getEmpty(), PROJECT);
    if (this.transformsAttribute === null) this.transformsEnabled = !this.ignoreDefaultTransforms;
    return columns.map((column) => {
      let value = column.key.length ? getKey(serialized, column.key) : serialized;
      const transform = column.attribute.transform;
      if (transform && this.isEnabled(transform)) value = transform.evaluate(value, obj);
      return value;
    });
  }

  private isEnabled(transform: Transform): boolean {
    if (this.transformsEnabled !== null) return this.transformsEnabled;
    return transform.active === null || transform.active === this.spec.active;
  }

  private project(obj: unknown, node: ProjectionTree | null, flag: number, leaf = false): unknown {
    if (obj === undefined) obj = null;
    if (typeof obj === 'string' && this.jsonDecode && looksLikeJson(obj)) {
      try {
        return this.project(JSON.parse(obj), node, flag, leaf);
      } catch {
        // Not JSON after all.
      }
    }
    if (Array.isArray(obj) || isObject(obj)) {
      const transform = node?.attribute.transform;
      if (transform && this.isEnabled(transform)) return transform.evaluate(obj);
      if (flag >= PROJECT || node?.tree.size) {
        return Array.isArray(obj) ? this.projectList(obj, node!, flag) : this.projectDict(obj, node!, flag);
      }
      return obj;
    }
    return leaf ? obj : this.projectAttribute(obj, node, flag);
  }

  private projectAttribute(obj: unknown, node: ProjectionTree | null, flag: number): unknown {
    if (flag < PROJECT) return null;
    const transform = node?.attribute.transform;
    if (transform && this.isEnabled(transform)) return transform.evaluate(obj);
    return this.project(obj, node, flag, true);
  }

  private projectDict(obj: JsonObject, node: ProjectionTree, flag: number): unknown {
    if (!pyTruthy(obj)) return obj;
    const result: JsonObject = {};
    for (const [key, val] of Object.entries(obj)) {
      if (val === undefined) continue;
      let f = flag;
      let projected: unknown;
      const child = node.tree.get(key);
      if (child) {
        f |= child.attribute.flag;
        if (f < INNER) continue;
        projected = this.project(val, child, f);
      } else {
        projected = this.projectAttribute(val, this.spec.getEmpty(), f);
      }
      if (projected !== null || this.retainNoneValues || (f >= PROJECT && this.spec.getColumns().length)) {
        result[key] = projected;
      }
    }
    return Object.keys(result).length ? result : null;
  }

  private projectList(obj: unknown[], node: ProjectionTree, flag: number): unknown {
    if (!obj.length) return [];
    const length = obj.length;
    const indices = new Set<number>();
    let sliced: ProjectionTree | null = null;
    if (!node.tree.size) {
      if (flag < PROJECT) return null;
    } else {
      for (const [index, child] of node.tree) {
        if (index === null) {
          if (flag >= PROJECT || child.attribute.flag) sliced = child;
        } else if (typeof index === 'number' && Number.isInteger(index) && index >= -length && index < length) {
          indices.add(index);
        }
      }
    }
    // Everything below a projected node is projected.
    if (flag >= PROJECT && !sliced) sliced = this.spec.getEmpty();
    if (!indices.size && !sliced) return null;

    const normalize = (i: number): number => (i < 0 ? i + length : i);
    const size = sliced ? length : Math.max(...[...indices].map(normalize)) + 1;
    const result: unknown[] = new Array(size).fill(null);
    const positions = sliced ? Array.from({ length }, (_, i) => i) : [...indices];
    let maxIndex = -1;
    for (const index of positions) {
      let val = obj[normalize(index)];
      if (val === null || val === undefined) continue;
      let f = flag;
      let child: ProjectionTree | null;
      const explicit = node.tree.get(index);
      if (explicit) {
        child = explicit;
        if (sliced) f |= sliced.attribute.flag;
      } else {
        child = sliced;
      }
      if (child) {
        f |= child.attribute.flag;
        val = f >= INNER ? this.project(val, child, f) : null;
      }
      if (val === null) continue;
      const position = normalize(index);
      maxIndex = Math.max(maxIndex, position);
      result[position] = val;
    }
    if (maxIndex < 0) return null;
    return sliced ? result.slice(0, maxIndex + 1) : result;
  }
}

function looksLikeJson(s: string): boolean {
  return (s.startsWith('{"') && s.endsWith('}')) || (s.startsWith('[') && s.endsWith(']'));
}

/** A JSON-serializable copy of the resource with every key projected (gcloud's MakeSerializable). */
export function serialize(resource: unknown, spec: ProjectionSpec): unknown {
  return new Projector(spec).evaluate(resource);
}
