/**
 * Parses a format expression `name[attr,...](key:attr=value, ...)` into a
 * ProjectionSpec, following gcloud's rules: the rightmost printer name wins,
 * a later `(...)` demotes earlier keys to defaults, `:(...)` adds key
 * attributes (e.g. sort order) without projecting, and default column labels
 * are ANGRY_SNAKE_CASE names disambiguated right to left.
 */
import { FormatError } from './errors';
import { Lexer } from './lexer';
import { compileFilter } from './filter';
import { pyIsAlpha, pyTruthy } from './python';
import {
  ALIGNMENTS,
  DEFAULT,
  INNER,
  KeyAttribute,
  PROJECT,
  ProjectionSpec,
  ProjectionTree,
  type Alignment,
  type AttributeValue,
  type Key,
} from './spec';
import type { TransformRegistry } from './transform';

const BOOLEAN_ATTRIBUTES = ['optional', 'reverse'];
const OPTIONAL_BOOLEAN_ATTRIBUTES = ['wrap'];
const LABEL_SNAKE_RE = /((?<=[a-z0-9])[A-Z]+|(?!^)[A-Z](?=[a-z]))/g;

function sameKey(a: Key, b: Key): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

class Parser {
  private readonly spec: ProjectionSpec;
  private root!: ProjectionTree;
  private lexer!: Lexer;
  private keyAttributesOnly = false;
  private keyOrderOffset = 0;
  private readonly snakeHeadings = new Set<string>();

  constructor(
    symbols: TransformRegistry,
    private readonly defaults?: ProjectionSpec,
    private readonly conditionals: Record<string, unknown> = {},
  ) {
    this.spec = new ProjectionSpec(symbols);
  }

  parse(expression: string): ProjectionSpec {
    const inherited = this.defaults?.getRoot();
    this.root = inherited ? inherited.deepClone() : new ProjectionTree(new KeyAttribute(DEFAULT));
    this.spec.setRoot(this.root);
    if (this.defaults) {
      // A nested projection (format()'s keys) starts from its parent's keys, aliases and transforms, as defaults.
      this.spec.active = this.defaults.active;
      this.spec.toDefaults();
      for (const [name, alias] of this.defaults.aliases) this.spec.aliases.set(name, alias);
    }
    this.spec.setEmpty(new ProjectionTree(new KeyAttribute(PROJECT)));
    if (!expression) return this.spec;
    this.lexer = new Lexer(expression, this.spec);
    let pendingDefaults = false;
    while (this.lexer.skipSpace()) {
      if (this.lexer.isCharacter('(')) {
        if (!this.keyAttributesOnly) {
          pendingDefaults = false;
          this.spec.toDefaults();
        }
        this.parseKeys();
        if (this.keyAttributesOnly) {
          this.keyAttributesOnly = false;
          this.reorder();
        }
      } else if (this.lexer.isCharacter('[')) {
        this.parseAttributes();
      } else if (this.lexer.isCharacter(':')) {
        this.keyAttributesOnly = true;
        this.keyOrderOffset = 0;
      } else {
        const here = this.lexer.getPosition();
        const name = this.lexer.token(':([');
        if (typeof name !== 'string' || !pyIsAlpha(name)) throw this.lexer.error('Name expected', here);
        this.spec.setName(name);
        pendingDefaults = true;
      }
    }
    // A printer name after the last projection turns it into defaults only.
    if (pendingDefaults) this.spec.toDefaults();
    return this.spec;
  }

  /** ANGRY_SNAKE_CASE label from the key's names, adding names right to left until unique. */
  private angrySnakeCase(key: Key): string {
    let label = '';
    for (const part of [...key].reverse()) {
      if (typeof part !== 'string') continue;
      const snake = part.replace(LABEL_SNAKE_RE, '_$1').toUpperCase();
      label = label ? snake + '_' + label : snake;
      if (!this.snakeHeadings.has(label)) {
        this.snakeHeadings.add(label);
        break;
      }
    }
    return label;
  }

