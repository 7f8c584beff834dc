/**
 * Python's difflib, as gcloud uses it: SequenceMatcher without a junk function (autojunk on), for
 * unified_diff over lines (the `diff` printer: the same matching blocks, hunks and ranges) and for the
 * similarity ratio of two words that ranks "did you mean" suggestions (src/flags/suggest.ts).
 */

type Opcode = [tag: 'equal' | 'replace' | 'delete' | 'insert', i1: number, i2: number, j1: number, j2: number];

class SequenceMatcher {
  private readonly b2j = new Map<string, number[]>();

  constructor(
    private readonly a: string[],
    private readonly b: string[],
  ) {
    b.forEach((line, j) => {
      const indexes = this.b2j.get(line);
      if (indexes) indexes.push(j);
      else this.b2j.set(line, [j]);
    });
    // autojunk: in a long b, lines found more than 1% + 1 times are not matched on.
    if (b.length >= 200) {
      const most = Math.floor(b.length / 100) + 1;
      for (const [line, indexes] of this.b2j) if (indexes.length > most) this.b2j.delete(line);
    }
  }

  private longestMatch(alo: number, ahi: number, blo: number, bhi: number): [number, number, number] {
    let [besti, bestj, bestsize] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.b2j.get(this.a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    while (besti > alo && bestj > blo && this.a[besti - 1] === this.b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && this.a[besti + bestsize] === this.b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  }

  private matchingBlocks(): Array<[number, number, number]> {
    const queue: Array<[number, number, number, number]> = [[0, this.a.length, 0, this.b.length]];
    const blocks: Array<[number, number, number]> = [];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const [i, j, k] = this.longestMatch(alo, ahi, blo, bhi);
      if (!k) continue;
      blocks.push([i, j, k]);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
    const merged: Array<[number, number, number]> = [];
    let [i1, j1, k1] = [0, 0, 0];
    for (const [i2, j2, k2] of blocks) {
      if (i1 + k1 === i2 && j1 + k1 === j2) k1 += k2;
      else {
        if (k1) merged.push([i1, j1, k1]);
        [i1, j1, k1] = [i2, j2, k2];
      }
    }
    if (k1) merged.push([i1, j1, k1]);
    merged.push([this.a.length, this.b.length, 0]);
    return merged;
  }

  /** ratio(): twice the matched items over all items (1 for two empty sequences). */
  ratio(): number {
    const length = this.a.length + this.b.length;
    return length ? (2 * this.matchingBlocks().reduce((sum, [, , size]) => sum + size, 0)) / length : 1;
  }

  private opcodes(): Opcode[] {
    let [i, j] = [0, 0];
    const codes: Opcode[] = [];
    for (const [ai, bj, size] of this.matchingBlocks()) {
      if (i < ai && j < bj) codes.push(['replace', i, ai, j, bj]);
      else if (i < ai) codes.push(['delete', i, ai, j, bj]);
      else if (j < bj) codes.push(['insert', i, ai, j, bj]);
      [i, j] = [ai + size, bj + size];
      if (size) codes.push(['equal', ai, i, bj, j]);
    }
    return codes;
  }

  /** The changes with up to n lines of context, in hunks. */
  groupedOpcodes(n: number): Opcode[][] {
    const codes = this.opcodes();
    if (!codes.length) codes.push(['equal', 0, 1, 0, 1]);
    const first = codes[0];
    if (first[0] === 'equal') codes[0] = ['equal', Math.max(first[1], first[2] - n), first[2], Math.max(first[3], first[4] - n), first[4]];
    const last = codes[codes.length - 1];
    if (last[0] === 'equal') {
      codes[codes.length - 1] = ['equal', last[1], Math.min(last[2], last[1] + n), last[3], Math.min(last[4], last[3] + n)];
    }
    const groups: Opcode[][] = [];
    let group: Opcode[] = [];
    for (const code of codes) {
      let [tag, i1, i2, j1, j2] = code;
      if (tag === 'equal' && i2 - i1 > 2 * n) {
        group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
        groups.push(group);
        group = [];
        [i1, j1] = [Math.max(i1, i2 - n), Math.max(j1, j2 - n)];
      }
      group.push([tag, i1, i2, j1, j2]);
    }
    if (group.length && !(group.length === 1 && group[0][0] === 'equal')) groups.push(group);
    return groups;
  }
}

/** SequenceMatcher(None, a, b).ratio() of two strings, character by character (UTF-16 units). */
export function similarity(a: string, b: string): number {
  return new SequenceMatcher(a.split(''), b.split('')).ratio();
}

function unifiedRange(start: number, stop: number): string {
  const length = stop - start;
  if (length === 1) return String(start + 1);
  return `${length ? start + 1 : start},${length}`;
}

/** difflib.unified_diff(a, b) with its defaults: the lines it yields (headers and hunk ranges end in '\n'). */
export function unifiedDiff(a: string[], b: string[], context = 3): string[] {
  const out: string[] = [];
  for (const group of new SequenceMatcher(a, b).groupedOpcodes(context)) {
    if (!out.length) out.push('--- \n', '+++ \n');
    const [first, last] = [group[0], group[group.length - 1]];
    out.push(`@@ -${unifiedRange(first[1], last[2])} +${unifiedRange(first[3], last[4])} @@\n`);
    for (const [tag, i1, i2, j1, j2] of group) {
      if (tag === 'equal') {
        for (const line of a.slice(i1, i2)) out.push(` ${line}`);
        continue;
      }
      if (tag !== 'insert') for (const line of a.slice(i1, i2)) out.push(`-${line}`);
      if (tag !== 'delete') for (const line of b.slice(j1, j2)) out.push(`+${line}`);
    }
  }
  return out;
}
