// Error classes carry their exit code and how they are rendered; cli/report-error.ts renders them in one place.

/** A mistake the user can fix (bad input, failed API call): exit 1, `ERROR: (<command>) <message>`. */
export class UserError extends Error {
  readonly exitCode: number = 1;
  /**
   * `command` overrides the `(gcloud.…)` prefix for errors gcloud raises before the command is known
   * (e.g. `--flags-file` problems and `--metric-targets` checks print `ERROR: (gcloud) …`).
   * `hint`: the underlying cause (a library's message), shown at --verbosity=info and below.
   * `advice`: what gcloud-aip knows beyond gcloud's message, on its own lines after the ERROR line
   * (which stays gcloud's, verbatim), shown wherever errors are.
   */
  constructor(
    message: string,
    readonly options: { command?: string; hint?: string; advice?: string } = {},
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * An argument-parsing error (unknown flag, missing or invalid value): exit 2, the error line, then
 * gcloud's usage block or search hint, chosen by `footer`.
 */
export class ArgumentError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly footer: 'usage' | 'search' | 'none' = 'usage',
    /** `otherwise`: what an invalid choice is followed by when no command is suggested (a group's usage). */
    readonly options: { command?: string; otherwise?: string } = {},
  ) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/**
 * gcloud-aip only: the version was deployed (and is kept), but recording it in the MLflow registry
 * failed. Its own exit code lets a script tell "deployed, not registered" from "not deployed".
 */
export class RegistryError extends UserError {
  static readonly EXIT_CODE = 3;
  override readonly exitCode: number = RegistryError.EXIT_CODE;
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The user interrupted (Ctrl-C); gcloud exits 1 with a short line. */
export class InterruptedError extends UserError {
  constructor(message = 'Aborted by user.') {
    super(message);
    this.name = 'InterruptedError';
  }
}
