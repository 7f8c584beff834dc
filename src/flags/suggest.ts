// "Did you mean …?" suggestions, ranked like Python's difflib.get_close_matches (which gcloud uses),
// so the clone suggests the same flag or choice gcloud would.

function longestMatch(a: string, b: string, alo: number, ahi: number, blo: number, bhi: number) {
  let bestI = alo;
  let bestJ = blo;
  let bestSize = 0;
  let lengths = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const next = new Map<number, number>();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const k = (lengths.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestSize) {
        bestI = i - k + 1;
        bestJ = j - k + 1;
        bestSize = k;
      }
    }
    lengths = next;
  }
  return { i: bestI, j: bestJ, size: bestSize };
}

function matchingCharacters(a: string, b: string): number {
  let total = 0;
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const m = longestMatch(a, b, alo, ahi, blo, bhi);
    if (!m.size) continue;
    total += m.size;
    if (alo < m.i && blo < m.j) queue.push([alo, m.i, blo, m.j]);
    if (m.i + m.size < ahi && m.j + m.size < bhi) queue.push([m.i + m.size, ahi, m.j + m.size, bhi]);
  }
  return total;
}

export function similarity(a: string, b: string): number {
  const length = a.length + b.length;
  return length ? (2 * matchingCharacters(a, b)) / length : 1;
}

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

/**
 * Commands to suggest for a mistyped command word (`words[index]`): those whose word there is close
 * (difflib's 0.6 cut-off), the ones that agree with the words typed after it first.
 */
export function suggestCommands(words: string[], index: number, paths: string[][], limit = 10): string[][] {
  const scored = paths
    .filter((p) => p.length > index && words.slice(0, index).every((w, i) => p[i] === w))
    .map((p) => ({
      p,
      score: similarity(p[index], words[index]),
      agree: words.slice(index + 1).filter((w, i) => p[index + 1 + i] === w).length,
    }))
    .filter((s) => s.score >= 0.6);
  scored.sort((a, b) => b.agree - a.agree || b.score - a.score || a.p.join(' ').localeCompare(b.p.join(' ')));
  return scored.slice(0, limit).map((s) => s.p);
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
