// Vertex AI long-running operations. Each mutation starts one, named under the resource it acts on
// (`projects/N/locations/R/{models/ID|endpoints/ID}/operations/OP`), done `operationDelayMs` later.
// As in ml/, nothing runs on a timer: the first request after an operation is due completes it —
// checks the request again against the state of that moment and applies it, or records why not.
import type { JsonObject } from '../rpc';
import type { VertexOperationRecord, VertexState } from '../store';
import { ApiError } from '../errors';
import { RPC_CODES } from './errors';

/** What each kind of operation is called in its metadata and response `@type`s. */
const TYPES: Record<string, { metadata: string; response: string }> = {
  upload: { metadata: 'UploadModelOperationMetadata', response: 'UploadModelResponse' },
  createEndpoint: { metadata: 'CreateEndpointOperationMetadata', response: 'Endpoint' },
  deploy: { metadata: 'DeployModelOperationMetadata', response: 'DeployModelResponse' },
  undeploy: { metadata: 'UndeployModelOperationMetadata', response: 'UndeployModelResponse' },
  mutate: { metadata: 'MutateDeployedModelOperationMetadata', response: 'MutateDeployedModelResponse' },
  deleteEndpoint: { metadata: 'DeleteOperationMetadata', response: '' },
  deleteModel: { metadata: 'DeleteOperationMetadata', response: '' },
  deleteVersion: { metadata: 'DeleteOperationMetadata', response: '' },
};
const EMPTY_TYPE = 'type.googleapis.com/google.protobuf.Empty';

export type OperationKind = keyof typeof TYPES;

export function startOperation(
  state: VertexState,
  name: string,
  kind: OperationKind,
  request: JsonObject,
  doneAt: number,
): VertexOperationRecord {
  const now = new Date().toISOString();
  const operation: VertexOperationRecord = {
    name,
    kind,
    request,
    metadata: {
      '@type': `type.googleapis.com/google.cloud.aiplatform.v1.${TYPES[kind].metadata}`,
      genericMetadata: { createTime: now, updateTime: now },
    },
    doneAt,
    done: false,
  };
  state.operations[name] = operation;
  return operation;
}

/**
 * Completes every due operation with `apply` (which throws an ApiError when the request no longer
 * holds); true if anything changed.
 */
export function settleDue(state: VertexState, apply: (operation: VertexOperationRecord) => JsonObject, now = Date.now()): boolean {
  let changed = false;
  for (const operation of Object.values(state.operations)) {
    if (operation.done || operation.doneAt > now) continue;
    changed = true;
    operation.done = true;
    const at = new Date(operation.doneAt).toISOString();
    operation.metadata = {
      ...operation.metadata,
      genericMetadata: { ...(operation.metadata.genericMetadata as JsonObject), updateTime: at },
    };
    try {
      const response = apply(operation);
      const type = TYPES[operation.kind].response;
      operation.response = type
        ? { '@type': `type.googleapis.com/google.cloud.aiplatform.v1.${type}`, ...response }
        : { '@type': EMPTY_TYPE };
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      operation.error = { code: RPC_CODES[String(e.body.error.status)] ?? 13, message: String(e.body.error.message) };
    }
  }
  return changed;
}

/** Cancels a running operation: it ends with CANCELLED and its change is never made. */
export function cancel(operation: VertexOperationRecord): void {
  if (operation.done) return; // cancelling a finished operation is a no-op for the service
  operation.done = true;
  operation.error = { code: RPC_CODES.CANCELLED, message: 'CANCELLED' };
}

/** Like Google: `done` only once done, then exactly one of `response` / `error`; `@type`s name the API version read. */
export function operationView(operation: VertexOperationRecord, version: string): JsonObject {
  const view: JsonObject = { name: operation.name, metadata: retype(operation.metadata, version) };
  if (!operation.done) return view;
  view.done = true;
  if (operation.error) view.error = operation.error;
  else view.response = retype(operation.response ?? {}, version);
  return view;
}

function retype(message: JsonObject, version: string): JsonObject {
  const type = message['@type'];
  return typeof type === 'string' ? { ...message, '@type': type.replace('.aiplatform.v1.', `.aiplatform.${version}.`) } : message;
}

/** The operations of a location, or of one model or endpoint in it. */
export function operationsUnder(state: VertexState, prefix: string): VertexOperationRecord[] {
  return Object.values(state.operations).filter((o) => o.name.startsWith(`${prefix}/`));
}

/** `…/operations/OP` by its full name, or by the location and ID alone (gcloud's `ai operations describe OP`). */
export function findOperation(state: VertexState, parent: string, path: string): VertexOperationRecord | undefined {
  const exact = state.operations[`${parent}/${path}`];
  if (exact) return exact;
  const bare = /^operations\/([^/]+)$/.exec(path)?.[1];
  if (bare === undefined) return undefined;
  return operationsUnder(state, parent).find((o) => o.name.endsWith(`/operations/${bare}`));
}
