// The MLflow Model Registry's `model-versions/create` request and its answer as zod schemas, with
// the limits the OCI AI Data Platform reference documents for CreateModelVersionDetails and
// ModelVersion (open-source MLflow documents none; these are the stricter of the two). The CLI
// checks a request with them before anything is sent; the emulator enforces the same limits.
import { z } from 'zod';

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
  let schema = z.string({ error: 'must be a string' });
  if (limit.min) schema = schema.min(limit.min, { error: (issue) => (limit.min === 1 ? 'must not be empty' : `at least ${limit.min} characters (got ${String((issue.input as string).length)})`) });
  return schema.max(limit.max, { error: (issue) => `at most ${limit.max} characters (got ${(issue.input as string).length})` });
}

export const modelVersionTagSchema = z.object({ key: text(LIMITS.tagKey), value: text(LIMITS.tagValue) }).strict();
export type ModelVersionTag = z.infer<typeof modelVersionTagSchema>;

export const createModelVersionRequestSchema = z
  .object({
    name: text(LIMITS.name),
    source: text(LIMITS.source),
    run_id: text(LIMITS.run_id).optional(),
    run_link: text(LIMITS.run_link).optional(),
    description: text(LIMITS.description).optional(),
    model_id: text(LIMITS.model_id).optional(),
    tags: z
      .array(modelVersionTagSchema)
      .max(LIMITS.tags.max, { error: (issue) => `at most ${LIMITS.tags.max} tags (got ${(issue.input as unknown[]).length})` })
      .optional(),
  })
  .strict();
export type CreateModelVersionRequest = z.infer<typeof createModelVersionRequestSchema>;

export const MODEL_VERSION_STATUSES = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] as const;
export type ModelVersionStatus = (typeof MODEL_VERSION_STATUSES)[number];

/** ModelVersion as answered: the fields gcloud-aip reads are checked, the others kept as they come. */
export const modelVersionSchema = z.looseObject({
  name: z.string(),
  version: z.string().min(1).max(64),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.enum(MODEL_VERSION_STATUSES).optional(),
  status_message: z.string().optional(),
  tags: z.array(z.looseObject({ key: z.string(), value: z.string().optional() })).optional(),
  creation_timestamp: z.union([z.number(), z.string()]).optional(),
  last_updated_timestamp: z.union([z.number(), z.string()]).optional(),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

/** CreateModelVersionResponseDetails, and model-versions/get's answer (the same shape). */
export const modelVersionResponseSchema = z.looseObject({ model_version: modelVersionSchema });

/** model-versions/search's answer (MLflow leaves the list out when nothing matches). */
export const modelVersionListSchema = z.looseObject({ model_versions: z.array(modelVersionSchema).default([]) });

export interface RequestProblem {
  /** The request field, as sent (`run_id`, `tags[3].key`). */
  field: string;
  message: string;
}

/** Everything wrong with a create request, at once; empty when it may be sent. */
export function createRequestProblems(request: unknown): RequestProblem[] {
  const result = createModelVersionRequestSchema.safeParse(request);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    field: issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || 'request',
    message: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message,
  }));
}
