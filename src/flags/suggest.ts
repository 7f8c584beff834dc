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
