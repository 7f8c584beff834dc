// Vertex AI's error answers: google.rpc.Status JSON ({code, message, status}); request checks
// list every problem in one message the way the service words them ("List of found errors:").
import type { VertexProblem } from '../../domain';
import { type ApiError, rpcError } from '../errors';

export function invalidArgument(problems: VertexProblem[]): ApiError {
  const list = problems.map((p, i) => `${i + 1}.Field: ${p.field}; Message: ${p.message}\t`).join('');
  return rpcError(400, 'INVALID_ARGUMENT', `List of found errors:\t${list}`);
}

export function check(problems: VertexProblem[]): void {
  if (problems.length) throw invalidArgument(problems);
}

export function notFound(what: string, name: string): ApiError {
  return rpcError(404, 'NOT_FOUND', `${what} ${name} not found.`);
}

export function failedPrecondition(message: string): ApiError {
  return rpcError(400, 'FAILED_PRECONDITION', message);
}

export function alreadyExists(message: string): ApiError {
  return rpcError(409, 'ALREADY_EXISTS', message);
}

/** google.rpc.Code numbers by status name, for operation errors. */
export const RPC_CODES: Record<string, number> = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
};
