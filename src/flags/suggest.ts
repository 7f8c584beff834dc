// "Did you mean …?" suggestions, ranked like Python's difflib.get_close_matches (which gcloud uses),
// so the clone suggests the same flag or choice gcloud would.
import { similarity } from '../difflib';

/** The closest candidate with similarity ≥ 0.6 (ties: the larger string, as heapq.nlargest does). */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: { score: number; value: string } | undefined;
  for (const candidate of candidates) {
    const score = similarity(candidate, word);
    if (score < 0.6) continue;
    if (!best || score > best.score || (score === best.score && candidate > best.value)) {
      best = { score, value: candidate };
    }
  }
  return best?.value;
}

// gcloud's command suggestions after an invalid choice (calliope/suggest_commands.py): every command
// of a tree scored against every word typed, the best (within 70% of the top score) suggested.
const SYNONYMS: Record<string, string> = {
  change: 'update',
  'copy-files': 'scp',
  create: 'add',
  delete: 'remove',
  describe: 'get',
  docker: 'auth-configure-docker',
  get: 'describe',
  image: 'images',
  instance: 'instances',
  instances: 'instance',
  make: 'create',
  modify: 'update',
  patch: 'update',
  remove: 'delete',
  show: 'describe',
};
const MIN_RATIO = 0.7;
const MIN_SUGGESTED_GROUPS = 4;
const MAX_SUGGESTIONS = 10;

/** How well a typed word matches a command's word at `index` (0: none). */
function wordScore(index: number, typed: string, word: string, length: number): number {
  let shorter: string;
  let longer: string;
  if (word.includes(typed)) [shorter, longer] = [typed, word];
  else if (typed.includes(word)) [shorter, longer] = [word, typed];
  else return 0;
  // An inner match must start a word.
  const hit = longer.indexOf(shorter);
  if (hit > 0 && longer[hit - 1] !== '-') return 0;
  let score = 10 + ({ 1: 30, 2: 20, 3: 10 }[length] ?? 0) + (index === 0 ? 25 : index === 1 ? 15 : 5);
  const extra = longer.length - shorter.length;
  if (extra <= 2) score += (3 - extra) * (longer.startsWith(shorter) ? 2 : 1);
  if (index === 0 && length > 1) score += 30;
  else if (index > 0 && length > index + 1) score += 15;
  return score;
}

function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/** The commands scored against the typed words, best first (ties in lexicographic order); alpha/beta ones lose to their GA or beta twin. */
function scoredCommands(words: string[], commands: string[][]): Array<{ command: string[]; score: number }> {
  const typed = words.map((w) => w.toLowerCase().replace(/_/g, '-'));
  const all = new Set(commands.map((c) => c.join(' ')));
  const scored: Array<{ command: string[]; score: number }> = [];
  for (const command of commands) {
    const matched = new Set<string>();
    let score = 0;
    command.forEach((word, index) => {
      for (const t of typed) {
        let increment = wordScore(index, t, word, command.length);
        const synonym = SYNONYMS[t];
        if (synonym) increment = Math.max(increment, wordScore(index, synonym, word, command.length));
        if (increment) {
          matched.add(t);
          score += increment;
        }
      }
    });
    if (matched.size === typed.length) score += 10;
    if (score <= 0) continue;
    const rest = command.slice(1).join(' ');
    let betterTrack = false;
    if (command[0] === 'alpha') {
      score -= 5;
      betterTrack = all.has(rest) || all.has(`beta ${rest}`);
    }
    if (command[0] === 'beta') {
      score -= 5;
      betterTrack = all.has(rest);
    }
    if (!betterTrack) scored.push({ command, score });
  }
  return scored.sort((a, b) => b.score - a.score || comparePaths(a.command, b.command));
}

/**
 * gcloud's "Maybe you meant" list for `words` (the whole command line) over `commands` (every
 * command's words): the best commands, or their common groups when many of one group tie.
 */
export function suggestCommands(words: string[], commands: string[][]): string[][] {
  const scored = scoredCommands(words, commands);
  if (!scored.length) return [];
  const top = scored[0].score;
  const good = scored.filter((s) => s.score / top >= MIN_RATIO);
  const suggested = good.slice(0, MAX_SUGGESTIONS).map((s) => s.command);
  const groups = new Set(suggested.map((c) => c.slice(0, -1).join(' ')));
  // Ten or more from fewer than four groups: the groups are suggested instead.
  if (suggested.length < MAX_SUGGESTIONS || groups.size >= MIN_SUGGESTED_GROUPS) return suggested;
  const common = Math.min(...good.map((s) => s.command.length)) - 1;
  if (!common) return suggested;
  const prefixes = new Map<string, string[]>();
  for (const { command } of good) {
    prefixes.set(command.slice(0, common).join(' '), command.slice(0, common));
    if (prefixes.size >= MAX_SUGGESTIONS) break;
  }
  return [...prefixes.keys()].sort().map((key) => prefixes.get(key)!);
}

// Where gcloud's advice names a command gcloud-aip does not have, gcloud-aip says what works instead.
export const HELP_SEARCH_ADVICE = 'gcloud-aip has no `gcloud help` search; to list its commands and groups, run:\n  gcloud-aip --help';
export const FORMATS_ADVICE =
  'For information on output formats (gcloud-aip has no `gcloud topic`), see:\n  https://cloud.google.com/sdk/gcloud/reference/topic/formats\n';
/** After gcloud's "gcloud crashed" line for a transform's Python error, gcloud-aip points at the transforms' reference (gcloud: `gcloud feedback`). */
export const TRANSFORM_CRASH_ADVICE =
  'The --format or --filter expression called a transform in a way gcloud cannot run either; the transforms and their arguments:\n  https://cloud.google.com/sdk/gcloud/reference/topic/projections';
/** After gcloud's "gcloud crashed" line for an answer that does not decode as the ml v1 message it should be (gcloud: `gcloud feedback`). */
export const SERVER_DATA_CRASH_ADVICE =
  'The server answered with data the ml v1 API does not send (gcloud cannot decode it either); check that\napi_endpoint_overrides/ml names an AI Platform endpoint.';
