// Entry point: argv → --flags-file expansion → command routing (commander) → gcloud-style flag
// parsing → properties/context → the command's handler. Every error is rendered here, once.
import { Command, CommanderError } from 'commander';
import { ArgumentError, InterruptedError, UserError } from './errors';
import { expandFlagsFiles } from './flags/flags-file';
import { parseArgs, type ArgToken } from './flags/parser';
import { GLOBAL_FLAGS } from './flags/global-flags';
import type { Track } from './flags/spec';
import type { CommandDefinition } from './cli/command';
import { COMMANDS } from './commands';
import { buildContext } from './context/context';
import { colourAllowed, Output } from './context/output';
import { disableColor, groupListing, groupUsage, isGroup, renderGroupHelp, renderHelp, showHelp, usageFooter, versionText } from './help';
import { HELP_SEARCH_ADVICE, SERVER_DATA_CRASH_ADVICE, suggestCommands, TRANSFORM_CRASH_ADVICE } from './flags/suggest';
import { TransformCrash } from './format';
import { InvalidServerDataError } from './api/messages';
import { VERSION } from './context/context';

const TRACK_WORDS: Record<string, Track> = { alpha: 'ALPHA', beta: 'BETA' };

interface Route {
  track: Track;
  command: CommandDefinition;
  rest: ArgToken[];
}

/** The words named a group (or nothing: the root), not a command. */
interface GroupRoute {
  track: Track;
  group: string[];
  rest: ArgToken[];
}

/** gcloud accepts its global flags before the command words too; skip them (and their values). */
function commandWords(tokens: ArgToken[]): { words: string[]; rest: ArgToken[] } {
  const valueFlags = new Set(GLOBAL_FLAGS.filter((f) => f.kind === 'value').map((f) => f.name));
  const words: string[] = [];
  const rest: ArgToken[] = [];
  let collecting = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const text = typeof t.value === 'string' ? t.value : undefined;
    if (collecting && text !== undefined && !text.startsWith('-')) {
      words.push(text);
      if (COMMANDS.some((c) => c.path.join(' ') === words.filter((w) => !(w in TRACK_WORDS)).join(' '))) collecting = false;
      continue;
    }
    rest.push(t);
    if (collecting && text !== undefined && valueFlags.has(text) && i + 1 < tokens.length) rest.push(tokens[++i]);
  }
  return { words, rest };
}

/**
 * Routes the command words through a commander tree built from the registry: only the part of it
 * the words can reach (their release track, their first group), which is all a run needs.
 */
