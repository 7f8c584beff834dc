// Differential tests of the fidelity classes of issue 14: choice spellings, ArgList/ArgDict
// duplicates, list paging against --limit, empty results per format, transforms, the order of
// early errors, and bytes fields (etags) as gcloud decodes and prints them. The real gcloud and gcloud-aip run the same command against the same emulator state
// (a fresh project each); exit code, ml API requests, stdout and stderr must match. Skipped — loudly
// — where gcloud is not installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FORMATS_ADVICE, SERVER_DATA_CRASH_ADVICE, TRANSFORM_CRASH_ADVICE } from '../../src/flags/suggest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, emulatorEnv, gcloudAvailable, regionalEmulatorEnv, runCommand, scratch } from '../support/cli';
import { runProject } from '../support/differential';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING fidelity differential tests: `gcloud` is not on PATH ***\n\n');

interface Case {
  /** Arguments after `gcloud`; {PROJECT} is filled in. */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Files written into the scratch directory (the working directory) first. */
  files?: Record<string, string>;
  /** Models to create (m1 gets versions v1, the default, and v2). */
  models?: string[];
  /** Send to this region's endpoint (N1 machine types and custom containers need one). */
  region?: string;
  /** Run against an emulator that answers lists one item per page. */
  smallPages?: boolean;
  /** Start a version create (v3 of m1) that stays running; {OP} is its operation's id. */
  pending?: boolean;
  /**
   * The etags the emulator gives the models and versions made for the run, in order (m1, m2, m3,
   * v1, v2, then the command's own; `AAAAAAAAAAA=` after the last); compared as they are, not masked.
   */
  etags?: string[];
}

const VC = ['ai-platform', 'versions', 'create', 'v9', '--model', 'm1', '--origin', 'gs://fixture/iris/'];
const VC_BETA = ['beta', ...VC];
/** A custom container as the service takes one: an N1 machine and an image of the region (us-central1). */
const CONTAINER = ['--image=us-central1-docker.pkg.dev/p/r/i', '--machine-type=n1-standard-2'];

/** m1, m2, m3, v1, v2, the version a command creates: `+`, `/`, padding, none needed, a non-canonical last character. */
const BYTES_ETAGS = ['H+QY+5lJgp0=', 'ab/c+d==', '//++', 'abcd', 'H+QY+5lJgp1=', 'x/y+'];

