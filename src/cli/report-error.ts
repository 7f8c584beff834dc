// Every error a run ends with is rendered here, once: argument errors (exit 2, with the command's
// usage when asked), user errors (exit 1, with a hint), the crashes gcloud itself does not catch,
// and anything else as an internal error that says it is a bug (its stack only with --verbosity=debug).
import { InvalidServerDataError } from '../api/messages';
import { ArgumentError, UserError } from '../errors';
import { SERVER_DATA_CRASH_ADVICE, TRANSFORM_CRASH_ADVICE } from '../flags/suggest';
import { TransformCrash } from '../format';
import type { Output } from '../ui/output';
import { usageFooter } from './help';
import type { Route } from './router';

/**
 * Writes err for a person; returns the exit code. `name`: the command as far as it was known;
 * `suggestions`: gcloud's "Maybe you meant" block for the command line, if any.
 */
export function reportError(
  err: unknown,
  output: Output,
  name: string,
  routed: Route | undefined,
  suggestions: () => string | undefined = () => undefined,
): number {
  if (err instanceof ArgumentError) {
    const prefix = err.options.command ?? name;
    let text = `ERROR: (${prefix}) ${err.message}`;
    // As gcloud's parser: a one-line invalid choice (a command, a flag's value) is followed by the
    // commands it may have meant, instead of the usage.
    const suggested = !err.message.includes('\n') && err.message.includes('Invalid choice') ? suggestions() : undefined;
    if (suggested) text += `\n${suggested}`;
    else if (err.options.otherwise) text += `\n${err.options.otherwise}`;
    // gcloud ends the block with a single newline (the footer's own last line).
    else if (err.footer === 'usage' && routed) text += `\n${usageFooter(routed.track, routed.command).trimEnd()}`;
    output.error(text);
    return err.exitCode;
  }
  if (err instanceof TransformCrash) {
    // gcloud does not catch a transform's Python error: it reports a crash (exit 1).
    output.error(`ERROR: gcloud crashed (${err.pythonType}): ${err.message}\n\n${TRANSFORM_CRASH_ADVICE}`);
    return 1;
  }
  if (err instanceof InvalidServerDataError) {
    // Nor does it catch apitools' error for an answer it cannot decode as the API's message.
    output.error(`ERROR: gcloud crashed (${err.pythonType}): ${err.message}\n\n${SERVER_DATA_CRASH_ADVICE}`);
    return 1;
  }
  if (err instanceof UserError) {
    output.error(`ERROR: (${err.options.command ?? name}) ${err.message}`);
    if (err.options.advice) output.error(err.options.advice);
    if (err.options.hint) output.info(err.options.hint);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  output.error(
    `ERROR: (${name}) Internal error in gcloud-aip (${e.name}): ${e.message}\nThis is a bug; please report it with the command you ran.`,
  );
  if (output.isDebug && e.stack) output.debug(e.stack);
  return 1;
}