async function route(tokens: ArgToken[]): Promise<Route | GroupRoute> {
  const { words, rest } = commandWords(tokens);
  let found: Route | undefined;
  const program = new Command('gcloud').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  const wordTrack = TRACK_WORDS[words[0]] ?? 'GA';
  const firstGroup = wordTrack === 'GA' ? words[0] : words[1];
  for (const track of [wordTrack]) {
    const root = track === 'GA' ? program : program.command(track.toLowerCase());
    const groups = new Map<string, Command>();
    for (const command of COMMANDS.filter((c) => c.tracks.includes(track) && c.path[0] === firstGroup)) {
      let parent = root;
      command.path.forEach((word, i) => {
        const key = command.path.slice(0, i + 1).join(' ');
        if (i === command.path.length - 1) {
          parent.command(word).action(() => {
            found = { track, command, rest };
          });
        } else {
          if (!groups.has(key)) groups.set(key, parent.command(word));
          parent = groups.get(key)!;
        }
      });
    }
  }
  try {
    await program.parseAsync(words, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
  }
  if (!found) return groupOrInvalidChoice(words, rest);
  return found;
}

/** Words that stop at a group, or the first word that names nothing (with suggestions). */
function groupOrInvalidChoice(words: string[], rest: ArgToken[]): GroupRoute {
  const track = TRACK_WORDS[words[0]] ?? 'GA';
  const path = track === 'GA' ? words : words.slice(1);
  let known = 0;
  while (known < path.length && isGroup(track, path.slice(0, known + 1), COMMANDS)) known++;
  if (known === path.length) return { track, group: path, rest };
  const groupName = ['gcloud', ...(track === 'GA' ? [] : [track.toLowerCase()]), ...path.slice(0, known)].join('.');
  const paths = COMMANDS.filter((c) => c.tracks.includes(track)).map((c) => c.path);
  const suggestions = suggestCommands(path, known, paths);
  const trackWords = track === 'GA' ? [] : [track.toLowerCase()];
  const advice = suggestions.length
    ? `Maybe you meant:\n${suggestions.map((p) => `  gcloud-aip ${[...trackWords, ...p].join(' ')}`).join('\n')}\n\n${HELP_SEARCH_ADVICE}`
    : groupUsage(track, path.slice(0, known), COMMANDS).trimEnd();
  throw new ArgumentError(`Invalid choice: '${path[known]}'.\n${advice}`, 'none', { command: groupName });
}

/** A group's help (--help), usage (-h), the version (--version at the top), or gcloud's error with the group's members. */
async function showGroup({ track, group, rest }: GroupRoute, env: NodeJS.ProcessEnv): Promise<number> {
  const flags = rest.map((t) => t.value);
  if (flags.includes('--help')) {
    await showHelp(renderGroupHelp(track, group, COMMANDS), env);
    return 0;
  }
  if (flags.includes('-h')) {
    process.stdout.write(groupUsage(track, group, COMMANDS));
    return 0;
  }
  if (track === 'GA' && !group.length && (flags.includes('--version') || flags.includes('-v'))) {
    process.stdout.write(versionText(VERSION));
    return 0;
  }
  const name = ['gcloud', ...(track === 'GA' ? [] : [track.toLowerCase()]), ...group].join('.');
  throw new ArgumentError(`Command name argument expected.\n\n${groupListing(track, group, COMMANDS)}`, 'none', { command: name });
}

/** The command argv names (flags-file errors are reported before argv is fully read), or `gcloud`. */
async function nameOfCommandIn(argv: string[]): Promise<string> {
  try {
    const routed = await route(argv.map((value) => ({ value })));
    return 'command' in routed ? commandName(routed.track, routed.command) : 'gcloud';
  } catch {
    return 'gcloud';
  }
}

export function commandName(track: Track, command: CommandDefinition): string {
  return ['gcloud', ...(track === 'GA' ? [] : [track.toLowerCase()]), ...command.path].join('.');
}

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
      name = await nameOfCommandIn(argv);
      throw err;
    }
    const found = await route(tokens);
    if (!('command' in found)) return await showGroup(found, env);
    routed = found;
    name = commandName(routed.track, routed.command);
    const { track, command } = routed;
    const flags = [...command.flags.filter((f) => f.tracks.includes(track)), ...(command.standalone ? [] : GLOBAL_FLAGS)];
    // --help and -h win over everything else on the line, as in gcloud (which turns them into its help command).
    const helpFlag = routed.rest.find((t) => t.value === '--help' || t.value === '-h')?.value;
    if (helpFlag) {
      if (helpFlag === '--help') await showHelp(renderHelp(track, command), env);
      else process.stdout.write(usageFooter(track, command));
      return 0;
    }
    const parsed = parseArgs(routed.rest, {
      commandWords: command.path,
      track,
      positionals: command.positionals,
      flags: command.standalone ? [...flags, ...GLOBAL_FLAGS.filter((f) => f.name === '--help')] : flags,
      otherTrackFlags: command.flags.filter((f) => !f.tracks.includes(track)),
      commandTracks: command.tracks,
    });
    const ctx = buildContext({ track, command, parsed, env, signal });
    output = ctx.output;
    await command.run(parsed.values, ctx);
    return 0;
  } catch (err) {
    return reportError(err, output, name, routed);
  }
}

function reportError(err: unknown, output: Output, name: string, routed: Route | undefined): number {
  if (err instanceof ArgumentError) {
    const prefix = err.options.command ?? name;
    let text = `ERROR: (${prefix}) ${err.message}`;
    // gcloud ends the block with a single newline (the footer's own last line).
    if (err.footer === 'usage' && routed) text += `\n${usageFooter(routed.track, routed.command).trimEnd()}`;
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
