// gcloud's progress tracker (core/console/progress_tracker.py) byte for byte: `MESSAGE...` and a
// tick every 0.2 s plus one per step (a poll). On a terminal (stdin and stderr both one) the line is
// redrawn in place — cleared to the width, then the message and a spinner mark at its end — and
// ends with `done.`; off a terminal the message line is printed once and each tick adds a dot.
// Nothing is shown with user output disabled or on a terminal zero columns wide.
import type { Output } from './output';

export type ProgressOutcome = 'done' | 'failed' | 'aborted';

export interface ProgressTracker {
  /** A step was made (gcloud's Tick(): a dot, or the next spinner mark). */
  tick(): void;
  /** Ends the line with the outcome; stops the ticking. */
  finish(outcome: ProgressOutcome): void;
}

const TICK_MS = 200;
const SPIN_MARKS = ['⠏', '⠛', '⠹', '⠼', '⠶', '⠧'];
const OUTCOME_TEXT: Record<ProgressOutcome, string> = { done: 'done.\n', failed: 'failed.\n', aborted: 'aborted by ctrl-c.\n' };

/** gcloud's SuffixConsoleMessage: the message and a suffix, redrawn within the console width. */
class SuffixLine {
  private lines: string[] = [];
  private printed = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly message: string,
    /** One less than the terminal's columns (so a full line does not wrap by itself). */
    private readonly width: number,
  ) {}

  private split(text: string): string[] {
    const chars = Array.from(text);
    const lines: string[] = [];
    for (let pos = 0; pos < chars.length; pos += this.width) {
      lines.push(chars.slice(pos, pos + this.width).join('') + (pos + this.width < chars.length ? '\n' : ''));
    }
    return lines;
  }

  private clearLine(): void {
    this.write(`\r${' '.repeat(this.width)}\r`);
  }

  print(suffix: string): void {
    const lines = this.split(this.message + suffix);
    if (!lines.length) return;
    if (!this.printed) {
      this.printed = true;
      this.clearLine();
      this.write(lines.join(''));
    } else if (lines.length < this.lines.length) {
      this.write(`\n${lines.join('')}`);
    } else {
      let matching = 0;
      while (matching < Math.min(lines.length, this.lines.length) && lines[matching] === this.lines[matching]) matching++;
      if (this.lines.length - matching <= 1) {
        this.clearLine();
        this.write(lines.slice(-(lines.length - this.lines.length + 1)).join(''));
      } else {
        this.write(`\n${lines.join('')}`);
      }
    }
    this.lines = lines;
  }
}

/** Starts gcloud's progress tracker for `message` (e.g. `Creating version (this might take a few minutes)...`). */
export function startProgressTracker(message: string, output: Output): ProgressTracker {
  const { terminal, columns } = output.console;
  const enabled = output.options.userOutputEnabled && columns !== 0;
  const write = (text: string) => output.progressWrite(text);
  const prefix = `${message}...`;
  let ticks = 0;
  let done = false;
  let draw: (suffix: string) => void = () => undefined;
  if (enabled && terminal && columns - 1 > 0) {
    const line = new SuffixLine(write, prefix, columns - 1);
    draw = (suffix) => line.print(suffix);
  }
  const step = (): void => {
    if (done || !enabled) return;
    ticks++;
    if (terminal) draw(SPIN_MARKS[ticks % SPIN_MARKS.length]);
    else write('.');
  };
  if (enabled) {
    if (terminal) draw('');
    else write(`${prefix}\n`);
  }
  const ticker = enabled ? setInterval(step, TICK_MS) : undefined;
  ticker?.unref();
  return {
    tick: step,
    finish: (outcome) => {
      if (done) return;
      done = true;
      clearInterval(ticker);
      if (!enabled) return;
      if (terminal) draw(OUTCOME_TEXT[outcome]);
      else write(OUTCOME_TEXT[outcome]);
    },
  };
}
