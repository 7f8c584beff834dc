/**
 * A bad --format / --flatten expression. The message is what gcloud prints
 * after its `ERROR: (gcloud.…) ` prefix.
 */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/**
 * A Python exception that gcloud lets escape from a transform (a wrong argument count, `fatal()`,
 * a bad `format()` string): gcloud reports it as `ERROR: gcloud crashed (<pythonType>): <message>`.
 */
export class TransformCrash extends Error {
  constructor(
    readonly pythonType: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransformCrash';
  }
}
