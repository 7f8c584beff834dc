// Turns what a failed upload throws (HTTP error answers, network errors, file read errors) into
// gcloud's one-line messages. Messages are built from status and server text only: the raw errors
// may carry request headers, including the bearer token, so they are never passed on.
import { UserError } from '../errors';
import { GcsHttpError } from './gcs-client';
import { unreadableFileError, type OriginFile } from './walk';

export interface UploadTarget {
  /** The local path as gcloud names it: `<origin as typed>/<relative path>`. */
  localPath: string;
  bucket: string;
  objectName: string;
}

/** gcloud's message when what the server holds differs from the local file. */
export function fileMismatchError(localPath: string): UserError {
  return new UserError(`Cloud storage upload failure. Uploaded file does not match local file: ${localPath}. Please retry.`);
}

/** A file written to (or replaced) between the hash pass that named the folder and the end of its upload. */
export function fileChangedError(localPath: string): UserError {
  return new UserError(
    `File [${localPath}] changed while the model was being staged (after it was hashed to name the staging folder), ` +
      'so what would be deployed is not what was hashed. Run the command again once nothing writes to the model directory.',
  );
}

/** Staging never overwrites: an object already there with other bytes stops the deploy. */
export function stagedConflictError(target: UploadTarget): UserError {
  return new UserError(
    `gs://${target.bucket}/${target.objectName} already exists with other content than [${target.localPath}], and staged objects ` +
      'are never overwritten (another model may map to the same staging folder, or the file changed). Use another --staging-bucket, ' +
      `or delete gs://${target.bucket}/${target.objectName.slice(0, target.objectName.indexOf('/') + 1)} if no version uses it.`,
  );
}

/**
 * `cause` (the file changed during its upload), and what became of the object written from it:
 * deleted, or (when `deleteFailure` says why not) left for a later run to replace.
 */
export function tornObjectError(cause: UserError, target: UploadTarget, deleteFailure: unknown): UserError {
  const object = `gs://${target.bucket}/${target.objectName}`;
  if (deleteFailure === undefined) return new UserError(`${cause.message} The object uploaded from it, ${object}, was deleted.`);
  return new UserError(
    `${cause.message} The object uploaded from it, ${object}, could not be deleted (${failureReason(deleteFailure)}); ` +
      'a run with the same files replaces it.',
  );
}

/** One line for why a request failed, from the status and server text only (never the raw error). */
function failureReason(err: unknown): string {
  if (err instanceof GcsHttpError) return `${err.status} ${errorMessageIn(err.body) ?? ''}`.trim();
  if (err instanceof UserError) return err.message;
  return networkReason((err ?? {}) as NodeJS.ErrnoException);
}

/**
 * Staging stopped after some objects were uploaded: they stay (a later run with the same files
 * skips them), and the message says how many.
 */
export class StagingError extends UserError {
  constructor(
    readonly cause: UserError,
    /** e.g. `3 objects were uploaded to gs://b/<prefix>/ before it stopped; they stay there …` */
    readonly leftStaged: string,
  ) {
    super(`${cause.message}\n${leftStaged}`, cause.options);
    this.name = 'StagingError';
  }
}

/** `Could not upload file: [<bucket>] bucket does not exist.` */
export function bucketMissingError(bucket: string): UserError {
  return new UserError(`Could not upload file: [${bucket}] bucket does not exist.`);
}

/**
 * `credentialInfo`: the sentence naming the credentials ("This command is authenticated with …"),
 * which gcloud appends to the server's message of a 401 or 403 answer, as it does for API errors.
 */
export function toUploadError(err: unknown, target: UploadTarget, file: OriginFile, credentialInfo?: () => string): UserError {
  if (err instanceof UserError) return err;
  if (err instanceof GcsHttpError) {
    if (err.status === 404) return bucketMissingError(target.bucket);
    const message = errorMessageIn(err.body);
    const shown =
      message && credentialInfo && [401, 403].includes(err.status)
        ? withCredentialInfo(message, credentialInfo())
        : (message ?? 'unknown error');
    return new UserError(`${err.status} Could not upload file ${where(target)}: ${shown}`);
  }
  const e = (err ?? {}) as NodeJS.ErrnoException;
  if (e.path === file.absPath && typeof e.syscall === 'string') return unreadableFileError(target.localPath, err);
  return new UserError(`Could not upload file ${where(target)}: ${networkReason(e)}`);
}

function where(target: UploadTarget): string {
  return `[${target.localPath}] to [${target.bucket}/${target.objectName}]`;
}

/** gcloud's joining: after a message without a final period, '. ' and the sentence without its own. */
export function withCredentialInfo(message: string, info: string): string {
  return message.endsWith('.') ? `${message} ${info}` : `${message}. ${info.replace(/\.$/, '')}`;
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

/** The first line of a network error, e.g. `connect ECONNREFUSED 127.0.0.1:9`. */
function networkReason(e: NodeJS.ErrnoException): string {
  const oneLine = (typeof e.message === 'string' ? e.message : '').split('\n')[0].trim();
  return oneLine || e.code || 'connection failed';
}
