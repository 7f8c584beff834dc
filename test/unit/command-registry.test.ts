// The command registry (src/commands/index.ts) checked as a whole: the router takes the first
// command whose path matches and the parser the first flag of a name, so a duplicate would be
// silently unreachable, and two flags with one dest would overwrite each other's value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandDefinition } from '../../src/cli/command';
import { parserSpecFor } from '../../src/cli/router';
import { COMMANDS } from '../../src/commands';
import { ALL_TRACKS, trackWords, type Track } from '../../src/flags/spec';

/** The entries of `items` whose key is met more than once. */
function duplicates<T>(items: readonly T[], key: (item: T) => string): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) repeated.add(k);
    seen.add(k);
  }
  return [...repeated];
}

const commandName = (command: CommandDefinition, track: Track) => ['gcloud', ...trackWords(track), ...command.path].join(' ');

/** Every command of every track it is in. */
const perTrack = ALL_TRACKS.flatMap((track) => COMMANDS.filter((c) => c.tracks.includes(track)).map((command) => ({ track, command })));

test('the registry is not empty, and every command is in at least one track', () => {
  assert.ok(COMMANDS.length > 10);
  for (const command of COMMANDS) assert.ok(command.tracks.length > 0, command.path.join(' '));
});

test('no command path is declared twice in a track', () => {
  for (const track of ALL_TRACKS) {
    const paths = COMMANDS.filter((c) => c.tracks.includes(track)).map((c) => c.path.join(' '));
    assert.deepEqual(
      duplicates(paths, (p) => p),
      [],
      `track ${track}`,
    );
  }
});

test('no command declares a flag name twice, its --no- form included, nor a global flag of its own', () => {
  for (const { track, command } of perTrack) {
    const names = parserSpecFor(command, track).flags.flatMap((f) => (f.negatable ? [f.name, f.name.replace(/^--/, '--no-')] : [f.name]));
    assert.deepEqual(
      duplicates(names, (n) => n),
      [],
      commandName(command, track),
    );
  }
});

/** A one-letter spelling of a long flag (`-q` for `--quiet`): argparse gives both one dest. */
const isShortAlias = (name: string) => /^-[a-zA-Z]$/.test(name);

test('no two flags or positionals of a command share a dest, but for a short alias of its long flag', () => {
  for (const { track, command } of perTrack) {
    const spec = parserSpecFor(command, track);
    const long = spec.flags.filter((f) => !isShortAlias(f.name));
    const dests = [...long.map((f) => f.dest), ...spec.positionals.map((p) => p.dest)];
    assert.deepEqual(
      duplicates(dests, (d) => d),
      [],
      commandName(command, track),
    );
    const short = spec.flags.filter((f) => isShortAlias(f.name));
    assert.deepEqual(
      duplicates(short, (f) => f.dest),
      [],
      commandName(command, track),
    );
    for (const alias of short) {
      const target = long.find((f) => f.dest === alias.dest);
      if (target) assert.equal(target.kind, alias.kind, `${commandName(command, track)}: ${alias.name} is ${target.name} of another kind`);
    }
  }
});

test('the check itself finds a repeated path, name and dest', () => {
  const [command] = COMMANDS;
  const [flag] = command.flags;
  assert.deepEqual(
    duplicates([command, command], (c) => c.path.join(' ')),
    [command.path.join(' ')],
  );
  const doubled = { ...command, flags: [flag, { ...flag, name: '--other-name' }] } as CommandDefinition;
  const spec = parserSpecFor(doubled, flag.tracks[0]);
  assert.deepEqual(
    duplicates(
      spec.flags.filter((f) => !isShortAlias(f.name)),
      (f) => f.dest,
    ),
    [flag.dest],
  );
  assert.deepEqual(
    duplicates([...spec.flags, flag], (f) => f.name),
    [flag.name],
  );
});
