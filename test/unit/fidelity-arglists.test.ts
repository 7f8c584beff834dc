// Every ArgList / ArgDict flag of every command and track against gcloud's rule for it. Flags with
// calliope's UpdateAction merge their occurrences and refuse an item or key met twice
// ('"K" cannot be specified multiple times; received: 1, 2'); the others (plain store) keep the last
// occurrence and allow repeated items. ArgList min_length (--regions) and one-value dict rules too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandDefinition } from '../../src/cli/command';
import { COMMANDS } from '../../src/commands';
import { parserSpecFor } from '../../src/cli/router';
import { GLOBAL_FLAGS } from '../../src/flags/global-flags';
import { parseArgs } from '../../src/flags/parser';
import type { Track } from '../../src/flags/spec';
import { refusal } from '../support/refusal';

interface Rule {
  /** calliope's UpdateAction (merge, refuse duplicates) or argparse's store (last wins). */
  action: 'update' | 'store';
  kind: 'list' | 'dict';
  /** Two values with a repeated item or key, and how each converts. */
  a: string;
  b: string;
  repeated: string;
  shownA?: string;
  shownB?: string;
  /** (dicts) a value with another key. */
  other?: string;
}

// From command_lib/ml_engine/flags.py, labels_util, calliope/base.py and surface/ai_platform.
const RULES: Record<string, Rule> = {
  '--labels': { action: 'update', kind: 'dict', a: 'k=one', b: 'k=two', repeated: 'k', shownA: 'one', shownB: 'two', other: 'j=3' },
  '--metric-targets': {
    action: 'update',
    kind: 'dict',
    a: 'cpu-usage=50',
    b: 'cpu-usage=060',
    repeated: 'cpu-usage',
    shownA: '50',
    shownB: '60',
    other: 'gpu-duty-cycle=7',
  },
  '--env-vars': { action: 'update', kind: 'dict', a: 'K=1', b: 'K=2', repeated: 'K', shownA: '1', shownB: '2', other: 'J=3' },
  '--command': { action: 'update', kind: 'list', a: 'a,b', b: 'b', repeated: 'b' },
  '--args': { action: 'update', kind: 'list', a: 'x,y', b: 'y', repeated: 'y' },
  '--ports': { action: 'update', kind: 'list', a: '80,8080', b: '08080', repeated: '8080' },
  '--package-uris': { action: 'store', kind: 'list', a: 'gs://a/1,gs://a/1', b: 'gs://a/2', repeated: 'gs://a/1' },
  '--regions': { action: 'store', kind: 'list', a: 'us-east1,us-east1', b: 'us-west1', repeated: 'us-east1' },
  '--sort-by': { action: 'store', kind: 'list', a: 'name,name', b: '~name', repeated: 'name' },
  '--flatten': { action: 'store', kind: 'list', a: 'regions,regions', b: 'labels', repeated: 'regions' },
  // gcloud-aip's own dict flags follow UpdateAction too.
  '--mlflow-tags': { action: 'update', kind: 'dict', a: 't=1', b: 't=2', repeated: 't', shownA: '1', shownB: '2', other: 'u=3' },
  '--tags': { action: 'update', kind: 'dict', a: 't=1', b: 't=2', repeated: 't', shownA: '1', shownB: '2', other: 'u=3' },
};

/** Flags whose values are lists or dicts in gcloud, by their metavar or parse result. */
const LIST_OR_DICT = /^\[.*,\.\.\.\]$|^\[count=COUNT\]/;

function parse(command: CommandDefinition, track: Track, args: string[]) {
  const positionals = command.positionals.map((p) => p.name.toLowerCase());
  const required = command.flags.filter((f) => f.required && f.tracks.includes(track)).flatMap((f) => [f.name, 'x']);
  return parseArgs(
    [...positionals, ...required, ...args].map((value) => ({ value })),
    parserSpecFor(command, track),
  );
}

const plain = (value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value);

const cases = COMMANDS.filter((c) => !c.standalone).flatMap((command) =>
  command.tracks.flatMap((track) =>
    [...command.flags.filter((f) => f.tracks.includes(track)), ...GLOBAL_FLAGS]
      .filter((f) => RULES[f.name] || (f.metavar && LIST_OR_DICT.test(f.metavar) && f.name !== '--accelerator'))
      .map((flag) => ({ command, track, flag })),
  ),
);

test('every list or dict flag has a known gcloud rule', () => {
  for (const { flag } of cases) assert.ok(RULES[flag.name], `no rule recorded for ${flag.name}`);
  for (const name of Object.keys(RULES))
    assert.ok(
      cases.some((c) => c.flag.name === name),
      `${name} is on no command`,
    );
});

for (const { command, track, flag } of cases) {
  const rule = RULES[flag.name];
  const where = `${track} ${command.path.join(' ')} ${flag.name}`;
  if (rule.action === 'update') {
    test(`${where}: occurrences merge; a repeated ${rule.kind === 'dict' ? 'key' : 'item'} is refused`, () => {
      const error = refusal(() => parse(command, track, [flag.name, rule.a, `${flag.name}=${rule.b}`]));
      const received = rule.kind === 'dict' ? `; received: ${rule.shownA}, ${rule.shownB}` : '';
      assert.equal(error.message, `argument ${flag.name}: "${rule.repeated}" cannot be specified multiple times${received}`);
      assert.equal(error.exitCode, 2);
      assert.equal(error.footer, 'usage');
    });
    if (rule.kind === 'list') {
      test(`${where}: an item repeated within one value is refused`, () => {
        const error = refusal(() => parse(command, track, [flag.name, `${rule.b},${rule.b}`]));
        assert.match(error.message, / cannot be specified multiple times$/);
      });
    } else {
      test(`${where}: a key repeated within one value keeps the last`, () => {
        const parsed = parse(command, track, [flag.name, `${rule.a},${rule.b}`]);
        const value = plain(parsed.values[flag.dest]) as Record<string, unknown>;
        assert.equal(String(value[rule.repeated]), rule.shownB);
      });
      test(`${where}: distinct keys from several occurrences merge`, () => {
        const parsed = parse(command, track, [flag.name, rule.a, flag.name, rule.other!]);
        assert.equal((parsed.values[flag.dest] as Map<string, unknown>).size, 2);
      });
    }
  } else {
    test(`${where}: the last occurrence wins and repeated items are kept`, () => {
      const parsed = parse(command, track, [flag.name, rule.b, flag.name, rule.a]);
      assert.deepEqual(parsed.values[flag.dest], rule.a.split(','));
    });
  }
}

test('--regions needs at least one region (ArgList min_length=1)', () => {
  const create = COMMANDS.find((c) => c.path.join(' ') === 'ai-platform models create')!;
  const error = refusal(() => parse(create, 'GA', ['--regions=']));
  assert.equal(error.message, 'argument --regions: not enough args');
});
