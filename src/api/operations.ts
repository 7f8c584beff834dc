// Waiting for a long-running operation as gcloud does: the first poll at once, then every 5 s,
// with gcloud's progress line (`Creating version (…)......` then `done.` / `failed.`) or a spinner
// on a terminal. A failed operation becomes a UserError carrying the server's message.
import { UserError } from '../errors';
import type { Output } from '../context/output';
import type { MlApi, Operation } from './ml';

export const POLL_INTERVAL_MS = 5000;
const MAX_WAIT_MS = 60 * 60 * 1000;

interface Tracker {
  tick(): void;
  finish(ok: boolean): void;
}

async function progressTracker(message: string, output: Output): Promise<Tracker> {
  if (output.interactive) {
    const { default: ora } = await import('ora');
    const spinner = ora({ text: message, stream: output.options.stderr as NodeJS.WriteStream, discardStdin: false }).start();
    return {
      tick: () => undefined,
      finish: (ok) => (ok ? spinner.stopAndPersist({ symbol: '', text: `${message}done.` }) : spinner.stopAndPersist({ symbol: '', text: `${message}failed.` })),
    };
  }
  output.status(`${message}...`);
  return {
    tick: () => output.statusRaw('.'),
    finish: (ok) => output.status(ok ? 'done.' : 'failed.'),
  };
}

export async function waitForOperation(
  api: MlApi,
  operation: Operation,
  message: string,
  output: Output,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<Operation> {
  const tracker = await progressTracker(message, output);
  const started = Date.now();
  let current = operation;
  try {
    for (;;) {
      current = await api.getOperation(operation.name);
      tracker.tick();
      if (current.done) break;
      if (Date.now() - started > MAX_WAIT_MS) {
        throw new UserError(`Operation [${operation.name}] has not finished after 3600 seconds; it continues on the server.`);
      }
      await sleep(POLL_INTERVAL_MS);
    }
  } catch (err) {
    tracker.finish(false);
    throw err;
  }
  tracker.finish(!current.error);
  if (current.error) throw new UserError(current.error.message ?? `Operation [${operation.name}] failed.`);
  return current;
}