export const CASES: Record<string, Case[]> = {
  choices: [
    { args: [...VC, '--framework', 'SCIKIT_LEARN', '--format=value(framework)'] },
    { args: [...VC, '--framework', 'TensorFlow', '--format=value(framework)'] },
    { args: [...VC, '--framework=xg_boost'] },
    { args: [...VC, '--framework='] },
    { args: [...VC_BETA, '--explanation-method', 'INTEGRATED_GRADIENTS', '--format=json(explanationConfig)'] },
    { args: [...VC_BETA, '--explanation-method', 'Sampled_Shapley', '--num-paths=3', '--format=json(explanationConfig)'] },
    { args: [...VC, '--region', 'US-CENTRAL1'] },
    { args: [...VC, '--region', 'us_central1'] },
    { args: ['alpha', 'ai-platform', 'operations', 'list', '--region='] },
    { args: ['ai-platform', 'models', 'list', '--verbosity', 'DEBUG'] },
    { args: [...VC, '--accelerator', 'type=NVIDIA_TESLA_T4'] },
    {
      args: [...VC, '--accelerator', 'type=nvidia-tesla-t4', '--machine-type=n1-standard-4', '--format=json(acceleratorConfig)'],
      region: 'us-central1',
    },
    { args: [...VC, '--metric-targets', 'CPU_USAGE=5'] },
    { args: [...VC, '--python-version', '3.7', '--format=value(pythonVersion)'] },
    { args: [...VC, '--machine-type', 'N1-Standard-4', '--format=value(machineType)'] },
  ],
  duplicates: [
    { args: [...VC_BETA, ...CONTAINER, '--ports', '8080,8080'], region: 'us-central1' },
    { args: [...VC_BETA, ...CONTAINER, '--ports', '8080', '--ports=08080'], region: 'us-central1' },
    { args: [...VC_BETA, ...CONTAINER, '--env-vars', 'K=1', '--env-vars', 'K=2'], region: 'us-central1' },
    { args: [...VC_BETA, ...CONTAINER, '--env-vars', 'K=1,K=2', '--format=json(container)'], region: 'us-central1' },
    { args: [...VC_BETA, ...CONTAINER, '--command', 'a,a'], region: 'us-central1' },
    { args: [...VC_BETA, ...CONTAINER, '--args', 'x', '--args', 'y,x'], region: 'us-central1' },
    { args: [...VC, '--labels', 'a=1', '--labels', 'a=1'] },
    { args: [...VC, '--labels', 'a=1', '--labels', 'b=2', '--format=json(labels)'] },
    { args: [...VC, '--metric-targets', 'cpu-usage=5', '--metric-targets', 'cpu-usage=05'] },
    { args: ['alpha', ...VC, '--package-uris', 'gs://a/1,gs://a/1', '--format=json(packageUris)'] },
    { args: ['ai-platform', 'models', 'create', 'm9', '--regions', 'us-east1', '--regions='] },
    { args: ['ai-platform', 'models', 'list', '--format=json', '--flatten=regions', '--flatten=name'] },
    { args: ['ai-platform', 'models', 'list', '--sort-by=name,name', '--sort-by=~name'] },
  ],
  'empty results': [
    // operations cancel without --format: its default (none) prints nothing.
    { pending: true, args: ['ai-platform', 'operations', 'cancel', '{OP}'] },
    ...(['json', 'yaml', 'value', 'table', 'none', 'get', 'default', 'value(name)', 'table(name)', 'csv(name)'] as const).flatMap(
      (format) => [
        { args: ['ai-platform', 'models', 'create', 'm9', '--regions=us-east1', `--format=${format}`] },
        { args: ['ai-platform', 'models', 'delete', 'm3', `--format=${format}`] },
        { args: ['ai-platform', 'versions', 'delete', 'v2', '--model=m1', `--format=${format}`] },
        { args: ['ai-platform', 'models', 'list', '--filter=name:zzz', `--format=${format}`] },
        { args: ['ai-platform', 'versions', 'list', '--model=m2', `--format=${format}`] },
        { pending: true, args: ['ai-platform', 'operations', 'cancel', '{OP}', `--format=${format}`] },
      ],
    ),
  ],
  'early errors': [
    { args: ['ai-platform', 'models', 'list', '--format=value(name.nosuch())'] },
    { args: ['ai-platform', 'operations', 'list', '--format=table(name.nosuch())'] },
    { args: ['ai-platform', 'versions', 'list', '--model=m1', '--format=value(name.nosuch())'] },
    { args: ['ai-platform', 'models', 'list', '--format=bogus', '--filter=a:('] },
    { args: ['ai-platform', 'models', 'list', '--format=value'] },
    { args: ['ai-platform', 'models', 'describe', 'm1', '--format=value'] },
    { args: ['ai-platform', 'models', 'describe', 'nope', '--format=value(name.nosuch())'] },
    { args: ['ai-platform', 'models', 'create', 'm9', '--regions=us-east1', '--format=bogus'] },
    { args: ['ai-platform', 'models', 'list', '--no-user-output-enabled', '--format=value(name.nosuch())'] },
    { args: [...VC, '--format=value(name.nosuch())'] },
    { args: VC, env: { CLOUDSDK_CORE_PROJECT: '' } },
    { args: ['ai-platform', 'models', 'list'], env: { CLOUDSDK_CORE_PROJECT: '' } },
    { args: ['ai-platform', 'operations', 'list'], env: { CLOUDSDK_CORE_PROJECT: 'a_b' } },
    { args: ['ai-platform', 'models', 'describe', 'm1'], env: { CLOUDSDK_CORE_PROJECT: 'My Project' } },
    { args: ['ai-platform', 'models', 'describe', 'm1'], env: { CLOUDSDK_CORE_PROJECT: '12345' } },
    { args: [...VC, '--project=My Project'] },
    { args: [...VC, '--project=123'] },
    { args: [...VC, '--project='] },
    { args: [...VC, '--access-token-file=nope.txt'] },
    { args: [...VC, '--access-token-file=.'] },
    { args: [...VC, '--flags-file=.'] },
    { args: [...VC, '--config=nope.yaml'] },
  ],
  transforms: [
    { args: ['ai-platform', 'versions', 'list', '--model=m1', '--format=table(name.basename(), createTime.date("%Y/%m/%d"))'] },
    { args: ['ai-platform', 'versions', 'list', '--model=m1', '--format=value(createTime.date("%Y %Z %z %Ez", tz=America/New_York))'] },
    { args: ['ai-platform', 'versions', 'list', '--model=m1', '--format=value(createTime.date(format="%Oz %Z %j", tz=Asia/Kolkata))'] },
    { args: ['ai-platform', 'versions', 'list', '--model=m1', '--format=value(name.date(undefined=none), state.date())'] },
    {
      args: [
        'ai-platform',
        'models',
        'describe',
        'm1',
        '--format=value(defaultVersion.createTime.date("%G-W%V", tz_default=Europe/Paris))',
      ],
    },
    { args: ['ai-platform', 'models', 'list', '--format=value(name.basename().nosuch())'] },
    { args: ['ai-platform', 'models', 'describe', 'm1', '--format=value(name.nosuch())'] },
    // The rest of gcloud's table (resource_transform.py GetTransforms), on the ml resources.
    {
      args: [
        'ai-platform',
        'models',
        'list',
        '--format=value(name.basename(), name.len().duration(), name.len().size(units_in=K), regions.list().scope())',
      ],
    },
    {
      args: ['ai-platform', 'models', 'list', '--format=table(name.scope(models), uri(), format("{0}@{1}", name.basename(), regions[0]))'],
    },
    { args: ['ai-platform', 'models', 'list', '--format=json(name.uri(undefined=none), name.format("<{:>30}>"))'] },
    {
      args: [
        'ai-platform',
        'models',
        'list',
        '--format=value(name.size(), name.iso(), name.duration(undefined=no), name.enum(states, undefined=E))',
      ],
    },
    { args: ['ai-platform', 'models', 'list', '--format=value(name.basename(a,b,c))'] },
    { args: ['ai-platform', 'models', 'list', '--format=value(name.basename(foo=1))'] },
    { args: ['ai-platform', 'models', 'list', '--format=value(name.sub(a))'] },
    { args: ['ai-platform', 'models', 'list', '--format=value(format("{1}", name))'] },
    { args: ['ai-platform', 'models', 'list', '--format=value(name.resolution())'] },
    // Transforms in --filter keys: all of gcloud's table; an unknown one is refused as such.
    { args: ['ai-platform', 'models', 'list', '--filter=name.format("{}x"):m1', '--format=value(name)'] },
    { args: ['ai-platform', 'models', 'list', '--filter=name.nosuch():x'] },
    { args: ['ai-platform', 'models', 'list', '--filter=uri():m2', '--format=value(name)'] },
    // A record that fails after others were printed: gcloud's printer finishes what it has first.
    { args: ['ai-platform', 'models', 'list', '--sort-by=~name', '--format=table(name.basename(), defaultVersion.name.segment(x))'] },
    { args: ['ai-platform', 'models', 'list', '--sort-by=~name', '--format=json(name.basename(), defaultVersion.name.error())'] },
    { args: ['ai-platform', 'models', 'list', '--limit=1', '--format=value(name.basename(), regions.if(limit), name.if(NOT limit))'] },
    { args: ['ai-platform', 'models', 'describe', 'm1', '--format=value(name.error())'] },
    { args: ['ai-platform', 'models', 'describe', 'm1', '--format=value(name.error("stop: {x}"))'] },
    { args: ['ai-platform', 'models', 'describe', 'm1', '--format=value(name.fatal())'] },
    {
      args: [
        'ai-platform',
        'models',
        'describe',
        'm1',
        '--format=value(synthesize((kind:model, name=name), (kind:default, v=defaultVersion.name, defaultVersion.nosuch)))',
      ],
    },
    {
      args: [
        'ai-platform',
        'models',
        'describe',
        'm1',
        '--format=value(defaultVersion.name.scope(models), defaultVersion.deploymentUri.regex("^gs://", does_match=gcs), defaultVersion.state.sub("(RE)(A)", "\\2\\1"))',
      ],
    },
    {
      args: [
        'ai-platform',
        'versions',
        'list',
        '--model=m1',
        '--format=table(name.basename(), deploymentUri.encode(base64), deploymentUri.encode(base64).decode(base64), state.color(green=READY), isDefault.filter("true"))',
      ],
    },
    {
      args: [
        'ai-platform',
        'versions',
        'list',
        '--model=m1',
        '--format=value(format("{0}:{1:>8}", name.basename(), state), duration(start=createTime, end=createTime))',
      ],
    },
    {
      args: [
        'ai-platform',
        'versions',
        'describe',
        'v1',
        '--model=m1',
        '--format=json(name.basename().format("<{}>"), deploymentUri.scope(fixture), createTime.date("%Y").size())',
      ],
    },
    {
      args: [
        'ai-platform',
        'versions',
        'describe',
        'v1',
        '--model=m1',
        '--format=yaml(name.regex(v2, nomatch=other), state.resolution(undefined=none))',
      ],
    },
    {
      args: [
        'ai-platform',
        'operations',
        'list',
        '--format=value(name.basename().split(-).slice(0).join(), metadata.operationType.lower(), metadata.modelName.scope(projects))',
      ],
    },
    {
      args: [
        'ai-platform',
        'operations',
        'list',
        '--format=value(metadata.version.name.basename(), duration(start=metadata.createTime, end=metadata.createTime, parts=1))',
      ],
    },
    {
      pending: true,
      args: [
        'ai-platform',
        'operations',
        'describe',
        '{OP}',
        '--format=value(done.yesno(no=running), metadata.operationType.enum(ops), name.basename().len().size())',
      ],
    },
  ],
  // gcloud decodes Model and Version etags (bytes fields) and prints them re-encoded URL-safe; an
  // Operation's response and metadata print as sent; an etag Python cannot decode crashes gcloud.
  bytes: [
    ...(['json', 'yaml', 'value(etag)', 'default'] as const).flatMap((format) =>
      [
        ['models', 'describe', 'm1'],
        ['models', 'list'],
        ['versions', 'describe', 'v1', '--model=m1'],
        ['versions', 'describe', 'v2', '--model=m1'],
        ['versions', 'list', '--model=m1'],
      ].map((command) => ({
        etags: BYTES_ETAGS,
        args: ['ai-platform', ...command, ...(format === 'default' ? [] : [`--format=${format}`])],
      })),
    ),
    { etags: BYTES_ETAGS, args: ['ai-platform', 'models', 'list', '--format=table(name.basename(), etag, defaultVersion.etag)'] },
    { etags: BYTES_ETAGS, args: ['ai-platform', 'versions', 'set-default', 'v2', '--model=m1', '--format=value(etag)'] },
    { etags: BYTES_ETAGS, args: ['ai-platform', 'operations', 'list', '--format=value(metadata.version.etag, response.etag)'] },
    { etags: BYTES_ETAGS, args: ['ai-platform', 'operations', 'list', '--format=json(response)'] },
    { etags: BYTES_ETAGS, args: [...VC, '--format=value(etag)'] },
    { etags: ['abcde'], args: ['ai-platform', 'models', 'describe', 'm1'] },
    // models create prints nothing, but gcloud decodes the Model it is answered with all the same.
    { etags: ['AAAA', 'AAAA', 'AAAA', 'AAAA', 'AAAA', 'abc'], args: ['ai-platform', 'models', 'create', 'm9', '--regions=us-east1'] },
    { etags: ['AAAAAAAAAAA=', 'abc'], args: ['ai-platform', 'models', 'list', '--format=value(etag)'] },
    { etags: ['AAAA', 'AAAA', 'AAAA', 'ab!c'], args: ['ai-platform', 'versions', 'describe', 'v1', '--model=m1'] },
    { etags: ['AAAA', 'AAAA', 'AAAA', 'AAAA', 'a==='], args: ['ai-platform', 'versions', 'list', '--model=m1'] },
    { etags: ['AAAA', 'AAAA', 'AAAA', 'ab/é'], args: ['ai-platform', 'models', 'describe', 'm1', '--format=value(etag)'] },
    // A page that fails to decode ends the list: gcloud prints the records it had first (unless sorting).
    ...[
      ['--format=value(etag)'],
      ['--format=json'],
      ['--format=yaml'],
      ['--format=table(name.basename(), etag)'],
      [],
      ['--format=value(etag)', '--sort-by=name'],
      ['--format=value(etag)', '--filter=name:m3'],
    ].map((flags) => ({ smallPages: true, etags: ['H+QY+5lJgp0=', 'ab/c+d==', 'abc'], args: ['ai-platform', 'models', 'list', ...flags] })),
    { smallPages: true, etags: ['abc'], args: ['ai-platform', 'models', 'list', '--format=json'] },
  ],
  // Issue 27: bytes through the transform chain (decode() gives bytes, passed on as bytes).
  'bytes chain': [
    ...[
      'value(defaultVersion.deploymentUri.encode(base64).decode(base64).encode(base64))',
      'value(etag.decode(base64).len(), etag.decode(base64).slice(1:3), etag.decode(base64).join(-))',
      'value(etag.decode(base64).decode(utf-8), etag.decode(base64).decode(latin-1), etag.decode(base64).encode(ascii))',
      'value(name.encode(base64).decode(base64).sub(p, X))',
      'value(etag.decode(base64).trailoff(4))',
      'value(etag.decode(base64).count(), etag.decode(base64).format("{0[0]}"))',
      'json(etag.decode(base64))',
      'value(etag.decode(base64).date())',
      'table(name.basename(), etag.decode(base64), etag.decode(base64).encode(base64))',
    ].map((format) => ({ etags: BYTES_ETAGS, args: ['ai-platform', 'models', 'describe', 'm1', `--format=${format}`] })),
    {
      etags: BYTES_ETAGS,
      args: ['ai-platform', 'models', 'list', '--format=value(etag.decode(base64).encode(base64), etag.decode(base64).slice(0))'],
    },
  ],
  // Issue 27: nested :format= table columns (synthesize() with its own value() format too).
  'nested formats': [
    'table(name.basename(), regions:format="value(.)")',
    'table(name.basename(), defaultVersion:format="table(name.basename(), state)", regions.len())',
    'table[box](name.basename(), synthesize((k:a, v=name), (k:b, v=regions)):format="value(k, v)")',
    'table(regions:format="value(.)", name:format=json)',
    'table(name.basename():sort=1:reverse, regions:format="table[no-heading](.)":label=X, regions.len())',
    'table[all-box](name.basename(), regions:format="value(.)":hidden, etag)',
    'table[box,title=Models](name.basename(), defaultVersion:format="yaml(name, state)")',
  ].flatMap((format) => [
    { args: ['ai-platform', 'models', 'list', `--format=${format}`] },
    { args: ['ai-platform', 'models', 'list', '--sort-by=~name', `--format=${format}`] },
  ]),
  // Issue 27: every printer gcloud registers, on describe and list outputs of all three tracks.
  printers: [
    'config',
    'config[export]',
    'config[unset]',
    'config[title=T](name, labels)',
    'object',
    'object[separator=---,terminator=END]',
    'diff(name, defaultVersion.name)',
    'diff[format=json](name, defaultVersion)',
    'multi(name:format=value(.), regions:format="table(.)")',
    'multi[separator="--\n",terminator=END](name:format="value(.)", defaultVersion:format=json)',
    'multi(name, regions:format=json)',
    'flattened[no-pad,separator=" = "]',
    'text(name, etag)',
    'list(name, regions)',
    'get(name)',
    'none',
    'disable',
    'json[disable]',
  ].flatMap((format) =>
    [
      ['ai-platform', 'models', 'describe', 'm1'],
      ['ai-platform', 'models', 'list'],
      ['beta', 'ai-platform', 'versions', 'list', '--model=m1'],
      ['alpha', 'ai-platform', 'operations', 'list'],
      ['ai-platform', 'versions', 'describe', 'v1', '--model=m1'],
    ].map((command) => ({ etags: BYTES_ETAGS, args: [...command, `--format=${format}`] })),
  ),
  // Issue 27: --sort-by keys resolved on the API message (a map key, a message, bytes, an unset field).
  'sort keys': [
    ...['labels.env,~name', '~labels.env', 'etag', '~defaultVersion', 'nosuch,~name', '~regions[0],~name', 'defaultVersion.name,~name'].map(
      (sort) => ({ etags: BYTES_ETAGS, args: ['ai-platform', 'models', 'list', `--sort-by=${sort}`, '--format=value(name.basename())'] }),
    ),
    // createTime is not used as a key here: each side seeds its own versions, milliseconds apart in either order.
    ...['labels.env,~name', '~etag', 'packageUris,~name', '~state,name', 'labels'].map((sort) => ({
      etags: BYTES_ETAGS,
      args: ['ai-platform', 'versions', 'list', '--model=m1', `--sort-by=${sort}`, '--format=value(name.basename())'],
    })),
    ...['~metadata.version.name', 'metadata.operationType,~name', '~done,~name'].map((sort) => ({
      args: ['ai-platform', 'operations', 'list', `--sort-by=${sort}`, '--format=value(name.basename())'],
    })),
    { args: ['ai-platform', 'models', 'list', '--sort-by=~regions', '--flatten=regions', '--format=value(name.basename())'] },
  ],
  // Issue 27: gcloud's "Maybe you meant" after an invalid command or value.
  suggestions: [
    { args: ['ai-platform', 'versions', 'lst', '--model=m1'] },
    { args: ['ai-platform', 'modls', 'list'] },
    { args: ['ai-platform', 'operations', 'describ', 'x'] },
    { args: ['beta', 'ai-platform', 'versions', 'creat', 'v1'] },
    { args: ['ai-platform', 'xyzzy'] },
    { args: [...VC, '--framework=tensorflw'] },
    { args: ['ai-platform', 'models', 'list', '--region=us-centrl1'] },
    { args: ['alpha', 'ai-platform', 'operations', 'list', '--region=us-centrl1'] },
  ],
  // Issue 27: a configuration with an empty `project =`, before `Using endpoint`, for every command.
  'empty project': [
    ['models', 'list'],
    ['models', 'describe', 'm1'],
    ['models', 'create', 'm9'],
    ['models', 'delete', 'm3'],
    ['versions', 'list', '--model=m1'],
    ['versions', 'describe', 'v1', '--model=m1'],
    ['versions', 'create', 'v9', '--model=m1', '--origin=gs://fixture/iris/'],
    ['versions', 'delete', 'v2', '--model=m1'],
    ['versions', 'set-default', 'v2', '--model=m1'],
    ['operations', 'list'],
    ['operations', 'describe', 'x'],
    ['operations', 'wait', 'x'],
    ['operations', 'cancel', 'x'],
  ].map((command) => ({
    files: { 'config/configurations/config_default': '[core]\nproject =\n', 'config/active_config': 'default' },
    env: { CLOUDSDK_CORE_PROJECT: undefined },
    args: ['ai-platform', ...command],
  })),
  paging: [
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit', '1'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit=2', '--format=value(name)'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit=3'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit=1', '--sort-by=~name'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit=1', '--filter=name:m2'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit=1', '--filter=nokey:x'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--filter=nokey:x'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit=1', '--filter=name~m OR nokey:x'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--page-size=2', '--limit=2'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit=1', '--uri'] },
    { smallPages: true, args: ['ai-platform', 'models', 'list', '--limit=2', '--flatten=regions', '--format=value(name)'] },
    { smallPages: true, args: ['ai-platform', 'versions', 'list', '--model=m1', '--limit=1'] },
    { smallPages: true, args: ['ai-platform', 'operations', 'list', '--limit=1', '--format=value(name)'] },
    { smallPages: true, args: ['ai-platform', 'operations', 'list', '--limit=1', '--sort-by=name', '--format=value(name)'] },
  ],
};

