// Waiting for a long-running operation as gcloud does: the first poll at once, then every 5 s,
// with gcloud's progress tracker (ui/progress.ts: `Creating version (…)......`, dots or a spinner,
// then `done.` / `failed.`). A failed operation becomes a UserError carrying the server's message. A poll that
// fails for a passing reason (lost connection, 5xx) is tried again at the next interval, a bounded
// number of times in a row; Ctrl-C stops waiting (gcloud's "aborted by ctrl-c.") and says how to
// follow the work, which goes on on the server.
import { InterruptedError, UserError } from '../errors';
import { abortableSleep } from '../net';
import type { Output } from '../ui/output';
import { type ProgressTracker, startProgressTracker } from '../ui/progress';
import { TransientApiError, type MlApi, type Operation, type VersionResource } from './ml';

export const POLL_INTERVAL_MS = 5000;
const MAX_WAIT_MS = 60 * 60 * 1000;
/** Polls in a row that may fail (each already retried by the HTTP client) before waiting is given up. */
export const MAX_FAILED_POLLS = 5;

export interface WaitOptions {
  /** Ctrl-C: stop waiting. */
  signal?: AbortSignal;
  /** The command that follows the work from elsewhere, shown when waiting stops early. */
  follow?: string;
  /** Tests shorten the interval. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What is being waited for, and the command that follows it from elsewhere. */
interface Waitable<T> {
  /** e.g. `operation projects/p/operations/x`, as in "Aborting wait for operation …". */
  subject: string;
  follow: string;
  poll(): Promise<T>;
  isDone(current: T): boolean;
  /** The server's error message when it finished unsuccessfully. */
  failure(current: T): string | undefined;
  /** The message when waiting gives up after `seconds`. */
  timeout(seconds: number): string;
}

// gcloud's (api_lib/util/waiter.py) after an operation's maximum wait.
const STILL_UNDERWAY =
  'The operations may still be underway remotely and may still succeed; use gcloud list and describe commands or ' +
  'https://console.developers.google.com/ to check resource state.';

function continuesOnServer(follow: string): string {
  return `It continues on the server; follow it with:\n  $ ${follow}`;
}

/**
 * `known`: what the server already said. A finished operation (a create answered with one) is not
 * polled and gets no progress line, as in gcloud: only its error, if any.
 */
async function pollUntilDone<T>(target: Waitable<T>, message: string, output: Output, options: WaitOptions, known?: T): Promise<T> {
  if (known !== undefined && target.isDone(known)) {
    const failure = target.failure(known);
    if (failure !== undefined) throw new UserError(failure);
    return known;
  }
  const { signal } = options;
  const sleep = options.sleep ?? abortableSleep;
  const tracker = startProgressTracker(message, output);
  let current: T;
  try {
    current = await pollLoop(target, tracker, output, sleep, signal);
  } catch (err) {
    if (signal?.aborted) {
      tracker.finish('aborted');
      throw new InterruptedError(`Aborting wait for ${target.subject}.\n${continuesOnServer(target.follow)}`);
    }
    tracker.finish('failed');
    // Waiting failed, not the work: gcloud's error as it is, then where the work goes on (the loop's
    // own errors already say so).
    if (err instanceof UserError && !err.message.includes(continuesOnServer(target.follow))) {
      throw new UserError(`${err.message}\n${continuesOnServer(target.follow)}`, err.options);
    }
    throw err;
  }
  const failure = target.failure(current);
  tracker.finish(failure === undefined ? 'done' : 'failed');
  if (failure !== undefined) throw new UserError(failure);
  return current;
}

async function pollLoop<T>(
  target: Waitable<T>,
  tracker: ProgressTracker,
  output: Output,
  sleep: NonNullable<WaitOptions['sleep']>,
  signal: AbortSignal | undefined,
): Promise<T> {
  const started = Date.now();
  let failedPolls = 0;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const current = await target.poll();
      failedPolls = 0;
      tracker.tick();
      if (target.isDone(current)) return current;
    } catch (err) {
      if (!(err instanceof TransientApiError) || signal?.aborted) throw err;
      if (++failedPolls >= MAX_FAILED_POLLS) {
        throw new UserError(
          `${err.message}\nLost contact with the server while waiting for ${target.subject} (${MAX_FAILED_POLLS} polls in a row failed).\n${continuesOnServer(target.follow)}`,
          err.options,
        );
      }
      output.info(`Polling ${target.subject} failed (${err.message}); polling again in ${POLL_INTERVAL_MS / 1000}s.`);
    }
    if (Date.now() - started > MAX_WAIT_MS) {
      throw new UserError(`${target.timeout(MAX_WAIT_MS / 1000)}\n${continuesOnServer(target.follow)}`);
    }
    await sleep(POLL_INTERVAL_MS, signal);
  }
}

/**
 * Waits for an operation (versions.create's, a deletion's) to finish; its error, if any, becomes a
 * UserError. An operation that is done already is reported at once, without a progress line.
 */
export function waitForOperation(
  api: MlApi,
  operation: Operation,
  message: string,
  output: Output,
  options: WaitOptions = {},
): Promise<Operation> {
  return pollUntilDone(
    {
      subject: `operation ${operation.name}`,
      follow: options.follow ?? `gcloud ai-platform operations describe ${operation.name}`,
      poll: () => api.getOperation(operation.name),
      isDone: (current) => Boolean(current.done),
      failure: (current) => (current.error ? current.error.message || `Operation [${operation.name}] failed.` : undefined),
      timeout: (seconds) => `Operation ${api.url(operation.name)} has not finished in ${seconds} seconds. ${STILL_UNDERWAY}`,
    },
    message,
    output,
    options,
    operation,
  );
}

/** Waits for a version to leave CREATING (used when its create operation is not known: see MlApi.createVersion). */
export function waitForVersion(
  api: MlApi,
  version: VersionResource,
  message: string,
  output: Output,
  options: WaitOptions = {},
): Promise<VersionResource> {
  return pollUntilDone(
    {
      subject: `version ${version.name}`,
      follow: options.follow ?? `gcloud ai-platform versions describe ${version.name}`,
      poll: () => api.getVersion(version.name),
      isDone: (current) => current.state !== 'CREATING',
      failure: (current) =>
        current.state === 'READY'
          ? undefined
          : (current.errorMessage ?? `Version [${version.name}] is in state ${current.state ?? 'UNKNOWN'}.`),
      timeout: (seconds) => `Version ${api.url(version.name)} has not finished in ${seconds} seconds. ${STILL_UNDERWAY}`,
    },
    message,
    output,
    options,
  );
}
