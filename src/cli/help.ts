// gcloud-style help (--help) and the usage block printed under argument errors (and for -h),
// generated from the command's flag specs so they can never disagree with what the parser accepts.
// Help texts are written in the small markdown gcloud uses (`code`, *bold*, _ITALIC_, [link](url),
// `term::: body` definitions, `* ` bullets, 4-space code blocks); this renders it as gcloud's
// plain-text help does, at 80 columns.
import { GLOBAL_FLAGS } from '../flags/global-flags';
import { TRACK_OF_WORD, trackWords, type FlagSpec, type Track } from '../flags/spec';
import type { CommandDefinition } from './command';
import { colourAllowed } from '../ui/output';
import { Properties } from '../config/properties';

const WIDTH = 80;
/** gcloud breaks an example command line, with ` \`, when it would pass this column. */
const EXAMPLE_WIDTH = 75;
/** A flag group's note is set narrower than the text around it. */
const GROUP_NOTE_WIDTH = 74;

function commandLine(track: Track, command: CommandDefinition): string {
  return ['gcloud', ...trackWords(track), ...command.path].join(' ');
}

function trackFlags(track: Track, command: CommandDefinition): FlagSpec[] {
  return command.flags.filter((f) => f.tracks.includes(track) && !f.hidden);
}

const byName = (a: FlagSpec, b: FlagSpec) => a.name.localeCompare(b.name);

const GCLOUD_AIP_ONLY = 'Not a gcloud flag (gcloud-aip only):';

function flagUsage(f: FlagSpec): string {
  if (f.kind === 'bool') return f.negatable ? `--[no-]${f.name.slice(2)}` : f.name;
  return `${f.name}=${f.metavar ?? 'VALUE'}${f.helpDefault !== undefined ? `; default=${f.helpDefault}` : ''}`;
}

function requiredArgs(track: Track, command: CommandDefinition): string[] {
  return [
    ...command.positionals.map((p) => p.name),
    ...trackFlags(track, command)
      .filter((f) => f.required)
      .map(flagUsage),
  ];
}

/** `Usage: …` and the wrapped `optional flags may be …` list, as argparse prints them. */
export function usageFooter(track: Track, command: CommandDefinition): string {
  const line = commandLine(track, command);
  const optional = [
    ...trackFlags(track, command)
      .filter((f) => !f.required && !f.gcloudAipOnly)
      .map((f) => f.name),
    '--help',
  ].sort();
  const lead = '  optional flags may be  ';
  const lines: string[] = [];
  let current = lead;
  optional.forEach((name, i) => {
    const item = i < optional.length - 1 ? `${name} |` : name;
    if (current.length + item.length + 1 > WIDTH && current.trim()) {
      lines.push(current.trimEnd());
      current = ' '.repeat(lead.length);
    }
    current += (current.endsWith(' ') ? '' : ' ') + item;
  });
  lines.push(current.trimEnd());
  return [
    `Usage: ${line} ${requiredArgs(track, command).join(' ')} [optional flags]`,
    ...lines,
    '',
    'For detailed information on this command and its flags, run:',
    `  ${line} --help`,
    '',
  ].join('\n');
}

// ---- text layout ---------------------------------------------------------------------------------

/** Fills words into lines of at most WIDTH columns; a word longer than a line gets its own. */
function fill(words: string[], indent: string, hanging = indent, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    const lead = lines.length ? hanging : indent;
    if (line.length > lead.length && line.length + 1 + word.length >= width) {
      lines.push(line);
      line = hanging;
    }
    line += (line.length > (lines.length ? hanging : indent).length ? ' ' : '') + word;
  }
  lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/** Inline markup: ```x```, `x`, *x*, _X_ and [text](url) print as gcloud prints them. */
