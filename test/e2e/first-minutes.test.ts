// Finding one's way as a new user does: the bare command, --help, -h and --version, group help,
// mistyped command words (the right word blamed, the right commands suggested), and advice that
// names what gcloud-aip has instead of gcloud commands it lacks. The error lines are gcloud's
// (compared with the real gcloud where installed).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { gcloudAvailable, ROOT, runCli, runCommand, scratch } from '../support/cli';

const HAVE_GCLOUD = gcloudAvailable();
/** Whether a program is on PATH. */
function runCommandSync(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const env = scratch().env;

describe("finding one's way", () => {
  test("bare gcloud-aip: gcloud's error line, then the groups with their summaries (exit 2)", async () => {
    const r = await runCli([], env);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ERROR: \(gcloud\) Command name argument expected\.\n\nAvailable groups for gcloud-aip:\n\n/);
    for (const [group, summary] of [
      ['ai-platform', 'Manage AI Platform jobs and models.'],
      ['alpha', 'Alpha'],
      ['beta', 'Beta'],
      ['emulators', 'Set up'],
      ['mlflow', 'Record'],
    ]) {
      assert.match(r.stderr, new RegExp(`^ {6}${group} +${summary}`, 'm'));
    }
    assert.match(r.stderr, /run:\n {2}gcloud-aip --help\n$/);
  });

  test('--help: the top-level page with its groups; -h: the usage line', async () => {
    const help = await runCli(['--help'], env);
    assert.equal(help.code, 0, help.stderr);
    assert.deepEqual(
      help.stdout.split('\n').filter((l) => /^[A-Z][A-Z ]+$/.test(l)),
      ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'GCLOUD WIDE FLAGS', 'GROUPS'],
    );
    assert.match(help.stdout, /^ {5}ai-platform\n {8}Manage AI Platform jobs and models\.$/m);
    const usage = await runCli(['-h'], env);
    assert.equal(usage.code, 0);
    assert.equal(
      usage.stdout,
      'Usage: gcloud-aip [optional flags] <group | command>\n  group may be           ai-platform | alpha | beta | emulators | mlflow\n\nFor detailed information on this command and its flags, run:\n  gcloud-aip --help\n',
    );
  });

  test("--version: gcloud-aip's (from package.json), Node's, and the gcloud it mirrors", async () => {
    const r = await runCli(['--version'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `gcloud-aip ${version}\nNode.js ${process.version}\nmirrors Google Cloud SDK 528.0.0\n`);
  });

  test('group help as gcloud lays it out: ai-platform, a nested group, a track', async () => {
    const r = await runCli(['ai-platform', '--help'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^NAME\n {4}gcloud-aip ai-platform - manage AI Platform jobs and models\n\nSYNOPSIS\n {4}gcloud-aip ai-platform GROUP \| COMMAND \[GCLOUD_WIDE_FLAG \.\.\.\]\n/,
    );
    assert.match(
      r.stdout,
      /^GROUPS\n {4}GROUP is one of the following:\n\n {5}models\n {8}AI Platform Models commands\.\n\n {5}operations\n {8}Manage AI Platform operations\.\n\n {5}versions\n {8}AI Platform Versions commands\.$/m,
    );
    const versions = await runCli(['beta', 'ai-platform', 'versions', '--help'], env);
    assert.match(
      versions.stdout,
      /^COMMANDS\n {4}COMMAND is one of the following:\n\n {5}create\n {8}Create a new AI Platform version\.$/m,
    );
    assert.match(versions.stdout, /^ {4}\(BETA\) AI Platform Versions commands\.$/m);
    const group = await runCli(['ai-platform', 'models'], env);
    assert.equal(group.code, 2);
    assert.match(
      group.stderr,
      /^ERROR: \(gcloud\.ai-platform\.models\) Command name argument expected\.\n\nAvailable commands for gcloud-aip ai-platform models:\n\n {6}create +Create a new AI Platform model\.$/m,
    );
  });

  test('a mistyped command word is the one blamed, with the commands it may have meant', async () => {
    // Without a Cloud SDK to take gcloud's command tree from, gcloud-aip suggests its own commands
    // (gcloud's scoring: a beta command loses to its GA twin).
    const noSdk = { ...env, CLOUDSDK_ROOT_DIR: path.join(env.HOME ?? '', 'no-sdk') };
    const group = await runCli(['ai-platfrom', 'versions', 'create', 'v1'], noSdk);
    assert.equal(group.code, 2);
    assert.match(
      group.stderr,
      /^ERROR: \(gcloud\) Invalid choice: 'ai-platfrom'\.\nMaybe you meant:\n {2}gcloud-aip ai-platform versions create\n/,
    );
    const leaf = await runCli(['beta', 'ai-platform', 'versions', 'craete', 'v1', '--model=m'], noSdk);
    assert.equal(leaf.code, 2);
    assert.match(
      leaf.stderr,
      /^ERROR: \(gcloud\.beta\.ai-platform\.versions\) Invalid choice: 'craete'\.\nMaybe you meant:\n {2}gcloud-aip ai-platform versions create\n/,
    );
    const nothingClose = await runCli(['xyzzy'], noSdk);
    assert.match(
      nothingClose.stderr,
      /^ERROR: \(gcloud\) Invalid choice: 'xyzzy'\.\nUsage: gcloud-aip \[optional flags\] <group \| command>\n/,
    );
  });

  test('advice names what gcloud-aip has, not gcloud commands it lacks', async () => {
    const flag = await runCli(['ai-platform', 'versions', 'create', 'v1', '--model=m', '--bogus'], env);
    assert.equal(flag.code, 2);
    assert.doesNotMatch(flag.stderr, /gcloud help --/);
    assert.match(flag.stderr, /gcloud-aip has no `gcloud help` search; to list its commands and groups, run:\n {2}gcloud-aip --help\n$/);
    const format = await runCli(['ai-platform', 'models', 'list', '--format=bogus'], env);
    assert.doesNotMatch(format.stderr, /\$ gcloud topic formats/);
    assert.match(format.stderr, /gcloud-aip has no `gcloud topic`/);
  });

  test('help, help COMMAND, help GROUP, and a search over the commands', async () => {
    const top = await runCli(['help'], env);
    assert.equal(top.code, 0, top.stderr);
    assert.equal(top.stdout, (await runCli(['--help'], env)).stdout);
    const command = await runCli(['help', 'beta', 'ai-platform', 'versions', 'create'], env);
    assert.equal(command.stdout, (await runCli(['beta', 'ai-platform', 'versions', 'create', '--help'], env)).stdout);
    const group = await runCli(['help', 'ai-platform', 'models'], env);
    assert.equal(group.stdout, (await runCli(['ai-platform', 'models', '--help'], env)).stdout);
    const search = await runCli(['help', 'staging', 'bucket'], env);
    assert.equal(search.code, 0);
    assert.equal(
      search.stdout,
      'Commands of gcloud-aip matching [staging bucket]:\n\n  gcloud-aip ai-platform versions create\n      create a new AI Platform version\n',
    );
    const none = await runCli(['help', 'frobnicate'], env);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /^ERROR: \(gcloud\.help\) No command of gcloud-aip matches \[frobnicate\]\. gcloud-aip covers AI Platform deploys/,
    );
  });

  test('a gcloud group gcloud-aip leaves to gcloud says so, and what to run instead', async () => {
    for (const [args, word, what, instead] of [
      [['ai-platform', 'jobs', 'submit', 'training', 'j1'], 'jobs', 'training and batch prediction jobs', 'gcloud ai-platform jobs'],
      [['beta', 'ai-platform', 'predict', '--model=m'], 'predict', 'online prediction', 'gcloud beta ai-platform predict'],
      [['ai', 'models', 'list'], 'ai', 'Vertex AI', 'gcloud ai'],
    ] as const) {
      const r = await runCli([...args], env);
      assert.equal(r.code, 2, args.join(' '));
      // gcloud's first line (gcloud itself has these commands: the line is about gcloud-aip).
      assert.equal(r.stderr.split('\n')[0].replace(/^ERROR: \([^)]*\) /, ''), `Invalid choice: '${word}'.`);
      assert.ok(
        r.stderr.includes(
          `gcloud-aip covers AI Platform deploys (ai-platform models, versions and operations); for ${what}, use the real gcloud:\n  ${instead} …\n`,
        ),
        r.stderr,
      );
    }
  });

  test("completion bash: the registry's words, a command's flags, after the words typed so far", async () => {
    const script = await runCli(['completion', 'bash'], env);
    assert.equal(script.code, 0, script.stderr);
    const file = path.join(fs.mkdtempSync(path.join(env.HOME ?? '/tmp', 'completion-')), 'gcloud-aip.bash');
    fs.writeFileSync(file, script.stdout);
    const complete = async (...words: string[]) => {
      const line = `source ${file}; COMP_WORDS=(gcloud-aip ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _gcloud_aip; echo "\${COMPREPLY[*]}"`;
      return (await runCommand('bash', ['-c', line], env)).stdout.trim();
    };
    assert.equal(await complete(''), 'help completion ai-platform beta alpha emulators mlflow');
    assert.equal(await complete('ai-platform', 'versions', 'cr'), 'create');
    assert.equal(await complete('beta', 'ai-platform', 'versions', 'create', 'v1', '--model', 'iris', '--ima'), '--image');
    assert.equal(await complete('ai-platform', 'versions', 'create', 'v1', '--ima'), '', 'no --image on the GA track');
    assert.equal(await complete('emulators', 'ai-platform', ''), 'start env-init compact');
    const bad = await runCli(['completion', 'fish'], env);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /^ERROR: \(gcloud\.completion\) argument SHELL: Invalid choice: 'fish'\.\n\nValid choices are \[bash, zsh\]\.\n/,
    );
  });

  const HAVE_ZSH = runCommandSync('zsh');
  test('completion zsh', { skip: HAVE_ZSH ? false : 'zsh is not installed' }, async () => {
    const script = await runCli(['completion', 'zsh'], env);
    const file = path.join(fs.mkdtempSync(path.join(env.HOME ?? '/tmp', 'completion-')), '_gcloud-aip');
    fs.writeFileSync(file, script.stdout);
    // compadd is stubbed: it prints what would be offered.
    const line = `compadd() { shift; print -r -- "$*"; }; source ${file}; words=(gcloud-aip ai-platform versions ''); CURRENT=4; _gcloud_aip`;
    assert.equal((await runCommand('zsh', ['-c', line], env)).stdout.trim(), 'create delete describe list set-default');
  });

  test("the error lines are gcloud's", { skip: HAVE_GCLOUD ? false : 'gcloud is not installed' }, async () => {
    for (const args of [[], ['ai-platform', 'versions', 'craete', 'v1'], ['ai-platfrom', 'versions', 'create', 'v1']]) {
      const ours = await runCli(args, env);
      const theirs = await runCommand('gcloud', args, { ...env, CLOUDSDK_CORE_DISABLE_COLOR: 'true' });
      assert.equal(ours.code, theirs.code, args.join(' '));
      assert.equal(ours.stderr.split('\n')[0], theirs.stderr.split('\n')[0], args.join(' '));
    }
  });
});
