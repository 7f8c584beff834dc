// The network layer's front door (see README.md): the client, its settings, the retry policy.
export {
  HttpClient,
  NetworkError,
  type HttpRequest,
  type HttpResponse,
  type StreamedBody,
  type TokenSource,
} from './client';
export { headerDefaults } from './headers';
export { uploadSummary } from './log';
export {
  API_RETRY,
  UPLOAD_RETRY,
  NO_RETRY,
  Backoff,
  abortableSleep,
  classify,
  isRetryableStatus,
  retryAfterMs,
  systemClock,
  type Clock,
  type RetryPolicy,
} from './retry';
export { netSettings } from './settings';
export { gaxiosTransport } from './gaxios';
