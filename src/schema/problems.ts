// How a zod schema's issues become field problems, for every schema the CLI and the emulator share
// (the Version resource, the MLflow create request): every problem at once, each naming its field
// as the API spells it (`container.env[0].name`), so both sides word a refusal the same way.
import type * as z from 'zod/mini';

export interface FieldProblem {
  /** The field, as the API spells it (`autoScaling.minNodes`, `tags[3].key`). */
  field: string;
  message: string;
}

/** What differs in how two schemas word the same kinds of issue. */
export interface ProblemWording {
  /** The field a problem with the value as a whole is filed under. */
  whole: string;
  /** A value of the wrong type; by default the schema's own message. */
  wrongType?: (expected: string) => string;
  /** One problem per unknown field, worded from the fields known there; by default one problem listing them. */
  unknownField?: (knownHere: string[]) => string;
}

/** Everything wrong with `value` by `schema`; empty when it passes. */
export function schemaProblems(schema: z.ZodMiniType, value: unknown, wording: ProblemWording): FieldProblem[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    const at = (steps: string[]) => fieldPath(steps) || wording.whole;
    if (issue.code === 'unrecognized_keys') {
      const unknownField = wording.unknownField;
      if (!unknownField) return [{ field: at(path), message: `unknown field(s) ${issue.keys.join(', ')}` }];
      const knownHere = fieldNamesAt(schema, path);
      return issue.keys.map((key) => ({ field: at([...path, key]), message: unknownField(knownHere) }));
    }
    if (issue.code === 'invalid_type' && wording.wrongType) return [{ field: at(path), message: wording.wrongType(issue.expected) }];
    return [{ field: at(path), message: issue.message }];
  });
}

/** The top-level field a problem's field is under (`autoScaling` for `autoScaling.metrics[0].name`). */
export function topLevelField(field: string): string {
  return field.replace(/[.[].*$/, '');
}

/** `container.env[0].name`: dotted fields, list positions in brackets. */
function fieldPath(path: string[]): string {
  return path.map((step, i) => (/^\d+$/.test(step) ? `[${step}]` : i ? `.${step}` : step)).join('');
}

/** The field names the schema knows at a path of the value (list positions skipped). */
function fieldNamesAt(schema: z.core.$ZodType, path: string[]): string[] {
  let node = schema;
  for (const step of path) {
    node = unwrap(node);
    if (/^\d+$/.test(step)) continue;
    const def = node._zod.def;
    if (def.type !== 'object') return [];
    node = (def as z.core.$ZodObjectDef).shape[step];
  }
  node = unwrap(node);
  return node._zod.def.type === 'object' ? Object.keys((node._zod.def as z.core.$ZodObjectDef).shape) : [];
}

/** The message inside optional, nullable and array wrappers. */
function unwrap(node: z.core.$ZodType): z.core.$ZodType {
  const def = node._zod.def;
  if (def.type === 'optional' || def.type === 'nullable') return unwrap((def as z.core.$ZodOptionalDef).innerType);
  if (def.type === 'array') return unwrap((def as z.core.$ZodArrayDef).element);
  return node;
}
