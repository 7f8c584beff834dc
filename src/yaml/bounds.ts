// YAML aliases let a few lines stand for an enormous value ("billion laughs": nine references to
// nine references to …) or, through an alias to an enclosing node, an endless one. js-yaml shares
// aliased nodes instead of copying them, so loading is cheap; what explodes is whatever walks the
// value next (string conversion, JSON). Values are therefore measured first, as if every alias were
// copied out but without copying anything, and refused past a bound.

/** Far more than any hand-written --config or --flags-file holds (they hold tens). */
export const MAX_YAML_VALUES = 100_000;
/** js-yaml stops at 100 levels of nesting in the text; chains of aliases can nest deeper. */
export const MAX_YAML_DEPTH = 1000;

/**
 * How many values `value` holds once every alias is expanded (each scalar, list and mapping counts
 * one): Infinity when it contains itself, NaN when it nests deeper than MAX_YAML_DEPTH. Counting
 * stops soon after `limit`.
 */
export function expandedSize(value: unknown, limit = MAX_YAML_VALUES): number {
  const measured = new Map<object, number>();
  const open = new Set<object>(); // nodes being measured: meeting one again is a cycle
  const measure = (node: unknown, depth: number): number => {
    if (node === null || typeof node !== 'object') return 1;
    if (depth > MAX_YAML_DEPTH) return NaN;
    const known = measured.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return Infinity;
    open.add(node);
    let total = 1;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      total += measure(child, depth + 1);
      if (!(total <= limit)) break; // past the limit, endless, or too deep
    }
    open.delete(node);
    measured.set(node, total);
    return total;
  };
  return measure(value, 0);
}

/** Why a loaded value is refused, or undefined when it is of a sane size. */
export function oversizeProblem(value: unknown): string | undefined {
  const size = expandedSize(value);
  if (Number.isNaN(size)) return `the document nests deeper than ${MAX_YAML_DEPTH} levels through its aliases`;
  if (size === Infinity) return 'the document refers to itself through an alias (an endless value)';
  if (size > MAX_YAML_VALUES) return `the document expands to more than ${MAX_YAML_VALUES} values through its aliases`;
  return undefined;
}
