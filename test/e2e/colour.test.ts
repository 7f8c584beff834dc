// Colours as gcloud shows them: on a terminal (a pseudo-terminal from util-linux `script`) the
// `ERROR:` label is bold red and `WARNING:` bold yellow, with gcloud's own escape sequences; none
// when piped, with NO_COLOR, TERM=dumb, or core/disable_color (environment or configuration).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, gcloudAvailable, runCli, runCommand, scratch } from '../support/cli';

const HAVE_SCRIPT = fs.existsSync('/usr/bin/script') || fs.existsSync('/bin/script');
if (!HAVE_SCRIPT)
  process.stderr.write('\n*** SKIPPING terminal colour tests: util-linux `script` (a pseudo-terminal) is not installed ***\n\n');
const HAVE_GCLOUD = gcloudAvailable();

const RED_ERROR = '\x1b[1;31mERROR:\x1b[0m';
const YELLOW_WARNING = '\x1b[1;33mWARNING:\x1b[0m';
const BAD_FLAG = ['ai-platform', 'versions', 'create', 'v1', '--model=m', '--bogus'];
// A request that breaks a documented rule, sent anyway with --no-validate, is a warning; --dry-run sends nothing.
const WARNS = [
  'ai-platform',
  'versions',
  'create',
  'v1',
  '--model=m',
  '--origin=gs://b/x/',
  '--machine-type=n1-standard-4',
  '--framework=scikit-learn',
  '--no-validate',
  '--dry-run',
  '--project=p',
];

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs a command with stdin, stdout and stderr on a pseudo-terminal; returns what the terminal showed. */
async function onTerminal(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runCommand('script', ['-qec', argv.map(quote).join(' '), '/dev/null'], env);
  return r.stdout;
}

describe('colours', { skip: HAVE_SCRIPT ? false : 'util-linux script is not installed' }, () => {
  const base = { ...scratch().env, TERM: 'xterm-256color' };
  const cli = (args: string[]) => [process.execPath, CLI, ...args];

  test('on a terminal: ERROR: bold red, WARNING: bold yellow, the label only', async () => {
    const error = await onTerminal(cli(BAD_FLAG), base);
    assert.ok(error.includes(`${RED_ERROR} (gcloud.ai-platform.versions.create) unrecognized arguments: --bogus`), JSON.stringify(error));
    const warning = await onTerminal(cli(WARNS), base);
    assert.ok(warning.includes(`${YELLOW_WARNING} --no-validate: sending`), JSON.stringify(warning));
  });

  test('piped: no colour', async () => {
    const r = await runCli(WARNS, base);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^WARNING: --no-validate: sending/m);
    assert.doesNotMatch(r.stderr + (await runCli(BAD_FLAG, base)).stderr, /\x1b/);
  });

  const { dir: configured } = scratch();
  fs.mkdirSync(path.join(configured, 'config', 'configurations'), { recursive: true });
  fs.writeFileSync(path.join(configured, 'config', 'configurations', 'config_default'), '[core]\ndisable_color = true\n');
  for (const [label, env] of [
    ['NO_COLOR=1', { NO_COLOR: '1' }],
    ['TERM=dumb', { TERM: 'dumb' }],
    ['CLOUDSDK_CORE_DISABLE_COLOR=true', { CLOUDSDK_CORE_DISABLE_COLOR: 'true' }],
    ['core/disable_color in the configuration', { CLOUDSDK_CONFIG: path.join(configured, 'config') }],
  ] as const) {
    test(`on a terminal with ${label}: no colour`, async () => {
      const shown = (await onTerminal(cli(BAD_FLAG), { ...base, ...env })) + (await onTerminal(cli(WARNS), { ...base, ...env }));
      assert.match(shown, /^ERROR: \(gcloud/m);
      assert.match(shown, /^WARNING: --no-validate: sending/m);
      assert.doesNotMatch(shown, /\x1b\[/);
    });
  }

  test('the same bytes as gcloud on the same terminal', { skip: HAVE_GCLOUD ? false : 'gcloud is not installed' }, async () => {
    const theirs = await onTerminal(['gcloud', ...BAD_FLAG], base);
    const ours = await onTerminal(cli(BAD_FLAG), base);
    const errorLine = (s: string) => s.split('\r\n').find((l) => l.includes('ERROR:'));
    assert.equal(errorLine(ours), errorLine(theirs));
  });
});
