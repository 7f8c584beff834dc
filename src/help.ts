// gcloud-style help (--help) and the usage block printed under argument errors, generated from the
// command's flag specs so they can never disagree with what the parser accepts.
import { GLOBAL_FLAGS } from './flags/global-flags';
import type { FlagSpec, Track } from './flags/spec';
import type { CommandDefinition } from './commands/registry';

const WIDTH = 80;

function commandLine(track: Track, command: CommandDefinition): string {
  return ['gcloud', ...(track === 'GA' ? [] : [track.toLowerCase()]), ...command.path].join(' ');
}

function trackFlags(track: Track, command: CommandDefinition): FlagSpec[] {
  return command.flags.filter((f) => f.tracks.includes(track) && !f.hidden);
}

function synopsisArgs(track: Track, command: CommandDefinition): string {
  const required = trackFlags(track, command).filter((f) => f.required).map((f) => `${f.name}=${f.metavar ?? 'VALUE'}`);
  return [...command.positionals.map((p) => p.name), ...required].join(' ');
}

/** `Usage: …` and the wrapped `optional flags may be …` list, as argparse prints them. */
export function usageFooter(track: Track, command: CommandDefinition): string {
  const line = commandLine(track, command);
  const optional = [...trackFlags(track, command).filter((f) => !f.required).map((f) => f.name), '--help'].sort();
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
    `Usage: ${line} ${synopsisArgs(track, command)} [optional flags]`,
    ...lines,
    '',
    'For detailed information on this command and its flags, run:',
    `  ${line} --help`,
    '',
  ].join('\n');
}

function wrap(text: string, indent: string): string {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    if (!paragraph.trim()) {
      out.push('');
      continue;
    }
    const lead = /^\s*/.exec(paragraph)![0];
    let line = indent + lead;
    for (const word of paragraph.trim().split(/\s+/)) {
      if (line.trim() && line.length + word.length + 1 > WIDTH) {
        out.push(line.trimEnd());
        line = indent + lead;
      }
      line += (line.trim() ? ' ' : '') + word;
    }
    out.push(line.trimEnd());
  }
  return out.join('\n');
}

function flagEntry(f: FlagSpec): string {
  const head = f.kind === 'bool' ? (f.negatable ? `${f.name}, --no-${f.name.slice(2)}` : f.name) : `${f.name}=${f.metavar ?? 'VALUE'}`;
  const help = f.help.replace(/\*([^*]+)\*/g, '$1').replace(/`+/g, '');
  return `     ${head}\n${wrap(help, '        ')}`;
}

export function renderHelp(track: Track, command: CommandDefinition): string {
  const line = commandLine(track, command);
  const flags = trackFlags(track, command);
  const required = flags.filter((f) => f.required);
  const optional = flags.filter((f) => !f.required).sort((a, b) => a.name.localeCompare(b.name));
  const sections: string[] = [
    `NAME\n    ${line} - ${command.help.brief}`,
    `SYNOPSIS\n    ${line} ${synopsisArgs(track, command)}\n        ${optional.map((f) => (f.kind === 'bool' ? `[${f.name}]` : `[${f.name}=${f.metavar ?? 'VALUE'}]`)).join(' ')}${command.standalone ? '' : ' [GCLOUD_WIDE_FLAG ...]'}`,
    `DESCRIPTION\n${wrap(`${track === 'GA' ? '' : `(${track}) `}${command.help.description}`, '    ')}`,
  ];
  if (command.help.examples) sections.push(`EXAMPLES\n${wrap(command.help.examples.replace(/\{command\}/g, line), '    ')}`);
  if (command.positionals.length) {
    sections.push(`POSITIONAL ARGUMENTS\n${command.positionals.map((p) => `     ${p.name}\n${wrap(p.help, '        ')}`).join('\n\n')}`);
  }
  if (required.length) sections.push(`REQUIRED FLAGS\n${required.map(flagEntry).join('\n\n')}`);
  if (optional.length) sections.push(`OPTIONAL FLAGS\n${optional.map(flagEntry).join('\n\n')}`);
  if (!command.standalone) {
    const globals = GLOBAL_FLAGS.filter((f) => !f.hidden).map((f) => f.name).join(', ');
    sections.push(`GCLOUD WIDE FLAGS\n${wrap(`These flags are available to all commands: ${globals}.\n\nRun $ gcloud help for details.`, '    ')}`);
  }
  const notes = track === 'GA' ? 'These variants are also available:' : `This command is currently in ${track.toLowerCase()} and might change without notice. These variants are also available:`;
  const variants = command.tracks.filter((t) => t !== track).map((t) => `        $ ${commandLine(t, command)}`);
  if (variants.length) sections.push(`NOTES\n${wrap(notes, '    ')}\n\n${variants.join('\n\n')}`);
  return sections.join('\n\n') + '\n';
}
