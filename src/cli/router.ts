// Routing: the command words on a line (after --flags-file expansion) → a command of the registry
// on a release track, or a group (whose help or member listing is shown), or gcloud's
// "Invalid choice" error with suggestions; and the parser spec of a routed command. The registry
// (commands/index.ts) is passed in, so that the framework does not import the commands built on it.
import { ArgumentError } from '../errors';
import type { ArgToken, ParserSpec } from '../flags/parser';
import { GLOBAL_FLAGS } from '../flags/global-flags';
import { TRACK_OF_WORD, trackWords, type Track } from '../flags/spec';
import { HELP_SEARCH_ADVICE, suggestCommands } from '../flags/suggest';
import type { CommandDefinition } from './command';
import { groupListing, groupUsage, isGroup, renderGroupHelp, showHelp, versionText } from './help';
import { VERSION } from './context';
import { sdkCommands } from './sdk-commands';

export interface Route {
  track: Track;
  command: CommandDefinition;
  rest: ArgToken[];
}

/** The words named a group (or nothing: the root), not a command. */
export interface GroupRoute {
  track: Track;
  group: string[];
  rest: ArgToken[];
}

/** gcloud accepts its global flags before the command words too; skip them (and their values). */
function commandWords(tokens: ArgToken[], commands: CommandDefinition[]): { words: string[]; rest: ArgToken[] } {
  const valueFlags = new Set(GLOBAL_FLAGS.filter((f) => f.kind === 'value').map((f) => f.name));
  const words: string[] = [];
  const rest: ArgToken[] = [];
  let collecting = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const text = typeof t.value === 'string' ? t.value : undefined;
    if (collecting && text !== undefined && !text.startsWith('-')) {
      words.push(text);
      if (commands.some((c) => c.path.join(' ') === words.filter((w) => !(w in TRACK_OF_WORD)).join(' '))) collecting = false;
      continue;
    }
    rest.push(t);
    if (collecting && text !== undefined && valueFlags.has(text) && i + 1 < tokens.length) rest.push(tokens[++i]);
  }
  return { words, rest };
}

/** The track command words name (by their first word; none: GA), the path after it, and its command if there is one. */
export function findCommand(
  words: readonly string[],
  commands: CommandDefinition[],
): { track: Track; path: string[]; command?: CommandDefinition } {
  const track = TRACK_OF_WORD[words[0]] ?? 'GA';
  const path = words.slice(trackWords(track).length);
  const command = commands.find((c) => c.tracks.includes(track) && c.path.length === path.length && c.path.every((w, i) => w === path[i]));
  return { track, path, command };
}

/** The command the words name, on the track their first word names (none: GA); else the group they stop at. */
export function route(tokens: ArgToken[], commands: CommandDefinition[]): Route | GroupRoute {
  const { words, rest } = commandWords(tokens, commands);
  const { track, path, command } = findCommand(words, commands);
  return command ? { track, command, rest } : groupOrInvalidChoice(track, path, rest, commands);
}

/** Words (after the track's) that stop at a group, or the first word that names nothing (with suggestions). */
function groupOrInvalidChoice(track: Track, path: string[], rest: ArgToken[], commands: CommandDefinition[]): GroupRoute {
  let known = 0;
  while (known < path.length && isGroup(track, path.slice(0, known + 1), commands)) known++;
  if (known === path.length) return { track, group: path, rest };
  const groupName = ['gcloud', ...trackWords(track), ...path.slice(0, known)].join('.');
  const elsewhere = notCovered(track, path.slice(0, known + 1));
  if (elsewhere) throw new ArgumentError(`Invalid choice: '${path[known]}'.\n${elsewhere}`, 'none', { command: groupName });
  // Suggestions follow when reported (maybeYouMeant); without any, the group's usage.
  throw new ArgumentError(`Invalid choice: '${path[known]}'.`, 'none', {
    command: groupName,
    otherwise: groupUsage(track, path.slice(0, known), commands).trimEnd(),
  });
}

const GCLOUD_HELP_SEARCH = 'To search the help text of gcloud commands, run:\n  gcloud help -- SEARCH_TERMS';

/**
 * gcloud's "Maybe you meant" block after an invalid choice (a command or a flag's value), from the
 * whole command line: gcloud's suggestions from the installed Cloud SDK's commands, as gcloud prints
 * them; without the SDK, gcloud-aip's own commands. Undefined when nothing matches.
 */
