// The opc-retry-token of a registration: a digest of the create request itself. A deploy's request
// carries tags naming the AI Platform version and the operation that created it, so the token is
// tied to that operation: sending it again (a lost answer, a re-run of the same registration, even
// through `gcloud-aip mlflow model-versions create` with the same values) names the same token, and
// the registry answers with the version it already made instead of registering twice.
import { createHash } from 'node:crypto';
import type { CreateModelVersionRequest } from './schema';

/** OCI's limit for opc-retry-token. */
export const MAX_RETRY_TOKEN_LENGTH = 64;

export function retryTokenFor(request: CreateModelVersionRequest): string {
  // Field order fixed, so the same values always give the same token.
  const canonical = JSON.stringify([
    request.name,
    request.source,
    request.run_id ?? null,
    request.run_link ?? null,
    request.description ?? null,
    request.model_id ?? null,
    (request.tags ?? []).map((t) => [t.key, t.value]),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, MAX_RETRY_TOKEN_LENGTH);
}
