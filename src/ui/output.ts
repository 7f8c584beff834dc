// Everything the CLI shows a person or a script. Machine output goes to stdout (only through
// `result`); status, warnings, errors and progress go to stderr, filtered like gcloud filters them:
// --no-user-output-enabled hides status and stdout but keeps errors; --verbosity=none hides errors.
import { VERBOSITIES } from '../flags/global-flags';

export interface OutputOptions {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  userOutputEnabled: boolean;
  verbosity: string;
  /** Spinners and progress bars only on an interactive terminal (and not in CI). */
  interactive: boolean;
  /** Colour on stderr (`colourAllowed`): the ERROR:/WARNING: labels, the spinner. */
  colour?: boolean;
  /** What gcloud's progress tracker sees (see consoleOf); default: off a terminal, 80 columns. */
  console?: ConsoleShape;
}

/** gcloud's console for its progress tracker: a terminal when stdin and stderr are both one; its width in columns. */
export interface ConsoleShape {
  terminal: boolean;
  columns: number;
}

type Stream = { isTTY?: boolean; columns?: number };

/**
 * The console as gcloud measures it (console_attr_os.GetTermSize): the size of the first terminal
 * among stdin, stdout and stderr (0 columns where a pseudo-terminal reports none), else $COLUMNS
 * with $LINES, else 80.
 */
export function consoleOf(stdin: Stream, stdout: Stream, stderr: Stream, env: NodeJS.ProcessEnv): ConsoleShape {
  const terminal = Boolean(stdin.isTTY) && Boolean(stderr.isTTY);
  // Node knows a terminal's size from its output side only; a terminal stdin alone is taken for 80 wide.
  const tty = [stdout, stderr].find((s) => s.isTTY);
  if (tty) return { terminal, columns: tty.columns ?? 0 };
  if (stdin.isTTY) return { terminal, columns: 80 };
  const columns = Number(env.COLUMNS);
  if (env.LINES && Number.isInteger(columns) && env.COLUMNS?.trim()) return { terminal, columns };
  return { terminal, columns: 80 };
}

/**
 * Colour as gcloud's console formatter decides it: not with core/disable_color, only on a terminal
 * that looks ANSI-capable (TERM naming xterm or screen, so never TERM=dumb or unset); and, beyond
 * gcloud, never with NO_COLOR set (any non-empty value, per no-color.org).
 */
export function colourAllowed(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }, disableColor: boolean): boolean {
  return !disableColor && Boolean(stream.isTTY) && !env.NO_COLOR && /xterm|screen/.test(env.TERM ?? '');
}

// gcloud's own sequences (core/log.py): a bold colour on the label only, then a full reset.
const ERROR_LABEL = '\x1b[1;31mERROR:\x1b[0m';
const WARNING_LABEL = '\x1b[1;33mWARNING:\x1b[0m';

const LEVELS = Object.fromEntries(VERBOSITIES.map((v, i) => [v, i]));

export class Output {
  /** A live line is on screen without its newline: anything else written to stderr ends it first. */
  private liveOpen = false;

  constructor(readonly options: OutputOptions) {}

  /** Every stderr write but the live line's own goes through here. */
  private toStderr(text: string): void {
    if (this.liveOpen) {
      this.liveOpen = false;
      this.options.stderr.write('\n');
    }
    this.options.stderr.write(text);
  }

  private enabled(level: string): boolean {
    return LEVELS[level] >= LEVELS[this.options.verbosity];
  }

  /** A status line (`Using endpoint […]`): user output, shown at any verbosity. */
  status(text: string): void {
    if (this.options.userOutputEnabled) this.toStderr(`${text}\n`);
  }

  /** gcloud's progress tracker's own writes (it checks user output itself). */
  progressWrite(text: string): void {
    this.toStderr(text);
  }

  get console(): ConsoleShape {
    return this.options.console ?? { terminal: false, columns: 80 };
  }

  /** Raw status text without a newline (progress dots). */
  statusRaw(text: string): void {
    if (this.options.userOutputEnabled) this.toStderr(text);
  }

  error(text: string): void {
    const shown = this.options.colour && text.startsWith('ERROR:') ? ERROR_LABEL + text.slice('ERROR:'.length) : text;
    if (this.enabled('error')) this.toStderr(`${shown}\n`);
  }

  warning(text: string): void {
    if (this.enabled('warning')) this.toStderr(`${this.options.colour ? WARNING_LABEL : 'WARNING:'} ${text}\n`);
  }

  info(text: string): void {
    if (this.enabled('info')) this.toStderr(`INFO: ${text}\n`);
  }

  debug(text: string): void {
    if (this.enabled('debug')) this.toStderr(`DEBUG: ${text}\n`);
  }

  get isDebug(): boolean {
    return this.enabled('debug');
  }

  /** Machine-readable output (the rendered --format); suppressed with user output disabled. */
  result(text: string): void {
    if (this.options.userOutputEnabled && text) this.options.stdout.write(text);
  }

  /** Writes to stderr regardless of filters (help text, --log-http). */
  raw(text: string): void {
    this.toStderr(text);
  }

  get interactive(): boolean {
    return this.options.interactive && this.options.userOutputEnabled;
  }

  /**
   * Status beyond gcloud's own lines (progress, summaries): hidden when output is turned down
   * (--verbosity error/critical/none, --no-user-output-enabled).
   */
  get extraStatus(): boolean {
    return this.options.userOutputEnabled && this.enabled('warning');
  }

  /** Redraws one line in place (a progress line); only on an interactive terminal. */
  liveLine(text: string): void {
    if (!this.interactive || !this.extraStatus) return;
    this.options.stderr.write(`\r${text}\x1b[K`);
    this.liveOpen = true;
  }

  /** Ends a live line: its last text stays, and the cursor moves to the next line. */
  endLiveLine(): void {
    if (!this.liveOpen) return;
    this.liveOpen = false;
    this.options.stderr.write('\n');
  }
}
