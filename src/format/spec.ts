/**
 * Parsed projection data structures: what `name[attributes](key:attr, ...)`
 * compiles to. Mirrors gcloud's projection spec so the projector and printers
 * can follow the same rules.
 */
import type { Transform, TransformRegistry } from './transform';

/** One component of a parsed key: a name, a list index, or `null` for a `[]` slice. */
export type KeyPart = string | number | null;
export type Key = KeyPart[];

/** Projection node flags; a node is projected when its (or-ed) flag reaches PROJECT. */
export const DEFAULT = 0;
export const INNER = 1;
export const PROJECT = 2;

export type Alignment = 'left' | 'center' | 'right';
export const ALIGNMENTS: readonly Alignment[] = ['left', 'center', 'right'];

/** Attribute values as the expression lexer converts them. */
export type AttributeValue = string | number | boolean | null;

export class KeyAttribute {
  align: Alignment = 'left';
  hidden = false;
  label: string | null = null;
  optional: boolean | null = null;
  order: number | null = null;
  reverse: boolean | null = null;
  skipReorder = false;
  subformat: string | null = null;
  transform: Transform | null = null;
  width: number | false | null = null;
  wrap: number | boolean | null = null;

  constructor(public flag: number) {}

  clone(): KeyAttribute {
    return Object.assign(new KeyAttribute(this.flag), this);
  }
}

export class ProjectionTree {
  readonly tree = new Map<KeyPart, ProjectionTree>();
  constructor(public attribute: KeyAttribute) {}

  deepClone(): ProjectionTree {
    const copy = new ProjectionTree(this.attribute.clone());
    for (const [k, v] of this.tree) copy.tree.set(k, v.deepClone());
    return copy;
  }
}

export interface Column {
  key: Key;
  attribute: KeyAttribute;
}

export type Alias = [Key, KeyAttribute | null];

export class ProjectionSpec {
  readonly aliases = new Map<string, Alias>();
  attributes = new Map<string, AttributeValue>();
  private columns: Column[] = [];
  private name: string | null = null;
  private root: ProjectionTree | null = null;
  private empty: ProjectionTree | null = null;
  /** Transform active level, bumped by each Defaults(); older transforms go inactive. */
  active = 1;

  constructor(readonly symbols: TransformRegistry) {}

  addAttribute(name: string, value: AttributeValue): void {
    this.attributes.set(name, value);
  }

  delAttribute(name: string): void {
    this.attributes.delete(name);
  }

  addAlias(name: string, key: Key, attribute: KeyAttribute | null): void {
    this.aliases.set(name, [key, attribute]);
  }

  addKey(key: Key, attribute: KeyAttribute): void {
    this.columns.push({ key, attribute });
  }

  /** The rightmost printer name wins; naming again drops earlier attributes. */
  setName(name: string): void {
    if (this.name) this.attributes = new Map();
    this.name = name;
  }

  getName(): string | null {
    return this.name;
  }

  getRoot(): ProjectionTree | null {
    return this.root;
  }

  setRoot(root: ProjectionTree): void {
    this.root = root;
  }

  getEmpty(): ProjectionTree {
    return this.empty!;
  }

  setEmpty(node: ProjectionTree): void {
    this.empty = node;
  }

  getColumns(): Column[] {
    return this.columns;
  }

  /** Demotes everything parsed so far to defaults (a later projection takes over). */
  toDefaults(): void {
    if (this.root) markDefault(this.root);
    this.columns = [];
    this.active += 1;
  }

  labels(): string[] | null {
    const labels = this.columns.map((c) => c.attribute.label || '');
    return labels.some((l) => l) ? labels : null;
  }

  alignments(): Alignment[] {
    return this.columns.map((c) => c.attribute.align);
  }

  /** Sort keys as [column index, reverse], highest precedence first. */
  order(): Array<[number, boolean]> {
    const ordering: Array<[number, number, boolean]> = [];
    this.columns.forEach((col, i) => {
      if (col.attribute.order || col.attribute.reverse) {
        ordering.push([col.attribute.order || Number.MAX_SAFE_INTEGER, i, !!col.attribute.reverse]);
      }
    });
    ordering.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return ordering.map(([, i, reverse]) => [i, reverse]);
  }
}

function markDefault(node: ProjectionTree): void {
  node.attribute.flag = DEFAULT;
  for (const child of node.tree.values()) markDefault(child);
}
