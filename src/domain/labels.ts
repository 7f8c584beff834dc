// Label rules, as gcloud's --labels help states them and checks them (with Python's notion of a
// lowercase letter and a digit): the flag parser, the request schema and the emulator all use these.

// Python's str.isalpha/islower/isupper/isdigit on one code point, which gcloud's label rules use.
const isAlpha = (c: string) => /^\p{L}$/u.test(c);
const isLowerOrCaseless = (c: string) => isAlpha(c) && (/^\p{Ll}$/u.test(c) || !/^[\p{Lu}\p{Lt}]$/u.test(c));
const isDigit = (c: string) => /^\p{Nd}$/u.test(c) || /^[\u00B2\u00B3\u00B9\u2070-\u2079\u2080-\u2089]$/u.test(c);
const isLabelChar = (c: string) => c === '_' || c === '-' || isDigit(c) || isLowerOrCaseless(c);

export function isValidLabelValue(value: string): boolean {
  const chars = [...value];
  return chars.length <= 63 && chars.every(isLabelChar);
}

export function isValidLabelKey(key: string): boolean {
  const chars = [...key];
  return chars.length > 0 && isLowerOrCaseless(chars[0]) && isValidLabelValue(key);
}

/** Labels in a request body, sorted by key as gcloud sends them. */
export function sortedLabels<V>(labels: Iterable<[string, V]>): Record<string, V> {
  return Object.fromEntries([...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