  /** Adds key to the projection tree (and columns), merging in non-default attribute values. */
  private addKey(key: Key, attributeAdd: KeyAttribute): void {
    let node = this.root;
    for (const name of key.slice(0, -1)) {
      const child = node.tree.get(name);
      if (child) {
        if (child.attribute.flag !== PROJECT) child.attribute.flag = INNER;
      } else {
        node.tree.set(name, new ProjectionTree(new KeyAttribute(INNER)));
      }
      node = node.tree.get(name)!;
    }

    const name = key.length ? key[key.length - 1] : '';
    const existing = node.tree.get(name);
    let attribute: KeyAttribute;
    if (existing) {
      attribute = existing.attribute;
      // A repeated column (e.g. same key, other transform) gets its own attribute copy.
      if (!this.keyAttributesOnly && this.spec.getColumns().some((col) => sameKey(col.key, key))) {
        attribute = attribute.clone();
      }
      if (!this.keyAttributesOnly || !attribute.order) attribute.hidden = false;
    } else if (typeof name === 'number' && node.tree.has(null)) {
      // An explicit index inherits the slice's projection.
      const copy = node.tree.get(null)!.deepClone();
      node.tree.set(name, copy);
      attribute = copy.attribute;
    } else {
      attribute = attributeAdd;
      if (this.keyAttributesOnly && attribute.order) attribute.hidden = true;
      if (key.length || attribute.transform) node.tree.set(name, new ProjectionTree(attribute));
    }

    this.mergeAttribute(attribute, attributeAdd, key);
    this.spec.addAlias(attribute.label ?? '', key, attribute);

    if (!this.keyAttributesOnly || attribute.hidden) {
      attribute.flag = PROJECT;
      this.spec.addKey(key, attribute);
    } else if (!existing) {
      attribute.flag = DEFAULT;
    }
  }

  private mergeAttribute(attribute: KeyAttribute, add: KeyAttribute, key: Key): void {
    if (add.order !== null) {
      attribute.order = add.order;
      if (this.keyAttributesOnly) {
        this.keyOrderOffset += 1;
        attribute.skipReorder = true;
      }
    }
    if (add.label !== null) attribute.label = add.label;
    else if (attribute.label === null) attribute.label = this.angrySnakeCase(key);
    if (add.align !== 'left') attribute.align = add.align;
    if (add.optional !== null) attribute.optional = add.optional;
    else if (attribute.optional === null) attribute.optional = false;
    if (add.reverse !== null) attribute.reverse = add.reverse;
    else if (attribute.reverse === null) attribute.reverse = false;
    if (add.transform) attribute.transform = add.transform;
    if (add.subformat) attribute.subformat = add.subformat;
    if (add.width !== null) attribute.width = add.width;
    else if (attribute.width === null) attribute.width = false;
    if (add.wrap !== null) attribute.wrap = add.wrap;
    else if (attribute.wrap === null) attribute.wrap = false;
  }

  /** Slides existing sort orders after the ones a `:(...)` just added. */
  private reorder(): void {
    if (!this.keyOrderOffset) return;
    const visit = (node: ProjectionTree): void => {
      for (const child of node.tree.values()) {
        if (child.attribute.order) {
          if (child.attribute.skipReorder) child.attribute.skipReorder = false;
          else child.attribute.order += this.keyOrderOffset;
        }
        visit(child);
      }
    };
    visit(this.root);
    this.keyOrderOffset = 0;
  }

  /** `:name=value:...` after a key; the first `:` is already consumed. */
  private parseKeyAttributes(key: Key, attribute: KeyAttribute): void {
    for (;;) {
      let name = String(this.lexer.token('=:,)', false, false) ?? '');
      const here = this.lexer.getPosition();
      let value: AttributeValue;
      let booleanValue: boolean;
      if (this.lexer.isCharacter('=', false, true)) {
        booleanValue = false;
        value = this.lexer.token(':,)', false, false, true);
      } else {
        booleanValue = true;
        value = !name.startsWith('no-');
        if (!value) name = name.slice(3);
      }
      if (BOOLEAN_ATTRIBUTES.includes(name)) {
        if (!booleanValue) throw this.lexer.error('value not expected', here);
      } else if (booleanValue && !OPTIONAL_BOOLEAN_ATTRIBUTES.includes(name)) {
        throw this.lexer.error('value expected', here);
      }
      this.applyKeyAttribute(name, value, key, attribute, here);
      if (!this.lexer.isCharacter(':')) break;
    }
  }

