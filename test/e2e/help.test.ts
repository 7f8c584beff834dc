// --help per track carries gcloud's sections and every flag the parser accepts on that track;
// --help and -h win over anything else on the line (exit 0, stdout), as in gcloud.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch } from '../support/cli';
import { VERSIONS_CREATE_FLAGS } from '../../src/commands/versions-create/flags';
import { GLOBAL_FLAGS } from '../../src/flags/global-flags';
import type { Track } from '../../src/flags/spec';

const SECTIONS = [
  'NAME',
  'SYNOPSIS',
  'DESCRIPTION',
  'EXAMPLES',
  'POSITIONAL ARGUMENTS',
  'REQUIRED FLAGS',
  'OPTIONAL FLAGS',
  'GCLOUD WIDE FLAGS',
  'NOTES',
];
const TRACKS: [Track, string[]][] = [
  ['GA', []],
  ['BETA', ['beta']],
  ['ALPHA', ['alpha']],
];

describe('versions create --help', () => {
  for (const [track, words] of TRACKS) {
    test(`${track}: every section, every flag of the track and no other`, async () => {
      const r = await runCli([...words, 'ai-platform', 'versions', 'create', '--region=nowhere', '--help'], scratch().env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.deepEqual(
        r.stdout.split('\n').filter((line) => /^[A-Z][A-Z ]+$/.test(line)),
        SECTIONS,
      );
      for (const flag of VERSIONS_CREATE_FLAGS) {
        const listed = new RegExp(`^ +${flag.name}(=|$)`, 'm').test(r.stdout);
        // A flag is documented on a track where it is declared and not hidden (GA's container flags,
        // taken for the vertex-ai target only, are hidden: GA's help stays gcloud's).
        const documented = VERSIONS_CREATE_FLAGS.some((f) => f.name === flag.name && f.tracks.includes(track) && !f.hidden);
        assert.equal(listed, documented, `${flag.name} on ${track}`);
      }
      for (const flag of GLOBAL_FLAGS.filter((f) => !f.hidden)) assert.match(r.stdout, new RegExp(`${flag.name}[,.]`));
      assert.match(
        r.stdout,
        track === 'GA' ? /^NOTES\n {4}These variants are also available:/m : new RegExp(`currently in ${track.toLowerCase()}`),
      );
    });
  }

  test('-h prints the usage summary, even after an unknown flag', async () => {
    const r = await runCli(['ai-platform', 'versions', 'create', '--bogus', '-h'], scratch().env);
    assert.equal(r.code, 0);
    assert.match(
      r.stdout,
      /^Usage: gcloud ai-platform versions create VERSION --model=MODEL \[optional flags\]\n {2}optional flags may be {2}--accelerator \|/,
    );
  });
});
