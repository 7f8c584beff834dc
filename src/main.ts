// Entry point: argv → --flags-file expansion → command routing (cli/router.ts) → gcloud-style flag
// parsing → properties/context (cli/context.ts) → the command's handler. Every error is rendered
// once, by cli/report-error.ts. This file wires the command registry into the framework in cli/.
import { InterruptedError } from './errors';
import { expandFlagsFiles } from './flags/flags-file';
import { parseArgs, type ArgToken } from './flags/parser';
import { globalFlagValues } from './flags/global-flags';
import { COMMANDS } from './commands';
import { buildContext } from './cli/context';
import { colourAllowed, Output } from './ui/output';
import { disableColor, renderHelp, showHelp, usageFooter } from './cli/help';
import { selectTarget, type Target } from './config/target';
import { commandName, maybeYouMeant, nameOfCommandIn, parserSpecFor, route, showGroup, type Route } from './cli/router';
import { reportError } from './cli/report-error';
import { runVerb, VERBS } from './cli/verbs';

/** `signal`: aborted on Ctrl-C/SIGTERM (main() wires it); commands stop and say what they leave behind. */
export async function run(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  let output = new Output({
    stdout: process.stdout,
    stderr: process.stderr,
    userOutputEnabled: true,
    verbosity: 'warning',
    interactive: false,
    // Reading the configuration for this costs nothing unless stderr is a terminal.
    colour: Boolean(process.stderr.isTTY) && colourAllowed(env, process.stderr, disableColor(env)),
  });
  let name = 'gcloud';
  let routed: Route | undefined;
  try {
    let tokens: ArgToken[];
    try {
      tokens = expandFlagsFiles(argv);
    } catch (err) {
      name = nameOfCommandIn(argv, COMMANDS);
      throw err;
    }
    // `help` and `completion` are about gcloud-aip itself: the registry has no command of those names.
    if ((VERBS as readonly unknown[]).includes(tokens[0]?.value)) {
      name = `gcloud.${String(tokens[0].value)}`;
      return await runVerb(tokens, COMMANDS, env);
    }
    const found = route(tokens, COMMANDS);
    if (!('command' in found)) return await showGroup(found, COMMANDS, env);
    routed = found;
    name = commandName(routed.track, routed.command);
    const { track, command } = routed;
    // --help and -h win over everything else on the line, as in gcloud (which turns them into its help command).
    const helpFlag = routed.rest.find((t) => t.value === '--help' || t.value === '-h')?.value;
    if (helpFlag) {
      if (helpFlag === '--help') await showHelp(renderHelp(track, command), env);
      else process.stdout.write(usageFooter(track, command));
      return 0;
    }
    const parsed = parseArgs(routed.rest, parserSpecFor(command, track));
    // The target, read once when a command asks (--target, else GCLOUD_AIP_TARGET): the commands
    // without --target never read the variable.
    let target: Target | undefined;
    const flagTarget = parsed.values.target;
    const targetOfLine = () => (target ??= selectTarget(typeof flagTarget === 'string' ? flagTarget : undefined, env));
    // A flag declared only for one target (GA's container flags, for vertex-ai) given with another:
    // the line is parsed again without it, which fails as gcloud fails on a flag it does not have.
    const targetOnly = command.flags.filter((f) => f.onlyForTarget && f.tracks.includes(track) && parsed.specified.has(f.dest));
    if (targetOnly.some((f) => f.onlyForTarget !== targetOfLine())) parseArgs(routed.rest, parserSpecFor(command, track, targetOfLine()));
    const ctx = buildContext({ track, command, globals: globalFlagValues(parsed.values), parsed, env, signal, target: targetOfLine });
    output = ctx.output;
    await command.run(parsed.values, ctx);
    return 0;
  } catch (err) {
    return reportError(err, output, name, routed, () => maybeYouMeant(argv, env, COMMANDS));
  }
}

export function main(argv: string[]): void {
  // A reader that went away (`… | head -1`) ends the command quietly, as a closed pipe should.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) {
      // A second Ctrl-C: the user will not wait for a clean stop.
      process.stderr.write('\nERROR: (gcloud) Interrupted again; exiting at once.\n');
      process.exit(1);
    }
    interrupt.abort(new InterruptedError());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // If nothing is left to run while the command has not finished (a promise nobody will settle),
  // the process would end with exit code 0: never let an unfinished command pass for a success.
  let finished = false;
  process.once('beforeExit', () => {
    if (finished) return;
    process.stderr.write(
      'ERROR: (gcloud) Internal error in gcloud-aip: the command stopped before it finished. This is a bug; please report it with the command you ran.\n',
    );
    process.exitCode = 1;
  });
  run(argv, process.env, interrupt.signal).then(
    (code) => {
      finished = true;
      process.exitCode = code;
      // An interrupted command may leave a connection undici cannot abort (one still waiting for a
      // proxy's CONNECT answer): it must not keep the process alive until its timeout.
      if (interrupt.signal.aborted) process.exit(code);
    },
    (err) => {
      finished = true;
      process.stderr.write(`ERROR: (gcloud) Internal error in gcloud-aip: ${(err as Error)?.message ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
