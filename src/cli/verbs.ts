// The words that are about gcloud-aip itself rather than a command of the registry: `help [WORD…]`
// (gcloud's `gcloud help`: a command's or group's help page, else the commands whose words or
// summaries match) and `completion bash|zsh` (a shell completion script built from the registry).
import { ArgumentError } from '../errors';
import type { ArgToken } from '../flags/parser';
import { trackWords } from '../flags/spec';
import { findCommand } from './router';
import type { CommandDefinition } from './command';
import { isGroup, renderGroupHelp, renderHelp, showHelp } from './help';

/** gcloud-aip's own verbs, as the first word on the line. */
export const VERBS = ['help', 'completion'] as const;

export async function runVerb(tokens: ArgToken[], commands: CommandDefinition[], env: NodeJS.ProcessEnv): Promise<number> {
  const [verb, ...rest] = tokens.map((t) => (typeof t.value === 'string' ? t.value : ''));
  if (verb === 'help') return help(rest, commands, env);
  process.stdout.write(completionScript(rest, commands));
  return 0;
}

async function help(words: string[], commands: CommandDefinition[], env: NodeJS.ProcessEnv): Promise<number> {
  const terms = words.filter((w) => !w.startsWith('-'));
  const { track, path, command } = findCommand(terms, commands);
  if (command) {
    await showHelp(renderHelp(track, command), env);
    return 0;
  }
  if (!path.length || isGroup(track, path, commands)) {
    await showHelp(renderGroupHelp(track, path, commands), env);
    return 0;
  }
  // Not a command: gcloud searches the help texts; so does gcloud-aip, over its own commands.
  const needles = terms.map((t) => t.toLowerCase());
  const found = commands.filter((c) => {
    const text = [c.path.join(' '), c.help.brief, c.help.description, ...c.flags.map((f) => f.name)].join(' ').toLowerCase();
    return needles.every((n) => text.includes(n));
  });
  if (!found.length) {
    throw new ArgumentError(
      `No command of gcloud-aip matches [${terms.join(' ')}]. gcloud-aip covers AI Platform deploys (ai-platform models, versions, operations), its emulator and the MLflow registry step; to list its commands, run:\n  gcloud-aip --help`,
      'none',
      { command: 'gcloud.help' },
    );
  }
  const rows = found.map((c) => `  gcloud-aip ${c.path.join(' ')}\n      ${c.help.brief}`);
  process.stdout.write(`Commands of gcloud-aip matching [${terms.join(' ')}]:\n\n${rows.join('\n')}\n`);
  return 0;
}

// ---- completion -------------------------------------------------------------------------------

/** Every path a completion can stand on (groups and commands, on every track), with what follows it. */
function completionTable(commands: CommandDefinition[]): { children: Map<string, Set<string>>; flags: Map<string, string[]> } {
  const children = new Map<string, Set<string>>();
  const flags = new Map<string, string[]>();
  const add = (parent: string[], word: string) => {
    const key = parent.join(' ');
    if (!children.has(key)) children.set(key, new Set());
    children.get(key)!.add(word);
  };
  for (const word of VERBS) add([], word);
  for (const c of commands) {
    for (const track of c.tracks) {
      const words = [...trackWords(track), ...c.path];
      for (const [i, w] of words.entries()) add(words.slice(0, i), w);
      const names = c.flags.filter((f) => f.tracks.includes(track) && !f.hidden).map((f) => f.name);
      flags.set(words.join(' '), [...new Set([...names, '--help'])].sort());
    }
  }
  flags.set('completion', []);
  children.set('completion', new Set(['bash', 'zsh']));
  return { children, flags };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function completionScript(args: string[], commands: CommandDefinition[]): string {
  const shell = args.find((a) => !a.startsWith('-'));
  if (shell !== 'bash' && shell !== 'zsh') {
    throw new ArgumentError(
      shell === undefined
        ? 'argument SHELL: Must be specified.'
        : `argument SHELL: Invalid choice: '${shell}'.\n\nValid choices are [bash, zsh].`,
      'none',
      { command: 'gcloud.completion' },
    );
  }
  const { children, flags } = completionTable(commands);
  // Keys start with ':' (an empty key is awkward in zsh); values are space-separated words.
  const entries = (map: Map<string, Iterable<string>>) =>
    [...map].map(([key, words]) => `  [${quote(`:${key}`)}]=${quote([...words].join(' '))}`).join('\n');
  const tables = `children=(\n${entries(children)}\n)\nflags=(\n${entries(flags)}\n)`;
  return shell === 'bash' ? bashScript(tables) : zshScript(tables);
}

function bashScript(tables: string): string {
  return `# bash completion for gcloud-aip; load it with: source <(gcloud-aip completion bash)
_gcloud_aip() {
  local -A children flags
${indent(tables)}
  local cur="\${COMP_WORDS[COMP_CWORD]}" at="" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ $w == -* ]] && continue
    [[ " \${children[:$at]} " == *" $w "* ]] && at="\${at:+$at }$w"
  done
  local words="\${children[:$at]}"
  if [[ -n \${flags[:$at]+set} && ( $cur == -* || -z $words ) ]]; then words="\${flags[:$at]}"; fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _gcloud_aip gcloud-aip
`;
}

function zshScript(tables: string): string {
  return `#compdef gcloud-aip
# zsh completion for gcloud-aip; load it with: source <(gcloud-aip completion zsh)
_gcloud_aip() {
  local -A children flags
${indent(tables)}
  local at="" w i
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    [[ $w == -* ]] && continue
    [[ " \${children[:$at]} " == *" $w "* ]] && at="\${at:+$at }$w"
  done
  local -a candidates
  candidates=(\${=children[:$at]})
  if (( \${+flags[:$at]} )) && [[ \${words[CURRENT]} == -* || \${#candidates} -eq 0 ]]; then candidates=(\${=flags[:$at]}); fi
  compadd -- $candidates
}
if (( $+functions[compdef] )); then compdef _gcloud_aip gcloud-aip; fi
`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