  private applyKeyAttribute(name: string, value: AttributeValue, key: Key, attribute: KeyAttribute, here: number): void {
    switch (name) {
      case 'alias':
        if (!value) throw this.lexer.error('Cannot unset alias', here);
        this.spec.addAlias(String(value), key, attribute);
        break;
      case 'align':
        if (!ALIGNMENTS.includes(value as Alignment)) throw this.lexer.error('Unknown alignment', here);
        attribute.align = value as Alignment;
        break;
      case 'format':
        attribute.subformat = value ? String(value) : '';
        break;
      case 'label':
        attribute.label = value ? String(value) : '';
        break;
      case 'optional':
        attribute.optional = Boolean(value);
        break;
      case 'reverse':
        attribute.reverse = Boolean(value);
        break;
      case 'sort':
        attribute.order = typeof value === 'number' ? value : null;
        break;
      case 'width':
        attribute.width = typeof value === 'number' ? value : false;
        break;
      case 'wrap':
        attribute.wrap = typeof value === 'number' || typeof value === 'boolean' ? value : Boolean(value);
        break;
      default:
        throw this.lexer.error('Unknown key attribute', here);
    }
  }

  /** One key, its optional transform chain, and its optional attributes. */
  private parseKey(): void {
    const [key, aliasAttribute] = this.lexer.keyWithAttribute();
    let addTransform = null;
    if (this.lexer.isCharacter('(', false, true)) {
      const name = key.pop();
      if (typeof name !== 'string') throw this.lexer.error('Transform function expected');
      addTransform = this.lexer.transform(name, this.spec.active);
    }
    const useAlias = aliasAttribute && (!this.keyAttributesOnly || !key.length);
    const attribute = useAlias ? aliasAttribute.clone() : new KeyAttribute(PROJECT);
    if (!attribute.transform) attribute.transform = addTransform;
    else if (addTransform) attribute.transform.calls.push(...addTransform.calls);
    this.lexer.skipSpace();
    if (this.lexer.isCharacter(':')) this.parseKeyAttributes(key, attribute);
    // key.if(expr): the key is left out unless expr, over the command's flags, holds.
    if (attribute.transform?.conditional && !this.conditionHolds(attribute.transform.conditional)) return;
    if (attribute.label === null && !key.length && attribute.transform) {
      const transform = attribute.transform;
      // The projection argument of format() and enum() is no name part.
      const names = (transform.calls[0]?.args ?? []).filter((a): a is string => typeof a === 'string');
      attribute.label = this.angrySnakeCase([transform.name, ...names]);
    }
    this.addKey(key, attribute);
  }

  /** An if() condition: a filter expression over the command's flags, where a bare flag name is true if the flag is set. */
  private conditionHolds(expression: string): boolean {
    const flags = this.conditionals;
    return compileFilter(expression, undefined, (word) => ({ matches: () => pyTruthy(flags[word]) })).matches(flags);
  }

  /** `key, key, ...)`; the `(` is already consumed. */
  private parseKeys(): void {
    if (this.lexer.isCharacter(')')) return;
    for (;;) {
      this.parseKey();
      this.lexer.skipSpace();
      if (this.lexer.isCharacter(')')) break;
      if (!this.lexer.isCharacter(',')) throw this.lexer.error('Expected ) in projection expression');
    }
  }

  /** `[no-]name[=value], ...]`; the `[` is already consumed. */
  private parseAttributes(): void {
    for (;;) {
      const name = this.lexer.token('=,])', false, false);
      if (name) {
        let value: AttributeValue = 1;
        if (this.lexer.isCharacter('=')) value = this.lexer.token(',])', false, false, true);
        if (typeof value === 'string') value = value.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
        const attributeName = String(name);
        this.spec.addAttribute(attributeName, value);
        if (attributeName.startsWith('no-')) this.spec.delAttribute(attributeName.slice(3));
        else this.spec.delAttribute('no-' + attributeName);
      }
      if (this.lexer.isCharacter(']')) break;
      if (!this.lexer.isCharacter(',')) throw this.lexer.error('Expected ] in attribute list');
    }
  }
}

/** `conditionals`: the command's flag values by name, which if() conditions test. */
export function parseProjection(expression: string, symbols: TransformRegistry, conditionals?: Record<string, unknown>): ProjectionSpec {
  return parseNestedProjection(expression, symbols, undefined, conditionals);
}

/** parseProjection with another projection's keys, aliases and transforms as defaults. */
export function parseNestedProjection(
  expression: string,
  symbols: TransformRegistry,
  defaults?: ProjectionSpec,
  conditionals?: Record<string, unknown>,
): ProjectionSpec {
  try {
    return new Parser(symbols, defaults, conditionals).parse(expression);
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(`Invalid format expression [${expression}].`);
  }
}
