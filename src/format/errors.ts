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
