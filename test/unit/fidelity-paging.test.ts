// List paging against --limit, --page-size, --filter, --sort-by and --flatten, as gcloud's display
// taps pull from apitools' lazy pager: records stream through flatten and filter; the limit tap
// stops at the record after the N-th (so the page holding it is the last fetched) unless --sort-by
// needs every record; --page-size only splits the printed table. Pages are counted on a fake pager.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printList, type ListOptions, type ListOutput } from '../../src/format/list';

interface Row {
  options: ListOptions;
  items: number;
  perPage: number;
  pages: number;
  printed: string[];
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `m${i + 1}`);

const ROWS: Row[] = [
  { options: {}, items: 4, perPage: 1, pages: 4, printed: names(4) },
  { options: { limit: 1 }, items: 4, perPage: 1, pages: 2, printed: ['m1'] },
  { options: { limit: 2 }, items: 4, perPage: 1, pages: 3, printed: ['m1', 'm2'] },
  { options: { limit: 3 }, items: 4, perPage: 1, pages: 4, printed: ['m1', 'm2', 'm3'] },
  { options: { limit: 4 }, items: 4, perPage: 1, pages: 4, printed: names(4) },
  { options: { limit: 9 }, items: 4, perPage: 1, pages: 4, printed: names(4) },
  { options: { limit: -1 }, items: 4, perPage: 1, pages: 4, printed: names(4) }, // unlimited
  { options: { limit: 1 }, items: 4, perPage: 2, pages: 1, printed: ['m1'] },
  { options: { limit: 2 }, items: 4, perPage: 2, pages: 2, printed: ['m1', 'm2'] },
  { options: { limit: 1 }, items: 200, perPage: 100, pages: 1, printed: ['m1'] },
  { options: { limit: 100 }, items: 200, perPage: 100, pages: 2, printed: names(100) },
  { options: { limit: 1, sortBy: ['~name'] }, items: 4, perPage: 1, pages: 4, printed: ['m4'] },
  { options: { limit: 1, filter: 'name:m3' }, items: 4, perPage: 1, pages: 4, printed: ['m3'] },
  { options: { limit: 1, filter: 'name:m*' }, items: 4, perPage: 1, pages: 2, printed: ['m1'] },
  { options: { limit: 1, pageSize: 1 }, items: 4, perPage: 1, pages: 2, printed: ['m1'] },
  { options: { pageSize: 3 }, items: 4, perPage: 1, pages: 4, printed: names(4) },
  { options: { limit: 1, uri: true }, items: 4, perPage: 1, pages: 2, printed: ['https://x/m1'] },
  { options: { limit: 2, flatten: ['regions'] }, items: 4, perPage: 1, pages: 2, printed: ['m1', 'm1'] },
  { options: { limit: 3, flatten: ['regions'] }, items: 4, perPage: 1, pages: 2, printed: ['m1', 'm1', 'm2'] },
];

function output(out: string[], warnings: string[]): ListOutput {
  return { result: (text) => out.push(text), status: () => undefined, warning: (text) => warnings.push(text) };
}

async function* pager(count: number, perPage: number, fetched: { pages: number }) {
  const all = names(count).map((name) => ({ name, regions: ['r1', 'r2'] }));
  for (let start = 0; start < all.length; start += perPage) {
    fetched.pages++;
    yield* all.slice(start, start + perPage);
  }
}

for (const row of ROWS) {
  test(`${JSON.stringify(row.options)} over ${row.items} items, ${row.perPage} a page: ${row.pages} page(s)`, async () => {
    const fetched = { pages: 0 };
    const out: string[] = [];
    await printList(
      () => pager(row.items, row.perPage, fetched),
      { ...row.options, format: row.options.uri ? undefined : 'value(name)' },
      { defaultFormat: 'table(name)', uriOf: (m) => `https://x/${(m as { name: string }).name}`, output: output(out, []) },
    );
    assert.equal(fetched.pages, row.pages);
    assert.deepEqual(out.join('').split('\n').filter(Boolean), row.printed);
  });
}

test('keys no record had are reported once the list is exhausted, never when --limit cut it short', async () => {
  for (const [limit, expected] of [
    [undefined, 1],
    [1, 0],
  ] as const) {
    const warnings: string[] = [];
    await printList(
      () => pager(3, 1, { pages: 0 }),
      { filter: 'name:m* OR nokey:x', limit, format: 'value(name)' },
      { defaultFormat: 'table(name)', output: output([], warnings) },
    );
    assert.equal(warnings.length, expected, `limit ${limit}`);
    if (expected) assert.equal(warnings[0], 'The following filter keys were not present in any resource : nokey');
  }
});
