/**
 * What gcloud prints of an API message itself rather than of its JSON: Python's repr of an apitools
 * message (the `object` format), and the Python str() of a key looked up on the message (what
 * --sort-by compares; resource_property.Get on a message resolves fields, not map keys). Resources
 * are the JSON of the message; a MessageSchema (the API's, given by the command) says what each
 * field is. (apitools: protorpclite/messages.py Message.__repr__, extra_types.py JsonValue.)
 */
import type { Key } from './spec';
import { PyBytes, pyFloatRepr, pyStrRepr } from './python';
import { toCamelCase, toSnakeCase } from './resource';

/**
 * An API's messages: each message type (by qualified name) lists its fields in field-number order,
 * each `name`, `name:int|bool|float|bytes`, `name:enum:Type` or `name:Type` (a message), `[]` before
 * a repeated one; each enum type lists its value names in number order (0, 1, …).
 */
export interface MessageSchema {
  messages: Record<string, string[]>;
  enums: Record<string, string[]>;
}

/** The message type of a command's resources. */
export interface MessageType {
  schema: MessageSchema;
  type: string;
}

type Kind = 'string' | 'int' | 'bool' | 'float' | 'bytes' | 'enum' | 'message';

interface Field {
  name: string;
  repeated: boolean;
  kind: Kind;
  /** The message or enum type. */
  type?: string;
}

// apitools' JSON types, which hold the API's free-form JSON (an Operation's metadata and response).
const JSON_TYPES: Record<string, string[]> = {
  JsonValue: [
    'is_null:bool',
    'boolean_value:bool',
    'integer_value:int',
    'double_value:float',
    'string_value',
    'object_value:JsonObject',
    'array_value:JsonArray',
  ],
  JsonObject: ['[]properties:JsonObject.Property'],
  'JsonObject.Property': ['key', 'value:JsonValue'],
  JsonArray: ['[]entries:JsonValue'],
};

const SCALARS = new Set(['int', 'bool', 'float', 'bytes']);

function parseField(spec: string): Field {
  const repeated = spec.startsWith('[]');
  const [name, kind, type] = spec.slice(repeated ? 2 : 0).split(':');
  if (kind === undefined) return { name, repeated, kind: 'string' };
  if (kind === 'enum') return { name, repeated, kind: 'enum', type };
  if (SCALARS.has(kind)) return { name, repeated, kind: kind as Kind };
  return { name, repeated, kind: 'message', type: kind };
}