/** Made-up ids, times and etags (unless the case chose them) differ between runs; progress dots depend on timing. */
function normalize(text: string, project: string, dir: string, keepEtags: boolean): string {
  const masked = text
    .split(dir)
    .join('<DIR>')
    .split(project)
    .join('<PROJECT>')
    .replace(/-\d{13}\b/g, '-<TIME>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<TIMESTAMP>');
  return (
    (keepEtags ? masked : masked.replace(/etag: \S+|"etag": "[^"]*"/g, '<ETAG>'))
      .replace(/\.{2,}\n?\.*done\./g, '...done.')
      .replace(/\.{2,}/g, '...')
      // gcloud-aip's own flags (--dry-run, --mlflow-*) are in its usage block; gcloud's is compared
      // by the help tests.
      .replace(/\nUsage: [\s\S]*?\n {2}gcloud [^\n]*--help\n/g, '\n<USAGE>\n')
      // Advice that points at gcloud commands gcloud-aip lacks names what works instead (deliberately).
      .split(FORMATS_ADVICE)
      .join(GCLOUD_FORMATS_ADVICE)
      .split(TRANSFORM_CRASH_ADVICE)
      .join(GCLOUD_CRASH_ADVICE)
      .split(SERVER_DATA_CRASH_ADVICE)
      .join(GCLOUD_CRASH_ADVICE)
  );
}

const GCLOUD_FORMATS_ADVICE = 'For information on output formats:\n  $ gcloud topic formats\n';
const GCLOUD_CRASH_ADVICE =
  'If you would like to report this issue, please run the following command:\n  gcloud feedback\n\nTo check gcloud for common problems, please run the following command:\n  gcloud info --run-diagnostics';

async function api(emulator: RunningEmulator, method: string, urlPath: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulator.url}${urlPath}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${urlPath}: ${res.status}`);
  return res.json();
}

async function seed(emulator: RunningEmulator, project: string, models: string[]): Promise<void> {
  // Labels whose order differs from the names' (what --sort-by labels.env would sort by, if gcloud did).
  const labels: Record<string, Record<string, string>> = { m1: { env: 'b' }, m2: { env: 'a' }, v1: { env: 'b' }, v2: { env: 'a' } };
  for (const m of models) await api(emulator, 'POST', `v1/projects/${project}/models`, { name: m, labels: labels[m] });
  if (models.includes('m1')) {
    for (const v of ['v1', 'v2']) {
      await api(emulator, 'POST', `v1/projects/${project}/models/m1/versions`, {
        name: v,
        deploymentUri: 'gs://fixture/iris/',
        labels: labels[v],
      });
    }
    await api(emulator, 'GET', `v1/projects/${project}/operations`); // settles both (no delay)
  }
}

describe('gcloud vs gcloud-aip: fidelity classes', { skip: HAVE_GCLOUD ? false : 'gcloud is not installed' }, () => {
  let normal: RunningEmulator;
  let paged: RunningEmulator;
  let slow: RunningEmulator;
  /** The etags `normal` gives out next: a case's `etags`, then `AAAAAAAAAAA=`; random ones (as the service's) for other cases. */
  let etags: string[] | undefined;
  const newEtag = () => (etags ? (etags.shift() ?? 'AAAAAAAAAAA=') : randomBytes(8).toString('base64'));
  before(async () => {
    normal = await startEmulator({
      port: 0,
      operationDelayMs: 0,
      buckets: ['fixture'],
      newEtag,
    });
    paged = await startEmulator({ port: 0, operationDelayMs: 0, maxPageSize: 1, newEtag });
    slow = await startEmulator({ port: 0, operationDelayMs: 3_600_000 });
    const res = await fetch(`${normal.url}upload/storage/v1/b/fixture/o?uploadType=media&name=iris/saved_model.pb`, {
      method: 'POST',
      body: 'model',
    });
    assert.equal(res.status, 200);
  });
  after(async () => {
    await normal?.close();
    await paged?.close();
    await slow?.close();
  });

  // FIDELITY_GROUP=duplicates (comma-separated) runs some classes only.
  const only = process.env.FIDELITY_GROUP?.split(',');
  for (const [group, cases] of Object.entries(CASES).filter(([g]) => !only || only.includes(g))) {
    for (const c of cases) {
      test(`${group}: ${c.args.join(' ')}${c.etags ? ` (etags ${c.etags.join(' ')})` : ''}`, async () => {
        const observed: unknown[] = [];
        const emulator = c.smallPages ? paged : c.pending ? slow : normal;
        for (const cli of [['gcloud'], [process.execPath, CLI]]) {
          const s = scratch();
          const project = runProject();
          etags = c.etags && [...c.etags];
          await seed(emulator, project, c.models ?? ['m1', 'm2', 'm3']);
          let operation = '';
          if (c.pending) {
            const started = (await api(emulator, 'POST', `v1/projects/${project}/models/m1/versions`, {
              name: 'v3',
              deploymentUri: 'gs://x/',
            })) as {
              name: string;
            };
            operation = started.name.split('/').pop() ?? '';
          }
          for (const [name, text] of Object.entries(c.files ?? {})) {
            fs.mkdirSync(path.dirname(path.join(s.dir, name)), { recursive: true });
            fs.writeFileSync(path.join(s.dir, name), text);
          }
          const args = c.args.map((a) => a.split('{PROJECT}').join(project).split('{DIR}').join(s.dir).split('{OP}').join(operation));
          const env = {
            ...s.env,
            ...emulatorEnv(emulator.port),
            CLOUDSDK_CORE_PROJECT: project,
            CLOUDSDK_AI_PLATFORM_REGION: 'global',
            ...(c.region ? regionalEmulatorEnv(emulator.port, c.region) : {}),
            TZ: 'UTC',
            ...c.env,
          };
          emulator.clearRequests();
          const [cmd, ...pre] = cli;
          const r = await runCommand(cmd, [...pre, ...args], env, s.dir);
          const requests = emulator
            .requests()
            .filter((q) => q.path.startsWith('/v1/'))
            .map((q) => ({ method: q.method, path: q.path, query: q.query, body: q.body, status: q.status }));
          const clean = (text: string) => normalize(text, project, s.dir, c.etags !== undefined);
          observed.push({
            code: r.code,
            requests: JSON.parse(clean(JSON.stringify(requests))),
            stdout: clean(r.stdout),
            stderr: clean(r.stderr),
          });
          fs.rmSync(s.dir, { recursive: true, force: true });
        }
        const [gcloud, clone] = observed;
        assert.deepEqual(clone, gcloud);
      });
    }
  }
});
