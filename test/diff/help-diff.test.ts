// --help and -h against the real gcloud's, per track: the same text, except the flags gcloud-aip
// adds (documented as "Not a gcloud flag"), which are removed from our side before comparing.
// Skipped — loudly — where gcloud is not installed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MLFLOW_DEPLOY_FLAGS } from '../../src/mlflow/flags';
import { gcloudAvailable, runCli, runCommand, scratch } from '../support/cli';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING help differential tests: the real `gcloud` is not on PATH ***\n\n');

const OUR_FLAGS = ['--dry-run', '--no-validate', '--target', ...MLFLOW_DEPLOY_FLAGS.map((f) => f.name)];
/** `--flag=METAVAR` → `--flag`. */
const flagName = (text: string) => text.split('=')[0];
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** Our help without the gcloud-aip-only flags: their entries, and their synopsis/usage items. */
function withoutOwnFlags(help: string): string {
  const entries = help.split('\n\n').filter((block) => !OUR_FLAGS.includes(flagName(block.trimStart().split('\n')[0])));
  return entries.join('\n\n');
}

/** The SYNOPSIS is laid out around the flags it lists; compare its items, not its line breaks. */
function synopsisItems(help: string): string[] {
  const synopsis = /SYNOPSIS\n([\s\S]*?)\n\n/.exec(help)?.[1] ?? '';
  return (synopsis.match(/\[[^[\]]*(?:\[[^\]]*\][^[\]]*)*\]|\S+/g) ?? []).filter(
    (item) => !(item.startsWith('[') && OUR_FLAGS.includes(flagName(item.slice(1, -1)))),
  );
}

describe('help text is gcloud’s', { skip: !HAVE_GCLOUD && 'gcloud not installed' }, () => {
  for (const track of [[], ['beta'], ['alpha']]) {
    const args = [...track, 'ai-platform', 'versions', 'create'];
    test(`${args.join(' ')} --help`, async () => {
      const { env } = scratch();
      const theirs = await runCommand('gcloud', [...args, '--help'], env);
      const ours = await runCli([...args, '--help'], env);
      assert.equal(ours.code, 0, ours.stderr);
      const expected = plain(theirs.stdout);
      assert.deepEqual(synopsisItems(ours.stdout), synopsisItems(expected));
      const body = (text: string) => text.slice(text.indexOf('\nDESCRIPTION\n'));
      assert.equal(body(withoutOwnFlags(ours.stdout)), body(expected));
    });

    test(`${args.join(' ')} -h (anywhere on the line, even after a bad flag)`, async () => {
      const { env } = scratch();
      const theirs = await runCommand('gcloud', [...args, '--bogus', '-h'], env);
      const ours = await runCli([...args, '--bogus', '-h'], env);
      assert.equal(ours.code, theirs.code);
      const usageItems = (text: string) =>
        text
          .replace(/\s+\|?\s*/g, ' ')
          .split(' ')
          .filter((w) => !OUR_FLAGS.includes(w));
      assert.deepEqual(usageItems(ours.stdout), usageItems(plain(theirs.stdout)));
    });
  }

  test('versions list --help: its flag sections (REQUIRED, FLAGS, LIST COMMAND FLAGS) are gcloud’s', async () => {
    const { env } = scratch();
    const args = ['ai-platform', 'versions', 'list', '--help'];
    const theirs = plain((await runCommand('gcloud', args, env)).stdout);
    const ours = (await runCli(args, env)).stdout;
    const flagSections = (text: string) => text.slice(text.indexOf('\nREQUIRED FLAGS\n'), text.indexOf('\nGCLOUD WIDE FLAGS\n'));
    assert.equal(flagSections(withoutOwnFlags(ours)), flagSections(theirs));
    assert.deepEqual(synopsisItems(ours), synopsisItems(theirs));
  });
});
