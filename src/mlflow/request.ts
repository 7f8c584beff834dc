// Building a model-versions/create request from flags, checking it (every problem at once, each
// with where its value came from), and writing the standalone command that sends the same request
// again (for the message that follows a failed registration).
import { UserError } from '../errors';
import { topLevelField } from '../schema/problems';
import { createRequestProblems, type CreateModelVersionRequest, type ModelVersionTag } from './schema';

/** Tags gcloud-aip adds to every registration it makes after a deploy. */
export const VERSION_TAG = 'ai-platform.version';
export const OPERATION_TAG = 'ai-platform.operation';

/**
 * The tag that names the registration's origin, by which a version it made is found again (after
 * an answer that does not prove the registry did nothing, or on a re-run): the operation that
 * deployed it, else the deployed version. Undefined for a request that carries neither.
 */
export function identityTag(request: CreateModelVersionRequest): ModelVersionTag | undefined {
  return request.tags?.find((t) => t.key === OPERATION_TAG) ?? request.tags?.find((t) => t.key === VERSION_TAG);
}

/** Where each request field's value came from (`--mlflow-run-id`), by top-level field. */
export type FieldOrigins = Partial<Record<keyof CreateModelVersionRequest, string>>;

export function tagsFromMap(tags: Map<string, unknown> | undefined): ModelVersionTag[] {
  return [...(tags ?? new Map<string, unknown>())].map(([key, value]) => ({ key, value: String(value) }));
}

/** Refuses a request the registry's documented limits refuse, before anything is sent. */
export function checkCreateRequest(request: CreateModelVersionRequest, origins: FieldOrigins): void {
  const problems = createRequestProblems(request);
  if (problems.length === 0) return;
  const lines = problems.map(({ field, message }) => {
    const origin = origins[topLevelField(field) as keyof CreateModelVersionRequest];
    return `${field}: ${message}${origin ? ` (from ${origin})` : ''}`;
  });
  throw new UserError(`MLflow model version: ${lines.join('\n')}`);
}

/** Drops the optional fields that were not given, so the body holds only what was asked for. */
export function withoutUnset(request: CreateModelVersionRequest): CreateModelVersionRequest {
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) as CreateModelVersionRequest;
}

/** The `gcloud-aip mlflow model-versions create` line that sends exactly this request (hence the same retry token). */
export function standaloneCommand(
  request: CreateModelVersionRequest,
  trackingUriFlag: string | undefined,
  auth: { mode?: string; profile?: string } = {},
): string {
  const words = ['gcloud-aip', 'mlflow', 'model-versions', 'create', `--name=${request.name}`, `--source=${request.source}`];
  if (request.run_id !== undefined) words.push(`--run-id=${request.run_id}`);
  if (request.run_link !== undefined) words.push(`--run-link=${request.run_link}`);
  if (request.model_id !== undefined) words.push(`--model-id=${request.model_id}`);
  if (request.description !== undefined) words.push(`--description=${request.description}`);
  if (request.tags?.length) words.push(`--tags=${tagsFlagValue(request.tags)}`);
  if (trackingUriFlag) words.push(`--tracking-uri=${trackingUriFlag}`);
  if (auth.mode) words.push(`--auth=${auth.mode}`);
  if (auth.profile) words.push(`--oci-profile=${auth.profile}`);
  return words.map(shellQuote).join(' ');
}

/** ArgDict syntax for the tags; gcloud's `^DELIM^` prefix when a key or value holds a comma. */
function tagsFlagValue(tags: ModelVersionTag[]): string {
  const delimiter = [',', '|', ';', '~', '#'].find((d) => tags.every((t) => !t.key.includes(d) && !t.value.includes(d))) ?? '\u0001';
  const joined = tags.map((t) => `${t.key}=${t.value}`).join(delimiter);
  return delimiter === ',' ? joined : `^${delimiter}^${joined}`;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