function fieldsOf(schema: MessageSchema, type: string): Field[] {
  return (schema.messages[type] ?? JSON_TYPES[type] ?? []).map(parseField);
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A map message (labels, an Operation's metadata): its only field is the repeated additionalProperties. */
function isMap(fields: Field[]): boolean {
  return fields.length === 1 && fields[0].name === 'additionalProperties' && fields[0].repeated;
}

/** The field's assigned value in the message the JSON decodes to: undefined if unset ([] for a repeated field). */
function fieldValue(json: unknown, type: string, fields: Field[], field: Field): unknown {
  let value: unknown;
  if (type === 'JsonValue') {
    const kind =
      json === null
        ? 'is_null'
        : typeof json === 'boolean'
          ? 'boolean_value'
          : typeof json === 'number'
            ? Number.isInteger(json)
              ? 'integer_value'
              : 'double_value'
            : typeof json === 'string'
              ? 'string_value'
              : Array.isArray(json)
                ? 'array_value'
                : 'object_value';
    value = field.name === kind ? (json === null ? true : json) : undefined;
  } else if (type === 'JsonObject' || isMap(fields)) {
    value = isJsonObject(json) ? Object.entries(json).map(([key, item]) => ({ key, value: item })) : undefined;
  } else if (type === 'JsonArray') {
    value = json;
  } else {
    value = isJsonObject(json) ? json[field.name] : undefined;
  }
  // null is unset, except as a JSON value (a JsonValue that is_null).
  if (value === null && field.type !== 'JsonValue') value = undefined;
  return field.repeated ? (Array.isArray(value) ? value : []) : value;
}

/** The last part of a qualified type name, as Python's type(x).__name__. */
const shortName = (type: string): string => type.split('.').pop() ?? type;

/** Base64 text of a bytes field (standard or URL-safe) as the bytes apitools decoded. */
function bytesOf(value: unknown): PyBytes {
  return new PyBytes(Buffer.from(String(value).replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/** Python's int() of an int field's JSON (int64 values arrive as strings). */
function intText(value: unknown): string {
  const text = String(value);
  return /^-?\d+$/.test(text) ? BigInt(text).toString() : text;
}

function reprValue(schema: MessageSchema, value: unknown, field: Field): string {
  switch (field.kind) {
    case 'message':
      return messageRepr(schema, value, field.type ?? '');
    case 'enum': {
      const number = schema.enums[field.type ?? '']?.indexOf(String(value)) ?? -1;
      return `${shortName(field.type ?? '')}(${String(value)}, ${number})`;
    }
    case 'bytes':
      return bytesOf(value).toString();
    case 'int':
      return intText(value);
    case 'bool':
      return value ? 'True' : 'False';
    case 'float':
      return pyFloatRepr(Number(value));
    default:
      return pyStrRepr(String(value));
  }
}

function reprField(schema: MessageSchema, value: unknown, field: Field): string {
  if (!field.repeated) return reprValue(schema, value, field);
  return `[${(value as unknown[]).map((item) => reprValue(schema, item, { ...field, repeated: false })).join(', ')}]`;
}

/** Python's repr of the message `type` whose JSON is `json`: `<Type\n field: repr…>`, set fields in number order. */
export function messageRepr(schema: MessageSchema, json: unknown, type: string): string {
  const fields = fieldsOf(schema, type);
  let out = `<${shortName(type)}`;
  for (const field of fields) {
    const value = fieldValue(json, type, fields, field);
    if (value !== undefined) out += `\n ${field.name}: ${reprField(schema, value, field)}`;
  }
  return `${out}>`;
}

/** Python's str() of a field's value: text as it is, an enum by name, anything else as its repr. */
function strField(schema: MessageSchema, value: unknown, field: Field): string {
  if (field.repeated) return reprField(schema, value, field);
  if (field.kind === 'string' || field.kind === 'enum') return String(value);
  return reprValue(schema, value, field);
}

/** One step of resource_property.Get on a message value: the next value and what it is, or none. */
type Found = { value: unknown; field: Field } | undefined;

function step(schema: MessageSchema, found: Found, index: string | number | null): Found {
  if (!found) return undefined;
  const { value, field } = found;
  if (field.repeated) {
    // A list: an index picks an item; a name (which a list of messages has no key for) resolves nothing.
    if (typeof index !== 'number') return undefined;
    const items = value as unknown[];
    const i = index < 0 ? index + items.length : index;
    return i >= 0 && i < items.length ? { value: items[i], field: { ...field, repeated: false } } : undefined;
  }
  if (field.kind === 'message' && typeof index === 'string') {
    const type = field.type ?? '';
    const fields = fieldsOf(schema, type);
    const names = [index, toCamelCase(index), toSnakeCase(index)];
    const match = names.map((name) => fields.find((f) => f.name === name)).find((f) => f !== undefined);
    if (!match) return undefined;
    const next = fieldValue(value, type, fields, match);
    return next === undefined ? undefined : { value: next, field: match };
  }
  if (field.kind === 'string' && typeof index === 'number') {
    const chars = Array.from(String(value));
    const i = index < 0 ? index + chars.length : index;
    return i >= 0 && i < chars.length ? { value: chars[i], field: { name: '', repeated: false, kind: 'string' } } : undefined;
  }
  return undefined;
}

/**
 * str(resource_property.Get(message, key)) for the message whose JSON is `json`: what gcloud's
 * --sort-by compares. A key naming no field (a map's key, a key under a list, a field left unset)
 * gives None, so such keys compare equal and the next key decides.
 */
export function messageKeyText(message: MessageType, json: unknown, key: Key): string {
  let found: Found = { value: json, field: { name: '', repeated: false, kind: 'message', type: message.type } };
  for (const [i, index] of key.entries()) {
    // A trailing slice is the value itself; an inner one is not followed here.
    if (index === null && i === key.length - 1) break;
    found = step(message.schema, found, index);
  }
  return found ? strField(message.schema, found.value, found.field) : 'None';
}
