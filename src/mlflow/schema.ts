// The MLflow Model Registry's `model-versions/create` request and its answer as zod schemas, with
// the limits the OCI AI Data Platform reference documents for CreateModelVersionDetails and
// ModelVersion (open-source MLflow documents none; these are the stricter of the two), and MLflow's
// own rules on names, tag keys and sources (rules.ts). The CLI checks a request with them before
// anything is sent; the emulator enforces the same.
import * as z from 'zod/mini';
import { schemaProblems, type FieldProblem } from '../schema/problems';
import { modelNameProblem, sourceProblem, tagKeyProblem } from './rules';

/** CreateModelVersionDetails and ModelVersionTag, as documented (lengths in characters). */
export const LIMITS = {
  name: { min: 1, max: 255 },
  source: { min: 1, max: 500 },
  run_id: { min: 1, max: 32 },
  run_link: { max: 500 },
  description: { max: 5000 },
  model_id: { max: 36 },
  tags: { max: 20 },
  tagKey: { min: 1, max: 250 },
  tagValue: { max: 8000 },
} as const;

function text(limit: { min?: number; max: number }) {
  const checks: z.core.$ZodCheck<string>[] = [
    z.maxLength(limit.max, { error: (issue) => `at most ${limit.max} characters (got ${(issue.input as string).length})` }),
  ];
  if (limit.min) {
    const min = limit.min;
    checks.unshift(
      z.minLength(min, {
        error: (issue) => (min === 1 ? 'must not be empty' : `at least ${min} characters (got ${String((issue.input as string).length)})`),
      }),
    );
  }
  return z.string({ error: 'must be a string' }).check(...checks);
}

export const modelVersionTagSchema = z.strictObject({ key: text(LIMITS.tagKey), value: text(LIMITS.tagValue) });
export type ModelVersionTag = z.infer<typeof modelVersionTagSchema>;

export const createModelVersionRequestSchema = z.strictObject({
  name: text(LIMITS.name),
  source: text(LIMITS.source),
  run_id: z.optional(text(LIMITS.run_id)),
  run_link: z.optional(text(LIMITS.run_link)),
  description: z.optional(text(LIMITS.description)),
  model_id: z.optional(text(LIMITS.model_id)),
  tags: z.optional(
    z
      .array(modelVersionTagSchema)
      .check(
        z.maxLength(LIMITS.tags.max, { error: (issue) => `at most ${LIMITS.tags.max} tags (got ${(issue.input as unknown[]).length})` }),
      ),
  ),
});
export type CreateModelVersionRequest = z.infer<typeof createModelVersionRequestSchema>;

export const MODEL_VERSION_STATUSES = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] as const;
export type ModelVersionStatus = (typeof MODEL_VERSION_STATUSES)[number];

/**
 * ModelVersion as answered: only the fields gcloud-aip reads are checked, the others kept as they
 * come. Optional fields may be absent, null or empty (real servers write all three).
 */
const optional = <T extends z.core.SomeType>(schema: T) => z.optional(z.nullable(schema));
export const modelVersionSchema = z.looseObject({
  name: z.string(),
  version: z.string().check(z.minLength(1), z.maxLength(64)),
  source: optional(z.string()),
  run_id: optional(z.string()),
  status: optional(z.enum(MODEL_VERSION_STATUSES)),
  status_message: optional(z.string()),
  tags: optional(z.array(z.looseObject({ key: z.string(), value: optional(z.string()) }))),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

/** CreateModelVersionResponseDetails, and model-versions/get's answer (the same shape). */
export const modelVersionResponseSchema = z.looseObject({ model_version: modelVersionSchema });

/** model-versions/search's answer (MLflow leaves the list out when nothing matches). */
export const modelVersionListSchema = z.looseObject({
  model_versions: z.pipe(
    z.optional(z.nullable(z.array(modelVersionSchema))),
    z.transform((list) => list ?? []),
  ),
});

export interface RequestProblem extends FieldProblem {
  /** The message is MLflow's own sentence (a rules.ts refusal), as the registry words it. */
  mlflowWords?: boolean;
}

/** Everything wrong with a create request, at once (limits, then MLflow's rules); empty when it may be sent. */
export function createRequestProblems(request: unknown): RequestProblem[] {
  const parsed = createModelVersionRequestSchema.safeParse(request);
  return parsed.success ? ruleProblems(parsed.data) : schemaProblems(createModelVersionRequestSchema, request, { whole: 'request' });
}

/**
 * What open-source MLflow itself refuses in a create request: the types of the fields it reads and
 * its rules (no documented limits on counts or values; unknown fields and a tag without a value
 * are accepted). The emulator's open-source form answers with these; the CLI checks the stricter set above.
 */
export const mlflowCreateRequestSchema = z.looseObject({
  name: z.string({ error: 'must be a string' }),
  source: z.string({ error: 'must be a string' }),
  run_id: z.optional(z.string({ error: 'must be a string' })),
  model_id: z.optional(z.string({ error: 'must be a string' })),
  tags: z.optional(
    z.array(
      z.looseObject({
        key: z
          .string({ error: 'must be a string' })
          .check(z.maxLength(LIMITS.tagKey.max, { error: `at most ${LIMITS.tagKey.max} characters` })),
        value: z.optional(z.string({ error: 'must be a string' })),
      }),
    ),
  ),
});

export function mlflowRequestProblems(request: unknown): RequestProblem[] {
  const parsed = mlflowCreateRequestSchema.safeParse(request);
  return parsed.success ? ruleProblems(parsed.data) : schemaProblems(mlflowCreateRequestSchema, request, { whole: 'request' });
}

function ruleProblems({ name, source, tags }: { name: string; source: string; tags?: { key: string }[] }): RequestProblem[] {
  const problems: (RequestProblem | undefined)[] = [
    ruleProblem('name', modelNameProblem(name)),
    ruleProblem('source', sourceProblem(source)),
    ...(tags ?? []).map((tag, i) => ruleProblem(`tags[${i}].key`, tagKeyProblem(tag.key))),
  ];
  return problems.filter((p) => p !== undefined);
}

function ruleProblem(field: string, message: string | undefined): RequestProblem | undefined {
  return message === undefined ? undefined : { field, message, mlflowWords: true };
}
