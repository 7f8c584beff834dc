// Errors a handler throws to answer with a Google-shaped error body. Google's APIs shape their
// errors in two ways: ml v1, Vertex AI and IAM use google.rpc.Status ({code, message, status, details?}), the
// Cloud Storage JSON API uses {code, message, errors: [{message, domain, reason}]}.

export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: { error: Record<string, unknown> },
    /** Answer with `Connection: close` (e.g. when the request body was left unread). */
    readonly closeConnection = false,
  ) {
    super(String(body.error.message));
  }
}

const RPC_STATUS_BY_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  411: 'INVALID_ARGUMENT',
  413: 'INVALID_ARGUMENT',
  416: 'OUT_OF_RANGE',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
};

/** An ml v1 (google.rpc.Status shaped) error. */
export function rpcError(httpStatus: number, status: string, message: string, details?: unknown[]): ApiError {
  const error: Record<string, unknown> = { code: httpStatus, message, status };
  if (details && details.length > 0) error.details = details;
  return new ApiError(httpStatus, { error });
}

/** A generic error for layers that do not know which API they serve (body limits, routing). */
export function httpError(httpStatus: number, message: string, closeConnection = false): ApiError {
  const status = RPC_STATUS_BY_HTTP[httpStatus] ?? (httpStatus >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
  return new ApiError(httpStatus, { error: { code: httpStatus, message, status } }, closeConnection);
}

/** A Cloud Storage JSON API error; `reason` is e.g. notFound, invalid, required. */
export function storageError(httpStatus: number, reason: string, message: string): ApiError {
  return new ApiError(httpStatus, {
    error: { code: httpStatus, message, errors: [{ message, domain: 'global', reason }] },
  });
}
