// Differential tests of the models, versions and operations commands: the real gcloud and gcloud-aip
// run the same command against the same emulator state (a fresh project each); exit code, ml API
// requests (method, path, query, body), stdout and stderr must match. Skipped — loudly — where
// gcloud is not installed.
import { describe } from 'node:test';
import { HELP_SEARCH_ADVICE } from '../../src/flags/suggest';
import type { RunningEmulator } from '../../src/emulator';
import { createModel, gcloudAvailable } from '../support/cli';
import { suiteEmulator, uploadIrisFixture } from '../support/emulator';
import { aiPlatformArgs, type DiffRun, normalizeRun, observeMl, seedVersions, testEachAgainstGcloud } from '../support/differential';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING models/versions/operations differential tests: `gcloud` is not on PATH ***\n\n');

interface Case {
  name: string;
  /** Arguments after `[track] ai-platform`; {PROJECT} and {OP} (v1's create operation) are filled in. */
  args: string[];
  env?: NodeJS.ProcessEnv;
}

const CASES: Case[] = [
  // models
  {
    name: 'models create: all GA flags',
    args: ['models', 'create', 'm2', '--regions', 'us-central1', '--enable-logging', '--labels', 'b=2,a=1', '--description', 'Modèle "2"'],
  },
  { name: 'models create: region property global (warning, us-central1)', args: ['models', 'create', 'm2'] },
  { name: 'models create: --region global', args: ['models', 'create', 'm2', '--region=global'] },
  {
    name: 'beta models create: console logging',
    args: ['beta', 'models', 'create', 'm2', '--enable-console-logging', '--regions=us-east1'],
  },
  { name: 'models create: console logging is not GA', args: ['models', 'create', 'm2', '--enable-console-logging'] },
  { name: 'models create: --region and --regions', args: ['models', 'create', 'm2', '--region', 'global', '--regions', 'us-east1'] },
  { name: 'models create: two regions refused by the service', args: ['models', 'create', 'm2', '--regions', 'us-east1,us-west1'] },
  { name: 'models create: already exists', args: ['models', 'create', 'm1'] },
  { name: 'models create: bad label', args: ['models', 'create', 'm2', '--labels', 'A=1'] },
  { name: 'models describe', args: ['models', 'describe', 'm1'] },
  { name: 'models describe: relative name', args: ['models', 'describe', 'projects/{PROJECT}/models/empty'] },
  { name: 'models describe: not found', args: ['models', 'describe', 'nope'] },
  { name: 'models list', args: ['models', 'list'] },
  { name: 'models list: --uri', args: ['models', 'list', '--uri'] },
  { name: 'models list: filter, json', args: ['models', 'list', '--filter=name:m1', '--format=json'] },
  { name: 'models list: sort and limit', args: ['models', 'list', '--sort-by=~name', '--limit=1'] },
  { name: 'models list: nothing matches', args: ['models', 'list', '--filter=name=zzz'] },
  { name: 'models list: bad filter', args: ['models', 'list', '--filter=name:a*b*c'] },
  { name: 'models delete', args: ['models', 'delete', 'empty', '--quiet'] },
  {
    name: 'models delete: prompt answered by end of input',
    args: ['models', 'delete', 'empty'],
    env: { CLOUDSDK_CORE_DISABLE_PROMPTS: '0' },
  },
  { name: 'models delete: model with versions', args: ['models', 'delete', 'm1', '--quiet'] },
  // versions
  { name: 'versions describe', args: ['versions', 'describe', 'v1', '--model', 'm1'] },
  {
    name: 'versions describe: relative name wins over --model',
    args: ['versions', 'describe', 'projects/{PROJECT}/models/m1/versions/v2', '--model', 'other'],
  },
  { name: 'versions describe: not found', args: ['versions', 'describe', 'nope', '--model', 'm1'] },
  { name: 'versions describe: no --model', args: ['versions', 'describe', 'v1'] },
  { name: 'versions list', args: ['versions', 'list', '--model', 'm1'] },
  { name: 'versions list: pages of one', args: ['versions', 'list', '--model', 'm1', '--page-size', '1'] },
  { name: 'versions list: --uri lists nothing', args: ['versions', 'list', '--model', 'm1', '--uri'] },
  {
    name: 'versions list: filter on the default',
    args: ['versions', 'list', '--model', 'm1', '--filter', 'isDefault:true', '--format', 'value(name)'],
  },
  { name: 'versions list: no such model', args: ['versions', 'list', '--model', 'nope'] },
  { name: 'versions set-default', args: ['versions', 'set-default', 'v2', '--model', 'm1'] },
  { name: 'alpha versions set-default', args: ['alpha', 'versions', 'set-default', 'v2', '--model', 'm1', '--format=value(isDefault)'] },
  { name: 'versions delete', args: ['versions', 'delete', 'v2', '--model', 'm1', '--quiet'] },
  {
    name: 'versions delete: prompt answered by end of input',
    args: ['versions', 'delete', 'v2', '--model', 'm1'],
    env: { CLOUDSDK_CORE_DISABLE_PROMPTS: '0' },
  },
  { name: 'versions delete: the default while others exist', args: ['versions', 'delete', 'v1', '--model', 'm1', '--quiet'] },
  // operations
  { name: 'operations list', args: ['operations', 'list'] },
  {
    name: 'operations list: filter, sort, value',
    args: ['operations', 'list', '--filter=metadata.operationType=CREATE_VERSION', '--sort-by=~name', '--format=value(name)'],
  },
  { name: 'operations list: global is not a region here', args: ['operations', 'list', '--region', 'global'] },
  { name: 'operations describe', args: ['operations', 'describe', '{OP}'] },
  { name: 'operations describe: not found', args: ['operations', 'describe', 'nope'] },
  { name: 'operations wait: done', args: ['operations', 'wait', '{OP}'] },
  { name: 'operations wait: printed', args: ['operations', 'wait', 'projects/{PROJECT}/operations/{OP}', '--format=json'] },
  { name: 'beta operations cancel: already done', args: ['beta', 'operations', 'cancel', '{OP}'] },
];

/** What differs between runs made alike; and, deliberately, gcloud-aip points at what it has instead of gcloud's help search. */
function normalize(text: string, run: DiffRun): string {
  return normalizeRun(text, run).replace(
    'To search the help text of gcloud commands, run:\n  gcloud help -- SEARCH_TERMS',
    HELP_SEARCH_ADVICE,
  );
}

/** Models m1 (versions v1 — the default — and v2, both READY) and empty; returns v1's create operation id. */
async function seed(emulator: RunningEmulator, project: string): Promise<string> {
  await createModel(emulator.port, project, 'm1');
  await createModel(emulator.port, project, 'empty');
  return seedVersions(emulator, project);
}

describe('gcloud vs gcloud-aip: models, versions, operations', { skip: HAVE_GCLOUD ? false : 'gcloud is not installed' }, () => {
  const suite = suiteEmulator({ port: 0, operationDelayMs: 0, buckets: ['fixture'] }, uploadIrisFixture);
  testEachAgainstGcloud(CASES, suite, (c, emulator) => ({
    prepare: async (run) => {
      const op = await seed(emulator, run.project);
      const args = c.args.map((a) => a.replace('{PROJECT}', run.project).replace('{OP}', op));
      return aiPlatformArgs(args);
    },
    observe: (run, result) => observeMl(emulator, result, (text) => normalize(text, run)),
  }));
});
