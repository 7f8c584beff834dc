/**
 * A bad --format / --flatten expression. The message is what gcloud prints
 * after its `ERROR: (gcloud.…) ` prefix.
 */
export class FormatError extends Error {
  /** What the printer had printed when the error came (gcloud's printer finishes its output first). */
  printed = '';
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/** A call of a transform gcloud does not have (gcloud's UnknownTransformError: never read as a filter term). */
export class UnknownTransformError extends FormatError {}

/**
 * A Python exception that gcloud lets escape from a transform (a wrong argument count, `fatal()`,
 * a bad `format()` string): gcloud reports it as `ERROR: gcloud crashed (<pythonType>): <message>`.
 */
export class TransformCrash extends Error {
  /** What the printer had printed when the error came (gcloud's printer finishes its output first). */
  printed = '';
  constructor(
    readonly pythonType: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransformCrash';
  }
}

/** The output printed before a failed record, for the errors that carry it. */
export function printedBeforeError(error: unknown): string {
  return error instanceof FormatError || error instanceof TransformCrash ? error.printed : '';
}
