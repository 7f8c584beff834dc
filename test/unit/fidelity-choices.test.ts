// Every choice-typed flag of every command and track, against gcloud's rule for it: calliope's
// ChoiceArgument / ChoiceEnumMapper flags (--framework, --explanation-method) take any case and `_`
// for `-`; argparse's plain choices (--region, --verbosity) take the listed spelling only. An empty
// value is answered with the "alternate release tracks" message, without the flag's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandDefinition } from '../../src/cli/command';
import { COMMANDS } from '../../src/commands';
import { parserSpecFor } from '../../src/cli/router';
import { GLOBAL_FLAGS } from '../../src/flags/global-flags';
import { parseArgs, normalizeChoice } from '../../src/flags/parser';
import type { FlagSpec, Track } from '../../src/flags/spec';
import { refusal } from '../support/refusal';

/** gcloud's rule per flag name (from command_lib/ml_engine/flags.py and calliope/cli.py). */
const RULES: Record<string, 'normalized' | 'exact'> = {
  '--framework': 'normalized', // arg_utils.ChoiceEnumMapper → base.ChoiceArgument
  '--explanation-method': 'normalized', // base.ChoiceArgument
  '--region': 'exact', // base.Argument(choices=SUPPORTED_REGIONS[_WITH_GLOBAL])
  '--verbosity': 'exact', // cli.py: choices=log.OrderedVerbosityNames()
  // gcloud-aip's own flags (not gcloud's): plain choices, spelled as the help lists them.
  '--mlflow-auth': 'exact',
  '--auth': 'exact',
  '--target': 'exact',
};

function parse(command: CommandDefinition, track: Track, args: string[]) {
  const positionals = command.positionals.map((p) => p.name.toLowerCase());
  return parseArgs(
    [...positionals, ...command.flags.filter((f) => f.required).flatMap((f) => [f.name, 'x']), ...args].map((value) => ({ value })),
    parserSpecFor(command, track),
  );
}

/** Spellings of a listed choice a user might type. */
function spellings(choice: string): string[] {
  return [
    choice,
    choice.toUpperCase(),
    choice.replace(/-/g, '_'),
    choice.replace(/-/g, '_').toUpperCase(),
    choice[0].toUpperCase() + choice.slice(1),
  ];
}

const cases: { command: CommandDefinition; track: Track; flag: FlagSpec }[] = [];
for (const command of COMMANDS.filter((c) => !c.standalone)) {
  for (const track of command.tracks) {
    for (const flag of [...command.flags.filter((f) => f.tracks.includes(track)), ...GLOBAL_FLAGS]) {
      if (flag.choices) cases.push({ command, track, flag });
    }
  }
}

test('every choice flag has a known gcloud rule', () => {
  assert.ok(cases.length > 20);
  for (const { flag } of cases) assert.ok(RULES[flag.name], `no rule recorded for ${flag.name}`);
});

for (const { command, track, flag } of cases) {
  const where = `${track} ${command.path.join(' ')} ${flag.name}`;
  test(`${where}: spellings`, () => {
    for (const choice of flag.choices!) {
      for (const spelling of spellings(choice)) {
        const accepted = RULES[flag.name] === 'normalized' || spelling === choice;
        if (accepted) {
          const parsed = parse(command, track, [`${flag.name}=${spelling}`]);
          assert.equal(parsed.values[flag.dest], choice, `${where} ${spelling}`);
        } else {
          const error = refusal(() => parse(command, track, [flag.name, spelling]));
          assert.match(
            error.message,
            new RegExp(`^argument ${flag.name}: Invalid choice: '${spelling.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'\\.`),
          );
          assert.equal(error.exitCode, 2);
        }
      }
    }
  });
  test(`${where}: a value that is no choice names the value as converted`, () => {
    const error = refusal(() => parse(command, track, [flag.name, 'NO_SUCH_CHOICE']));
    const shown = RULES[flag.name] === 'normalized' ? normalizeChoice('NO_SUCH_CHOICE') : 'NO_SUCH_CHOICE';
    assert.equal(error.message.split('\n')[0], `argument ${flag.name}: Invalid choice: '${shown}'.`);
  });
  test(`${where}: an empty value points at the other release tracks`, () => {
    const error = refusal(() => parse(command, track, [`${flag.name}=`]));
    const lines = error.message.split('\n');
    if (command.tracks.length === 1) {
      assert.equal(lines[0], `argument ${flag.name}: Invalid choice: ''.`);
      return;
    }
    assert.equal(lines[0], "Invalid choice: ''.");
    assert.equal(lines[1], 'This command is available in one or more alternate release tracks.  Try:');
    const prefixes = command.tracks
      .filter((t) => t !== track)
      .map((t) => (t === 'GA' ? '' : `${t.toLowerCase()} `))
      .sort();
    assert.deepEqual(
      lines.slice(2),
      prefixes.map((p) => `  gcloud ${p}${command.path.join(' ')}`),
    );
  });
}

test("normalizeChoice is calliope's _ChoiceValueType", () => {
  assert.equal(normalizeChoice('SCIKIT_LEARN'), 'scikit-learn');
  assert.equal(normalizeChoice('TensorFlow'), 'tensorflow');
  assert.equal(normalizeChoice('Integrated_Gradients'), 'integrated-gradients');
  assert.equal(normalizeChoice('xrai'), 'xrai');
});