export function maybeYouMeant(argv: string[], env: NodeJS.ProcessEnv, commands: CommandDefinition[]): string | undefined {
  const sdk = sdkCommands(env);
  const own = commands.flatMap((c) => c.tracks.map((track) => [...trackWords(track), ...c.path]));
  const found = suggestCommands(argv, sdk ?? own);
  if (!found.length) return undefined;
  const [program, hint] = sdk ? ['gcloud', GCLOUD_HELP_SEARCH] : ['gcloud-aip', HELP_SEARCH_ADVICE];
  return `Maybe you meant:\n${found.map((c) => `  ${program} ${c.join(' ')}`).join('\n')}\n\n${hint}`;
}

/**
 * gcloud's commands next to those gcloud-aip has, which it leaves to gcloud: what to use instead.
 * gcloud-aip covers deploys (ai-platform models, versions, operations).
 */
const LEFT_TO_GCLOUD: Record<string, string> = {
  'ai-platform jobs': 'training and batch prediction jobs',
  'ai-platform predict': 'online prediction',
  'ai-platform explain': 'online explanations',
  'ai-platform local': 'local training and prediction',
  'ai-platform models update': 'model updates',
  'ai-platform versions update': 'version updates',
  'ai-platform models get-iam-policy': 'IAM policies',
  'ai-platform models set-iam-policy': 'IAM policies',
  'ai-platform models add-iam-policy-binding': 'IAM policies',
  'ai-platform models remove-iam-policy-binding': 'IAM policies',
  ai: 'Vertex AI',
  'ml-engine': 'the old name of ai-platform',
  auth: 'signing in',
  config: 'configurations and properties',
  storage: 'Cloud Storage',
};

function notCovered(track: Track, path: string[]): string | undefined {
  const what = LEFT_TO_GCLOUD[path.join(' ')];
  if (!what) return undefined;
  const command = ['gcloud', ...trackWords(track), ...path].join(' ');
  return `gcloud-aip covers AI Platform deploys (ai-platform models, versions and operations); for ${what}, use the real gcloud:\n  ${command} …\nTo list what gcloud-aip has, run:\n  gcloud-aip --help`;
}

/** A group's help (--help), usage (-h), the version (--version at the top), or gcloud's error with the group's members. */
export async function showGroup(
  { track, group, rest }: GroupRoute,
  commands: CommandDefinition[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const flags = rest.map((t) => t.value);
  if (flags.includes('--help')) {
    await showHelp(renderGroupHelp(track, group, commands), env);
    return 0;
  }
  if (flags.includes('-h')) {
    process.stdout.write(groupUsage(track, group, commands));
    return 0;
  }
  if (track === 'GA' && !group.length && (flags.includes('--version') || flags.includes('-v'))) {
    process.stdout.write(versionText(VERSION));
    return 0;
  }
  const name = ['gcloud', ...trackWords(track), ...group].join('.');
  throw new ArgumentError(`Command name argument expected.\n\n${groupListing(track, group, commands)}`, 'none', { command: name });
}

/** The command argv names (flags-file errors are reported before argv is fully read), or `gcloud`. */
export function nameOfCommandIn(argv: string[], commands: CommandDefinition[]): string {
  try {
    const routed = route(
      argv.map((value) => ({ value })),
      commands,
    );
    return 'command' in routed ? commandName(routed.track, routed.command) : 'gcloud';
  } catch {
    return 'gcloud';
  }
}

/** gcloud's dotted command name for messages: `gcloud.beta.ai-platform.versions.create`. */
export function commandName(track: Track, command: CommandDefinition): string {
  return ['gcloud', ...trackWords(track), ...command.path].join('.');
}

/**
 * What the flag parser is given for a command on a track: its flags on that track and gcloud's
 * global flags (a standalone command, the emulator, takes only --help of those), and its flags on
 * other tracks for the "available in alternate release tracks" hint. `target`: leave out the flags
 * declared only for another target (undefined: keep them all).
 */
export function parserSpecFor(command: CommandDefinition, track: Track, target?: string): ParserSpec {
  const own = command.flags.filter(
    (f) => f.tracks.includes(track) && (!f.onlyForTarget || target === undefined || f.onlyForTarget === target),
  );
  return {
    commandWords: command.path,
    track,
    positionals: command.positionals,
    flags: [...own, ...(command.standalone ? GLOBAL_FLAGS.filter((f) => f.name === '--help') : GLOBAL_FLAGS)],
    otherTrackFlags: command.flags.filter((f) => !f.tracks.includes(track)),
    commandTracks: command.tracks,
  };
}
