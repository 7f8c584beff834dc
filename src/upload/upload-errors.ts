// Turns what a failed upload throws (library HTTP errors, network errors, file read errors) into
// gcloud's one-line messages. Messages are built from status and server text only: the raw errors
// carry request headers, including the bearer token, so they are never passed on.
import { UserError } from '../errors';
import { unreadableFileError, type OriginFile } from './walk';

export interface UploadTarget {
  /** The local path as gcloud names it: `<origin as typed>/<relative path>`. */
  localPath: string;
  bucket: string;
  objectName: string;
}

// What the library throws when the md5 it computed differs from the server's.
const CHECKSUM_MISMATCH_CODES = new Set(['FILE_NO_UPLOAD', 'FILE_NO_UPLOAD_DELETE', 'MD5_NOT_AVAILABLE']);

interface LibraryError {
  code?: unknown; // HTTP status (ApiError), errno name (network, fs) or a library code
  status?: unknown; // HTTP status (GaxiosError)
  syscall?: unknown;
  path?: unknown;
  message?: unknown;
  response?: { status?: unknown; statusText?: unknown; body?: unknown; data?: unknown };
  errors?: { message?: unknown }[];
}

export function toUploadError(err: unknown, target: UploadTarget, file: OriginFile): UserError {
  if (err instanceof UserError) return err;
  const e = (err ?? {}) as LibraryError;
  if (e.path === file.absPath && typeof e.syscall === 'string') {
    return unreadableFileError(target.localPath, err);
  }
  if (typeof e.code === 'string' && CHECKSUM_MISMATCH_CODES.has(e.code)) {
    return new UserError(
      `Cloud storage upload failure. Uploaded file does not match local file: ${target.localPath}. Please retry.`,
    );
  }
  const where = `[${target.localPath}] to [${target.bucket}/${target.objectName}]`;
  const status = httpStatusOf(e);
  if (status === 404) {
    return new UserError(`Could not upload file: [${target.bucket}] bucket does not exist.`);
  }
  if (status !== undefined) {
    return new UserError(`${status} Could not upload file ${where}: ${serverMessage(e)}`);
  }
  return new UserError(`Could not upload file ${where}: ${networkReason(e)}`);
}

function httpStatusOf(e: LibraryError): number | undefined {
  for (const candidate of [e.response?.status, e.status, e.code]) {
    if (typeof candidate === 'number' && candidate >= 100) return candidate;
  }
  return undefined;
}

/** The server's `error.message` (what gcloud prints), else whatever text there is. */
function serverMessage(e: LibraryError): string {
  for (const body of [e.response?.body, e.response?.data]) {
    const message = errorMessageIn(body);
    if (message) return message;
  }
  const first = e.errors?.[0]?.message;
  if (typeof first === 'string' && first) return first;
  if (typeof e.response?.statusText === 'string' && e.response.statusText) return e.response.statusText;
  return typeof e.message === 'string' ? e.message : 'unknown error';
}

function errorMessageIn(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return errorMessageIn(JSON.parse(body));
    } catch {
      return body.trim() || undefined;
    }
  }
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' && message ? message : undefined;
}

/** `connect ECONNREFUSED 127.0.0.1:9` out of `request to <url> failed, reason: connect ...`. */
function networkReason(e: LibraryError): string {
  const message = typeof e.message === 'string' ? e.message : '';
  const reason = /reason: (.*)$/s.exec(message)?.[1] ?? message;
  const oneLine = reason.split('\n')[0].trim();
  return oneLine || (typeof e.code === 'string' ? e.code : 'connection failed');
}