function inline(text: string): string {
  return text
    .replace(/```([^`]*)```/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/(^|[^\w*])\*([^*\s]+)\*(?=$|[^\w*])/g, '$1$2')
    .replace(/(^|[^\w])_([A-Za-z][\w-]*?)_(?=$|[^\w])/g, '$1$2');
}

const words = (text: string) => inline(text).split(/\s+/).filter(Boolean);

/** Renders a markdown help text as blocks (paragraphs, bullets, definitions, code) at `indent`. */
function renderMarkdown(text: string, indent: string, width = WIDTH): string {
  const blocks = text.split(/\n\s*\n/);
  const out: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    if (lines.every((l) => /^ {4}/.test(l) || !l.trim())) {
      out.push(lines.map((l) => `${indent}${inline(l)}`.trimEnd()).join('\n'));
      continue;
    }
    if (lines.every((l) => /^\* /.test(l))) {
      out.push(lines.map((l) => fill(['◆', ...words(l.slice(2))], indent, `${indent}  `).join('\n')).join('\n'));
      continue;
    }
    const definition = /^(\S[^\n]*?):::\s*([\s\S]*)$/.exec(block);
    if (definition) {
      out.push(`${indent} ${inline(definition[1])}\n${fill(words(definition[2]), `${indent}    `).join('\n')}`);
      continue;
    }
    out.push(fill(words(block), indent, indent, width).join('\n'));
  }
  return out.join('\n\n');
}

/** An example command line, broken before a flag with ` \` when too long, as gcloud does. */
function renderExampleLine(line: string, indent: string): string {
  const parts = line.trim().split(/ (?=--)/);
  const lines: string[] = [];
  let current = indent + parts[0];
  for (const part of parts.slice(1)) {
    if (current.length + 1 + part.length > EXAMPLE_WIDTH) {
      lines.push(`${current} \\`);
      current = `${indent}    ${part}`;
    } else {
      current += ` ${part}`;
    }
  }
  lines.push(current);
  return lines.join('\n');
}

function renderExamples(text: string, indent: string): string {
  return text
    .split(/\n\s*\n/)
    .map((block) => (/^ {4}\$ /.test(block) ? renderExampleLine(block, `${indent}    `) : renderMarkdown(block, indent)))
    .join('\n\n');
}

// ---- sections ------------------------------------------------------------------------------------

/** Flags gcloud files under a heading of their own (e.g. LIST COMMAND FLAGS), by category, sorted. */
function categorized(track: Track, command: CommandDefinition): [string, FlagSpec[]][] {
  const categories = new Map<string, FlagSpec[]>();
  for (const f of trackFlags(track, command).filter((g) => !g.required && g.category)) {
    categories.set(f.category!, [...(categories.get(f.category!) ?? []), f]);
  }
  return [...categories.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, flags]) => [name, flags.sort(byName)]);
}

interface FlagGroup {
  heading: string;
  flags: FlagSpec[];
}

/** Ungrouped optional flags, then each group (ordered by its first flag), as gcloud lays them out. */
function optionalLayout(track: Track, command: CommandDefinition): { loose: FlagSpec[]; groups: FlagGroup[] } {
  const optional = trackFlags(track, command)
    .filter((f) => !f.required && !f.category)
    .sort(byName);
  const groups = new Map<string, FlagSpec[]>();
  for (const f of optional.filter((o) => o.group)) groups.set(f.group!, [...(groups.get(f.group!) ?? []), f]);
  return {
    loose: optional.filter((f) => !f.group),
    groups: [...groups.entries()]
      .map(([name, flags]) => ({ heading: command.help.flagGroups?.[name] ?? name, flags }))
      .sort((a, b) => byName(a.flags[0], b.flags[0])),
  };
}

/**
 * SYNOPSIS layout: words and [...] groups fill lines of at most WIDTH - 1 columns (first line at 4,
 * the rest at 8). A group wider than a whole line is split at its spaces, continuing at 10: first
 * the whole remainder is tried on the next line, then one member at a time.
 */
function synopsis(track: Track, command: CommandDefinition): string {
  const { loose, groups } = optionalLayout(track, command);
  const units = [
    ...commandLine(track, command).split(' '),
    ...requiredArgs(track, command),
    ...loose.map((f) => `[${flagUsage(f)}]`),
    ...groups.map((g) => `[${g.flags.map(flagUsage).join(' ')}]`),
    ...categorized(track, command).flatMap(([, flags]) => flags.map((f) => `[${flagUsage(f)}]`)),
    ...(command.standalone ? [] : ['[GCLOUD_WIDE_FLAG ...]']),
  ];
  const lines: string[] = [];
  let line = '    ';
  const CONTINUE = '        ';
  const SPLIT = '          ';
  const fits = (text: string) => line.length + 1 + text.length < WIDTH;
  for (const unit of units) {
    if (line.trim() && !fits(unit)) {
      lines.push(line);
      line = CONTINUE;
    }
    if (fits(unit)) {
      line += (line.trim() ? ' ' : '') + unit;
      continue;
    }
    let rest = unit;
    let first = true;
    while (rest) {
      const remainderFits = !first && SPLIT.length + rest.length < WIDTH;
      const space = rest.indexOf(' ');
      const part = remainderFits || space < 0 ? rest : rest.slice(0, space);
      if (!first && !fits(part)) {
        lines.push(line);
        line = SPLIT;
      }
      line += (line.trim() ? ' ' : '') + part;
      rest = part === rest ? '' : rest.slice(part.length + 1);
      first = false;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

function flagEntry(f: FlagSpec, indent: string): string {
  // gcloud-aip's own flags say so first, in their help as in the usage block they are left out of.
  const help = f.gcloudAipOnly ? `${GCLOUD_AIP_ONLY} ${f.help}` : f.help;
  return `${indent}${flagUsage(f)}\n${renderMarkdown(help, `${indent}   `)}`;
}

/**
 * The optional flags: under OPTIONAL FLAGS when the command has required ones (plain FLAGS when it
 * has none, or when other categories follow), then one section per category.
 */
function optionalFlagsSections(track: Track, command: CommandDefinition): string[] {
  const { loose, groups } = optionalLayout(track, command);
  const categories = categorized(track, command);
  const sections: string[] = [];
  if (loose.length || groups.length) {
    const entries = loose.map((f) => flagEntry(f, '     '));
    for (const group of groups) {
      const [heading, ...details] = group.heading.split(/\n\s*\n/);
      const intro = [renderMarkdown(heading, '     '), ...details.map((d) => renderMarkdown(d, '         ', GROUP_NOTE_WIDTH))].join(
        '\n\n',
      );
      entries.push([intro, ...group.flags.map((f) => flagEntry(f, '       '))].join('\n\n'));
    }
    const hasRequired = trackFlags(track, command).some((f) => f.required);
    sections.push(`${hasRequired && !categories.length ? 'OPTIONAL FLAGS' : 'FLAGS'}\n${entries.join('\n\n')}`);
  }
  for (const [category, flags] of categories) sections.push(`${category} FLAGS\n${flags.map((f) => flagEntry(f, '     ')).join('\n\n')}`);
  return sections;
}

function notes(track: Track, command: CommandDefinition): string | undefined {
  const variants = command.tracks
    .filter((t) => t !== track)
    .map((t) => commandLine(t, command))
    .sort();
  if (!variants.length) return undefined;
  const lead =
    track === 'GA'
      ? ''
      : track === 'BETA'
        ? 'This command is currently in beta and might change without notice. '
        : 'This command is currently in alpha and might change without notice. If this command fails with API permission errors despite specifying the correct project, you might be trying to access an API with an invitation-only early access allowlist. ';
  return `NOTES\n${renderMarkdown(`${lead}These variants are also available:`, '    ')}\n\n${variants.map((v) => `        $ ${v}`).join('\n\n')}`;
}

export function renderHelp(track: Track, command: CommandDefinition): string {
  const line = commandLine(track, command);
  const required = trackFlags(track, command).filter((f) => f.required);
  const sections: (string | undefined)[] = [
    `NAME\n${fill(`${line} - ${command.help.brief}`.split(' '), '    ', '        ').join('\n')}`,
    `SYNOPSIS\n${synopsis(track, command)}`,
    `DESCRIPTION\n${renderMarkdown(`${track === 'GA' ? '' : `(${track}) `}${command.help.description}`, '    ')}`,
    command.help.examples ? `EXAMPLES\n${renderExamples(command.help.examples.replace(/\{command\}/g, line), '    ')}` : undefined,
    command.positionals.length
      ? `POSITIONAL ARGUMENTS\n${command.positionals.map((p) => `     ${p.name}\n${renderMarkdown(p.help, '        ')}`).join('\n\n')}`
      : undefined,
    required.length ? `REQUIRED FLAGS\n${required.map((f) => flagEntry(f, '     ')).join('\n\n')}` : undefined,
    ...optionalFlagsSections(track, command),
    command.standalone
      ? undefined
      : `GCLOUD WIDE FLAGS\n${renderMarkdown(
          `These flags are available to all commands: ${GLOBAL_FLAGS.filter((f) => !f.hidden)
            .map((f) => f.name)
            .join(', ')}.\n\nRun $ gcloud help for details.`,
          '    ',
        )}`,
    notes(track, command),
  ];
  return `${sections.filter(Boolean).join('\n\n')}\n\n`;
}

/**
 * Shows help text: through $PAGER (default `less`) when stdout is a terminal, as gcloud does;
 * written straight out otherwise, or when the pager cannot be started.
 */
export async function showHelp(text: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stdout.write(text);
    return;
  }
  // Loaded only here: most runs never show help.
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const pager = env.PAGER?.trim() || 'less';
  const colour = colourAllowed(env, process.stdout, disableColor(env));
  const page = colour ? emphasize(text) : text;
  const shown = await new Promise<boolean>((resolve) => {
    const child = spawn(pager, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: '-R', ...env } });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
    child.stdin.on('error', () => undefined); // the user quit the pager before reading everything
    child.stdin.end(page);
  });
  if (!shown) process.stdout.write(text);
}

/** core/disable_color before any command context exists (help, early errors): env and configuration. */
export function disableColor(env: NodeJS.ProcessEnv): boolean {
  return new Properties(env, undefined).getBool('core/disable_color', false);
}

const BOLD = (text: string) => `\x1b[1m${text}\x1b[0m`;

/** On a terminal, section headings and flag names are bold, as in gcloud's help. */
function emphasize(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      /^[A-Z][A-Z ]+$/.test(line)
        ? BOLD(line)
        : line.replace(/^( {5}| {7})(--[\w-]+|[A-Z][A-Z_]+$)/, (_, lead: string, name: string) => lead + BOLD(name)),
    )
    .join('\n');
}

// ---- groups, the version, and finding one's way --------------------------------------------------

/** The gcloud release whose commands, flags and messages gcloud-aip mirrors. */
export const MIRRORED_GCLOUD_VERSION = '528.0.0';

/** One-line summaries (and descriptions) of the command groups, as gcloud words its own. */
const GROUP_HELP: Record<string, { brief: string; description: string }> = {
  '': {
    brief: 'a fast drop-in replacement for gcloud ai-platform versions create and the commands a deploy script runs around it',
    description:
      "Replace `gcloud` with `gcloud-aip` in a deploy script: the same argv, flags, requests, exit codes and error lines as gcloud, with an embedded emulator (`gcloud-aip emulators ai-platform`) and an MLflow registry step. Properties and configurations are read from gcloud's configuration directory; set them with the Cloud SDK's `gcloud config set`, or per command with the flags and `CLOUDSDK_*` variables.",
  },
  alpha: {
    brief: 'alpha versions of gcloud-aip commands',
    description: 'Alpha versions of the ai-platform commands, with their alpha-only flags.',
  },
  beta: {
    brief: 'beta versions of gcloud-aip commands',
    description: 'Beta versions of the ai-platform commands, with their beta-only flags.',
  },
  'ai-platform': {
    brief: 'manage AI Platform jobs and models',
    description: 'The gcloud ai-platform command group lets you manage AI Platform jobs and training models.',
  },
  'ai-platform models': { brief: 'AI Platform Models commands', description: 'AI Platform Models commands.' },
  'ai-platform operations': { brief: 'manage AI Platform operations', description: 'Manage AI Platform operations.' },
  'ai-platform versions': { brief: 'AI Platform Versions commands', description: 'AI Platform Versions commands.' },
  emulators: {
    brief: 'set up your local development environment using emulators',
    description: 'Set up your local development environment using emulators.',
  },
  'emulators ai-platform': {
    brief: 'manage the embedded AI Platform and Cloud Storage emulator (gcloud-aip only)',
    description: 'Start the embedded emulator of the ml v1, Vertex AI and Cloud Storage JSON APIs, and point gcloud and gcloud-aip at it.',
  },
  mlflow: {
    brief: 'record model versions in an MLflow Model Registry (gcloud-aip only)',
    description: 'Record model versions in an MLflow Model Registry.',
  },
  'mlflow model-versions': {
    brief: 'manage MLflow model versions (gcloud-aip only)',
    description: 'Manage model versions in an MLflow Model Registry.',
  },
};

function groupLine(track: Track, path: string[]): string {
  return ['gcloud-aip', ...trackWords(track), ...path].join(' ');
}

/** The commands of a track under a group path. */
function commandsUnder(track: Track, path: string[], commands: CommandDefinition[]): CommandDefinition[] {
  return commands.filter((c) => c.tracks.includes(track) && c.path.length > path.length && path.every((w, i) => c.path[i] === w));
}

export function isGroup(track: Track, path: string[], commands: CommandDefinition[]): boolean {
  return commandsUnder(track, path, commands).length > 0;
}

interface Entry {
  name: string;
  summary: string;
}

const summary = (brief: string) => `${brief[0].toUpperCase()}${brief.slice(1)}${brief.endsWith('.') ? '' : '.'}`;

/** The groups and commands right under a group, with their one-line summaries, sorted. */
export function groupChildren(track: Track, path: string[], commands: CommandDefinition[]): { groups: Entry[]; commands: Entry[] } {
  const groups = new Map<string, Entry>();
  const leaves = new Map<string, Entry>();
  for (const c of commandsUnder(track, path, commands)) {
    const name = c.path[path.length];
    if (c.path.length === path.length + 1) leaves.set(name, { name, summary: summary(c.help.brief) });
    else groups.set(name, { name, summary: summary(GROUP_HELP[c.path.slice(0, path.length + 1).join(' ')]?.brief ?? `${name} commands`) });
  }
  if (track === 'GA' && path.length === 0)
    for (const word of Object.keys(TRACK_OF_WORD)) groups.set(word, { name: word, summary: summary(GROUP_HELP[word].brief) });
  const sorted = (m: Map<string, Entry>) => [...m.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { groups: sorted(groups), commands: sorted(leaves) };
}

/** `name   summary` rows, as gcloud lists a group's members (names at 6, summaries at 30). */
function entryRows(entries: Entry[]): string {
  return entries
    .map((e) => {
      const lead = `      ${e.name}`;
      const indent = ' '.repeat(30);
      const first = lead.length < 29 ? lead.padEnd(30) : `${lead}\n${indent}`;
      return fill(e.summary.split(' '), first, indent).join('\n');
    })
    .join('\n');
}

function detailFooter(track: Track, path: string[]): string {
  return `For detailed information on this command and its flags, run:\n  ${groupLine(track, path)} --help`;
}

/** What `gcloud-aip GROUP` (without a command) prints under its error line, as gcloud does. */
export function groupListing(track: Track, path: string[], commands: CommandDefinition[]): string {
  const { groups, commands: leaves } = groupChildren(track, path, commands);
  const line = groupLine(track, path);
  return [
    ...(groups.length ? [`Available groups for ${line}:\n\n${entryRows(groups)}`] : []),
    ...(leaves.length ? [`Available commands for ${line}:\n\n${entryRows(leaves)}`] : []),
    detailFooter(track, path),
  ].join('\n\n');
}

/** `-h` on a group: argparse's usage with the group's members. */
export function groupUsage(track: Track, path: string[], commands: CommandDefinition[]): string {
  const { groups, commands: leaves } = groupChildren(track, path, commands);
  const members = (label: string, entries: Entry[]) =>
    entries.length
      ? [fill(`${entries.map((e) => e.name).join(' | ')}`.split(' '), `  ${label.padEnd(23)}`, ' '.repeat(25)).join('\n')]
      : [];
  return [
    `Usage: ${groupLine(track, path)} [optional flags] <group | command>`,
    ...members('group may be', groups),
    ...members('command may be', leaves),
    '',
    detailFooter(track, path),
    '',
  ].join('\n');
}

/** `--help` on a group: NAME, SYNOPSIS, DESCRIPTION, the wide flags, GROUPS, COMMANDS, NOTES. */
export function renderGroupHelp(track: Track, path: string[], commands: CommandDefinition[]): string {
  const line = groupLine(track, path);
  const info = GROUP_HELP[path.join(' ')] ?? { brief: `${path.join(' ')} commands`, description: '' };
  const { groups, commands: leaves } = groupChildren(track, path, commands);
  const members = (heading: string, word: string, entries: Entry[]) =>
    entries.length
      ? `${heading}\n    ${word} is one of the following:\n\n${entries.map((e) => `     ${e.name}\n${renderMarkdown(e.summary, '        ')}`).join('\n\n')}`
      : undefined;
  const variants =
    path.length && track === 'GA' && path[0] !== 'mlflow' ? [`$ ${groupLine('ALPHA', path)}`, `$ ${groupLine('BETA', path)}`] : [];
  const sections = [
    `NAME\n${fill(`${line} - ${info.brief}`.split(' '), '    ', '        ').join('\n')}`,
    `SYNOPSIS\n    ${line} GROUP | COMMAND [GCLOUD_WIDE_FLAG ...]`,
    info.description ? `DESCRIPTION\n${renderMarkdown(`${track === 'GA' ? '' : `(${track}) `}${info.description}`, '    ')}` : undefined,
    `GCLOUD WIDE FLAGS\n${renderMarkdown(
      `These flags are available to all commands: ${GLOBAL_FLAGS.filter((f) => !f.hidden)
        .map((f) => f.name)
        .join(
          ', ',
        )}.${path.length ? '' : ' Also `--version` (this one only), which prints the versions of gcloud-aip, Node.js and the gcloud it mirrors.'}`,
      '    ',
    )}`,
    members('GROUPS', 'GROUP', groups),
    members('COMMANDS', 'COMMAND', leaves),
    variants.length ? `NOTES\n    These variants are also available:\n\n${variants.map((v) => `        ${v}`).join('\n\n')}` : undefined,
  ];
  return `${sections.filter(Boolean).join('\n\n')}\n\n`;
}

/** `--version`: gcloud-aip's own version, the Node.js running it, and the gcloud it mirrors. */
export function versionText(version: string): string {
  return `gcloud-aip ${version}\nNode.js ${process.version}\nmirrors Google Cloud SDK ${MIRRORED_GCLOUD_VERSION}\n`;
}
