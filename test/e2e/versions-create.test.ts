// End to end: the built CLI as a subprocess against the emulator on an ephemeral port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createModel, emulatorEnv, FIXTURES, runCli, scratch, TOKEN } from '../support/cli';
import { createIrisVersion, deployIris } from '../support/deploy';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
/** The us-central1 endpoint (`us-central1-ml.localhost`): N1 machine types and custom containers need a regional one. */
const regionalEnv = () => ({ ...env, ...emulatorEnv(emulator.port, 'ml.localhost'), CLOUDSDK_AI_PLATFORM_REGION: 'us-central1' });
let dir: string;

before(async () => {
  emulator = await startEmulator({ port: 0, operationDelayMs: 0, buckets: ['staging-e2e', 'staging-dry'] });
  const s = scratch();
  dir = s.dir;
  env = { ...s.env, ...emulatorEnv(emulator.port), CLOUDSDK_AI_PLATFORM_REGION: 'global' };
  await createModel(emulator.port, 'test-project', 'iris');
});

after(async () => {
  await emulator.close();
});

const mlRequests = () => emulator.requests().filter((r) => r.path.startsWith('/v1/'));
const creates = () => mlRequests().filter((r) => r.method === 'POST' && r.path.endsWith('/versions'));

describe('versions create (GA) against the emulator', () => {
  test('gs:// origin: POSTs the version, polls the operation, prints nothing by default', async () => {
    emulator.clearRequests();
    const r = await runCli(['ai-platform', 'versions', 'create', 'v_gcs', '--model', 'iris', '--origin', 'gs://fixture-models/iris/'], env);
    // The emulator fails versions whose deploymentUri holds no objects: the CLI must say so.
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^Using endpoint \[http:\/\/127\.0\.0\.1:\d+\/\]\nCreating version \(this might take a few minutes\)\.\.\.\.\.\.\n\.*failed\.\nERROR: \(gcloud\.ai-platform\.versions\.create\) Create Version failed\./,
    );
    assert.equal(r.stdout, '');
    const [post] = creates();
    assert.deepEqual(post.body, { name: 'v_gcs', deploymentUri: 'gs://fixture-models/iris/' });
    assert.equal(post.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(post.query, { alt: ['json'] });
  });

  test('local origin: stages the directory, deploys it, prints the READY version as YAML', async () => {
    emulator.clearRequests();
    const r = await deployIris('v_local', 'staging-e2e', ['--format=json'], env);
    assert.equal(r.code, 0, r.stderr);
    const version = JSON.parse(r.stdout);
    assert.equal(version.state, 'READY');
    assert.match(version.deploymentUri, /^gs:\/\/staging-e2e\/[0-9a-f]{64}\/$/);
    const prefix = version.deploymentUri.slice('gs://staging-e2e/'.length, -1);
    const list = (await (await fetch(`http://127.0.0.1:${emulator.port}/storage/v1/b/staging-e2e/o?prefix=${prefix}/`)).json()) as {
      items: { name: string; contentType: string; size: string }[];
    };
    const objects = Object.fromEntries(list.items.map((o) => [o.name.slice(prefix.length + 1), o]));
    assert.deepEqual(Object.keys(objects).sort(), [
      'assets/vocab.txt',
      'saved_model.pb',
      'variables/variables.data-00000-of-00001',
      'variables/variables.index',
    ]);
    assert.equal(objects['assets/vocab.txt'].contentType, 'text/plain');
    assert.equal(objects['saved_model.pb'].contentType, 'application/octet-stream');
    assert.equal(objects['variables/variables.data-00000-of-00001'].size, '4096');
    // Uploads all come before the create call.
    const order = emulator
      .requests()
      .map((r) => (r.path.includes('/upload/') ? 'upload' : r.path.startsWith('/v1/') ? 'ml' : 'other'))
      .filter((k) => k !== 'other');
    assert.equal(order.lastIndexOf('upload') < order.indexOf('ml'), true);
  });

  test('--async prints the operation with --format json and does not poll', async () => {
    emulator.clearRequests();
    const r = await runCli(
      ['ai-platform', 'versions', 'create', 'v_async', '--model', 'iris', '--origin', 'gs://x/y/', '--async', '--format', 'json'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const op = JSON.parse(r.stdout);
    assert.match(op.name, /^projects\/test-project\/operations\/create_iris_v_async-\d+$/);
    assert.equal(op.metadata.version.state, 'CREATING');
    assert.equal(mlRequests().filter((q) => q.method === 'GET').length, 0);
  });

  test('--config file merged under flags: --labels replaces the file labels, flags win', async () => {
    emulator.clearRequests();
    const r = await createIrisVersion(
      'v_config',
      ['--config', path.join(FIXTURES, 'config', 'manual-scaling.yaml'), '--labels', 'env=prod', '--description', 'from flag', '--async'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(creates()[0].body, {
      name: 'v_config',
      deploymentUri: 'gs://fixture-models/iris/',
      runtimeVersion: '2.11',
      pythonVersion: '3.7',
      description: 'from flag',
      machineType: 'mls1-c1-m2',
      manualScaling: { nodes: 2 },
      labels: { env: 'prod' },
    });
  });

  test('flags: accelerator on an N1 machine, repeated labels merge', async () => {
    emulator.clearRequests();
    const r = await createIrisVersion(
      'v_flags',
      [
        '--origin',
        'gs://x/y/',
        '--async',
        '--machine-type',
        'n1-standard-4',
        '--accelerator',
        'type=nvidia-tesla-t4,count=2',
        '--labels',
        'a=1',
        '--labels',
        'b=2,c=3',
        '--framework',
        'tensorflow',
      ],
      regionalEnv(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(creates()[0].body, {
      name: 'v_flags',
      deploymentUri: 'gs://x/y/',
      machineType: 'n1-standard-4',
      framework: 'TENSORFLOW',
      acceleratorConfig: { count: '2', type: 'NVIDIA_TESLA_T4' },
      labels: { a: '1', b: '2', c: '3' },
    });
  });

  test('autoscaling flags: metrics in gcloud order (CPU first)', async () => {
    emulator.clearRequests();
    const r = await createIrisVersion(
      'v_auto',
      ['--origin', 'gs://x/y/', '--async', '--metric-targets', 'gpu-duty-cycle=10,cpu-usage=20', '--max-nodes', '4', '--min-nodes', '0'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((creates()[0].body as Record<string, unknown>).autoScaling, {
      maxNodes: 4,
      metrics: [
        { name: 'CPU_USAGE', target: 20 },
        { name: 'GPU_DUTY_CYCLE', target: 10 },
      ],
    });
  });

  test('a regional endpoint goes to {region}-{host}', async () => {
    emulator.clearRequests();
    const regional = { ...env, ...emulatorEnv(emulator.port, 'ml.localhost'), CLOUDSDK_AI_PLATFORM_REGION: 'europe-west1' };
    const r = await runCli(
      ['ai-platform', 'versions', 'create', 'v_region', '--model', 'iris', '--origin', 'gs://x/y/', '--async'],
      regional,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Using endpoint \[http:\/\/europe-west1-ml\.localhost:\d+\/\]/);
    assert.match(creates()[0].host, /^europe-west1-ml\.localhost:\d+$/);
  });

  test('billing project header and the --project flag', async () => {
    emulator.clearRequests();
    await createModel(emulator.port, 'other-project', 'iris');
    const r = await createIrisVersion(
      'v_bill',
      ['--origin', 'gs://x/y/', '--async', '--project', 'other-project', '--billing-project', 'payer'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const [post] = creates();
    assert.equal(post.path, '/v1/projects/other-project/models/iris/versions');
    assert.equal(post.headers['x-goog-user-project'], 'payer');
  });

  test('auth/disable_credentials sends no Authorization header', async () => {
    emulator.clearRequests();
    const r = await runCli(['ai-platform', 'versions', 'create', 'v_noauth', '--model', 'iris', '--origin', 'gs://x/y/', '--async'], {
      ...env,
      CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(creates()[0].headers.authorization, undefined);
  });

  test('API errors are rendered as gcloud renders them (404 model not found)', async () => {
    emulator.clearRequests();
    const r = await runCli(['ai-platform', 'versions', 'create', 'v1', '--model', 'no-such-model', '--origin', 'gs://x/y/'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\nERROR: \(gcloud\.ai-platform\.versions\.create\) NOT_FOUND: /);
  });

  test('a version that already exists: ALREADY_EXISTS, exit 1', async () => {
    const args = ['ai-platform', 'versions', 'create', 'v_dup', '--model', 'iris', '--origin', 'gs://x/y/', '--async'];
    assert.equal((await runCli(args, env)).code, 0);
    const r = await runCli(args, env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERROR: \(gcloud\.ai-platform\.versions\.create\) ALREADY_EXISTS: /);
  });
});

describe('refusals that never reach the server', () => {
  const cases: [string, string[], number, RegExp][] = [
    [
      'missing VERSION and --model',
      [],
      2,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) argument VERSION --model: Must be specified\.\nUsage: gcloud ai-platform versions create VERSION --model=MODEL \[optional flags\]/,
    ],
    [
      'unknown flag',
      ['v1', '--model', 'iris', '--bogus-flag'],
      2,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) unrecognized arguments: --bogus-flag \n\ngcloud-aip has no `gcloud help` search; to list its commands and groups, run:\n {2}gcloud-aip --help\n$/,
    ],
    [
      'beta-only flag on GA',
      ['v1', '--model', 'iris', '--image', 'gcr.io/p/i'],
      2,
      /--image flag is available in one or more alternate release tracks/,
    ],
    [
      'bad region',
      ['v1', '--model', 'iris', '--region', 'mars-central1'],
      2,
      /argument --region: Invalid choice: 'mars-central1'\. Did you mean 'us-central1'\?/,
    ],
    ['bad label', ['v1', '--model', 'iris', '--labels', 'env=Prod'], 2, /argument --labels: Bad value \[Prod\]: Only hyphens/],
    [
      'staging bucket without gs://',
      ['v1', '--model', 'iris', '--staging-bucket', 'nope'],
      2,
      /argument --staging-bucket: Must be a valid Google Cloud Storage bucket/,
    ],
    ['value that looks like a flag', ['v1', '--model', '--origin', 'gs://x'], 2, /argument --model: expected one argument/],
    [
      'metric target over 100',
      ['v1', '--model', 'iris', '--metric-targets', 'cpu-usage=101'],
      1,
      /^ERROR: \(gcloud\) Metric target value 101 is not between 0 and 100\./,
    ],
    [
      'accelerator count 0',
      ['v1', '--model', 'iris', '--origin', 'gs://x/', '--accelerator', 'type=nvidia-tesla-t4,count=0'],
      1,
      /The count of the accelerator must be greater than 0\./,
    ],
    [
      'local origin without staging bucket',
      ['v1', '--model', 'iris', '--origin', 'nope'],
      1,
      /If --origin is provided as a local path, --staging-bucket must be given as well\./,
    ],
    [
      'missing origin dir',
      ['v1', '--model', 'iris', '--origin', 'does-not-exist', '--staging-bucket', 'gs://bkt'],
      1,
      /\[does-not-exist\] is not a valid directory\./,
    ],
    ['no origin, no config', ['v1', '--model', 'iris'], 1, /Either `--origin` must be provided or `deploymentUri` must be provided/],
    [
      'config with disallowed fields',
      ['v1', '--model', 'iris', '--config', path.join(FIXTURES, 'config', 'disallowed-fields.yaml')],
      1,
      /Invalid fields \[foo, state\] in configuration file/,
    ],
    [
      'missing config file',
      ['v1', '--model', 'iris', '--config', 'nope.yaml'],
      1,
      /Could not read Version configuration file \[nope\.yaml\]:\n\nUnable to read file \[nope\.yaml\]: \[Errno 2\] No such file or directory: 'nope\.yaml'/,
    ],
  ];
  for (const [name, args, code, pattern] of cases) {
    test(name, async () => {
      emulator.clearRequests();
      const r = await runCli(['ai-platform', 'versions', 'create', ...args], env, dir);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(r.stdout, '');
      assert.equal(mlRequests().length, 0);
    });
  }

  test('empty config file: a clean error instead of a crash', async () => {
    const file = path.join(dir, 'empty.yaml');
    fs.writeFileSync(file, '');
    const r = await runCli(['ai-platform', 'versions', 'create', 'v1', '--model', 'iris', '--origin', 'gs://x/', '--config', file], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ERROR: \(gcloud\.ai-platform\.versions\.create\) /m);
    assert.doesNotMatch(r.stderr, /crash|at .*\.js:\d+/);
  });

  test('the project is required for a bare model name', async () => {
    const noProject = { ...env };
    delete noProject.CLOUDSDK_CORE_PROJECT;
    const r = await runCli(['ai-platform', 'versions', 'create', 'v1', '--model', 'iris', '--origin', 'gs://x/'], noProject);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The required property \[project\] is not currently set\./);
  });

  test('the token never appears in --log-http output', async () => {
    const r = await createIrisVersion('v_log', ['--origin', 'gs://x/y/', '--async', '--log-http', '--verbosity=debug'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /authorization: --- Token Redacted ---/);
    assert.doesNotMatch(r.stderr + r.stdout, new RegExp(TOKEN.replace(/\./g, '\\.')));
  });
});

describe('pre-flight validation', () => {
  // The documented naming, runtime and custom-container rules: gcloud sends such a request (the
  // recorded gcloud cases include them) and the service refuses it, so gcloud-aip sends it too and the
  // emulator answers as the service does, naming each field (exit 1).
  const ORIGIN = ['--origin', 'gs://fixture-models/iris/'];
  const SERVICE_RULES: [string, string[], string[]][] = [
    [
      'a version name with a hyphen',
      ['ai-platform', 'versions', 'create', '1-bad', '--model=iris', ...ORIGIN],
      ['name: A name should start with a letter and contain only letters, numbers and underscores. (from VERSION)'],
    ],
    [
      'a runtime version that is not major.minor',
      ['ai-platform', 'versions', 'create', 'v1', '--model=iris', '--runtime-version=2.1l', ...ORIGIN],
      ["runtimeVersion: '2.1l' is not a runtime version: the format is major_version.minor_version, e.g. 2.11 (from --runtime-version)"],
    ],
    [
      'a Python the service does not have',
      ['ai-platform', 'versions', 'create', 'v1', '--model=iris', '--python-version=3.77', ...ORIGIN],
      ["pythonVersion: '3.77' is not an available Python version (3.7, 3.5, 2.7) (from --python-version)"],
    ],
    [
      'the custom container of a newcomer: global endpoint, default machine type, a gcr.io image',
      ['beta', 'ai-platform', 'versions', 'create', 'v2', '--model=iris', '--image=gcr.io/p/server:1', '--ports=8080'],
      [
        'machineType: a custom container needs a Compute Engine (N1) machineType, e.g. n1-standard-2 (machineType is unset)',
        "container: a custom container needs a regional endpoint (REGION-ml.googleapis.com: gcloud's --region); this request is for the global endpoint (from --image)",
      ],
    ],
    [
      'a runtime version beside a container, on a regional endpoint with an image of another region',
      [
        'beta',
        'ai-platform',
        'versions',
        'create',
        'v2',
        '--model=iris',
        '--region=us-central1',
        '--image=europe-west4-docker.pkg.dev/p/r/server:1',
        '--machine-type=n1-standard-2',
        '--runtime-version=2.11',
      ],
      [
        'runtimeVersion: must not be set with a custom container (container is set) (from --runtime-version)',
        "container.image: must be an Artifact Registry image of the endpoint's region, us-central1-docker.pkg.dev/… (image is europe-west4-docker.pkg.dev/p/r/server:1) (from --image)",
      ],
    ],
  ];
  for (const [rule, args, problems] of SERVICE_RULES) {
    test(`sent as gcloud sends it, refused by the service: ${rule}`, async () => {
      emulator.clearRequests();
      const r = await runCli(args, rule.includes('regional') ? regionalEnv() : env);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(creates().length, 1, 'the create was sent');
      // The service names each field in its own words (no flag: it never saw one).
      for (const problem of problems) {
        const [, field, message] = /^([\w.]+): (.*?)(?: \(from [^)]*\))?$/.exec(problem)!;
        assert.ok(r.stderr.includes(`Field: version.${field} Error: ${message}`), `${problem}\n${r.stderr}`);
      }
    });
  }

  // GCLOUD_AIP_STRICT=true (env-init exports it): the same rules, before anything is sent, each
  // problem naming where its value came from.
  for (const [rule, args, problems] of SERVICE_RULES) {
    test(`GCLOUD_AIP_STRICT=true refuses it before sending: ${rule}`, async () => {
      emulator.clearRequests();
      const r = await runCli(args, { ...(rule.includes('regional') ? regionalEnv() : env), GCLOUD_AIP_STRICT: 'true' });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.includes(`) ${problems[0]}\n`), r.stderr);
      for (const problem of problems) assert.ok(r.stderr.includes(`${problem}\n`), `${problem}\n${r.stderr}`);
      assert.equal(mlRequests().length, 0, 'nothing was sent');
    });
  }

  test('GCLOUD_AIP_STRICT=true: a local origin breaking a service rule uploads nothing; =false sends it as gcloud does', async () => {
    // Bytes of its own: a model another test staged would be skipped, not uploaded.
    const origin = path.join(dir, 'strict-model');
    fs.mkdirSync(origin, { recursive: true });
    fs.writeFileSync(path.join(origin, 'model.pkl'), `model ${process.hrtime.bigint()}`);
    const args = ['ai-platform', 'versions', 'create', 'v1.2', '--model=iris', '--origin', origin];
    emulator.clearRequests();
    const strict = await runCli([...args, '--staging-bucket=gs://staging-e2e'], { ...env, GCLOUD_AIP_STRICT: 'yes' });
    assert.equal(strict.code, 1, strict.stderr);
    assert.match(
      strict.stderr,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) name: A name should start with a letter .*\(from VERSION\)$/m,
    );
    assert.equal(emulator.requests().length, 0, 'no upload, no create');
    const lax = await runCli([...args, '--staging-bucket=gs://staging-e2e'], { ...env, GCLOUD_AIP_STRICT: 'false' });
    assert.equal(lax.code, 1, lax.stderr);
    assert.match(lax.stderr, /INVALID_ARGUMENT: Field: version\.name Error: A name should start with a letter/);
    assert.ok(
      emulator.requests().some((q) => q.path.startsWith('/upload/')),
      'staged first, as gcloud does',
    );
    assert.equal(creates().length, 1);
  });

  test('GCLOUD_AIP_STRICT with a value that is not a boolean: one line, exit 1, nothing sent', async () => {
    emulator.clearRequests();
    const r = await runCli(['ai-platform', 'versions', 'create', 'v1', '--model=iris', ...ORIGIN], { ...env, GCLOUD_AIP_STRICT: 'maybe' });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'ERROR: (gcloud.ai-platform.versions.create) GCLOUD_AIP_STRICT is set to [maybe], which is not a boolean; use true or false.\n',
    );
    assert.equal(emulator.requests().length, 0);
  });

  test('models create with GCLOUD_AIP_STRICT=true: the Model rules before sending, naming the argument', async () => {
    for (const [args, line] of [
      [
        ['my-model', '--regions=us-central1'],
        'MODEL: A name should start with a letter and contain only letters, numbers and underscores.',
      ],
      [['m2', '--regions=us-east1,us-west1'], '--regions: Currently only one region per model is supported.'],
      [
        ['m3', '--region=us-central1', '--enable-console-logging'],
        '--enable-console-logging: console logging (stream logging) is not available on regional endpoints (region us-central1)',
      ],
    ] as const) {
      emulator.clearRequests();
      const r = await runCli(['beta', 'ai-platform', 'models', 'create', ...args], { ...regionalEnv(), GCLOUD_AIP_STRICT: '1' });
      assert.equal(r.code, 1);
      assert.ok(r.stderr.includes(`ERROR: (gcloud.beta.ai-platform.models.create) ${line}\n`), r.stderr);
      assert.equal(mlRequests().length, 0, 'nothing was sent');
    }
  });

  test('models create: the Model rules, sent as gcloud sends them and refused by the service', async () => {
    for (const [args, field, message] of [
      [
        ['my-model', '--regions=us-central1'],
        'name',
        'A name should start with a letter and contain only letters, numbers and underscores.',
      ],
      [['m2', '--regions=us-east1,us-west1'], 'regions', 'Currently only one region per model is supported.'],
      [
        ['m3', '--region=us-central1', '--enable-console-logging'],
        'online_prediction_console_logging',
        'console logging (stream logging) is not available on regional endpoints (region us-central1)',
      ],
    ] as const) {
      emulator.clearRequests();
      const r = await runCli(['beta', 'ai-platform', 'models', 'create', ...args], regionalEnv());
      assert.equal(r.code, 1);
      assert.ok(r.stderr.includes(`Field: model.${field} Error: ${message}`), r.stderr);
      assert.equal(mlRequests().filter((q) => q.method === 'POST').length, 1, 'the create was sent');
    }
  });

  test('a request the service would refuse is refused before any upload, with every problem', async () => {
    emulator.clearRequests();
    const config = path.join(dir, 'bad-rules.yaml');
    fs.writeFileSync(config, 'manualScaling:\n  nodes: 1\nlabels:\n  Bad: x\n');
    const r = await runCli(
      [
        'ai-platform',
        'versions',
        'create',
        'v_bad',
        '--model',
        'iris',
        '--origin',
        path.join(FIXTURES, 'models', 'tf-saved-model'),
        '--staging-bucket',
        'gs://never-used',
        '--config',
        config,
        '--min-nodes',
        '2',
        '--python-version',
        '3.5',
        '--runtime-version',
        '2.11',
      ],
      env,
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) autoScaling: only one of manualScaling or autoScaling may be set .*\(from --min-nodes\)$/m,
    );
    assert.match(r.stderr, /^pythonVersion: Python 3\.5 needs runtimeVersion from 1\.4 to 1\.14 .*\(from --python-version\)$/m);
    assert.match(r.stderr, new RegExp(`^labels: invalid key 'Bad'.*\\(from ${config.replace(/[.]/g, '\\.')}, line 3\\)$`, 'm'));
    assert.equal(emulator.requests().length, 0);
  });

  test('--no-validate sends it anyway (the emulator then refuses it like the service)', async () => {
    emulator.clearRequests();
    const r = await createIrisVersion('v_force', ['--origin', 'gs://x/y/', '--accelerator', 'type=nvidia-tesla-t4', '--no-validate'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /WARNING: --no-validate: sending a request/);
    assert.match(
      r.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) INVALID_ARGUMENT: Field: version\.acceleratorConfig Error: only allowed with a Compute Engine/,
    );
    assert.equal(creates().length, 1);
  });
});

describe('--dry-run and the model file limit', () => {
  test('--dry-run prints the exact body (with the staging folder a real run uses) and sends nothing', async () => {
    emulator.clearRequests();
    const origin = path.join(FIXTURES, 'models', 'tf-saved-model');
    const args = [
      'ai-platform',
      'versions',
      'create',
      'v_dry',
      '--model',
      'iris',
      '--origin',
      origin,
      '--staging-bucket',
      'gs://staging-dry',
      '--runtime-version',
      '2.11',
      '--labels',
      'team=ml',
    ];
    const dry = await runCli([...args, '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(emulator.requests().length, 0);
    const body = JSON.parse(dry.stdout);
    assert.match(
      dry.stderr,
      /^Would upload 4 file\(s\) \(4475 bytes\) from \[.*tf-saved-model\] to \[gs:\/\/staging-dry\/[0-9a-f]{64}\/\]:$/m,
    );
    assert.match(dry.stderr, /^ {2}saved_model\.pb -> gs:\/\/staging-dry\/[0-9a-f]{64}\/saved_model\.pb \(29 bytes\)$/m);
    assert.match(dry.stderr, /^Would POST http:\/\/127\.0\.0\.1:\d+\/v1\/projects\/test-project\/models\/iris\/versions$/m);

    const real = await runCli([...args, '--async'], env);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(creates()[0].body, body);
  });

  test('a --dry-run that breaks a rule fails like the real run, before anything is read or sent', async () => {
    emulator.clearRequests();
    const r = await createIrisVersion('v_dry2', ['--origin', 'gs://x/y/', '--accelerator', 'type=nvidia-tesla-t4', '--dry-run'], env);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) acceleratorConfig: only allowed with a Compute Engine \(N1\) machineType/m,
    );
    assert.equal(r.stdout, '');
    assert.equal(emulator.requests().length, 0);
  });

  test('more than 1000 files under a local origin is refused before any upload', async () => {
    emulator.clearRequests();
    const origin = path.join(dir, 'too-many-files');
    fs.mkdirSync(origin, { recursive: true });
    for (let i = 0; i <= 1000; i++) fs.writeFileSync(path.join(origin, `f${i}.txt`), `${i}`);
    const r = await runCli(
      ['ai-platform', 'versions', 'create', 'v_many', '--model', 'iris', '--origin', origin, '--staging-bucket', 'gs://never-used'],
      env,
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) deploymentUri: the total number of model files can't exceed 1000 \(the origin directory holds 1001\) \(from --origin\)$/m,
    );
    assert.equal(emulator.requests().length, 0);
  });

  test('a key repeated in --config keeps its first value, as gcloud’s parser does, and says so', async () => {
    emulator.clearRequests();
    const config = path.join(dir, 'repeated.yaml');
    fs.writeFileSync(config, 'runtimeVersion: "1.15"\ndescription: first\nruntimeVersion: "2.11"\n');
    const r = await runCli(
      ['ai-platform', 'versions', 'create', 'v_rep', '--model', 'iris', '--origin', 'gs://x/y/', '--config', config, '--async'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /found duplicate key "runtimeVersion" in \[.*repeated\.yaml\], line 3; the first value is used\./);
    assert.doesNotMatch(r.stderr, /^WARNING:/m);
    assert.deepEqual(creates()[0].body, { name: 'v_rep', deploymentUri: 'gs://x/y/', runtimeVersion: '1.15', description: 'first' });
  });
});

describe('beta and alpha tracks', () => {
  test('beta container flags build container and routes; the prefix follows the track', async () => {
    emulator.clearRequests();
    const r = await runCli(
      [
        'beta',
        'ai-platform',
        'versions',
        'create',
        'v_ctr',
        '--model',
        'iris',
        '--image',
        'us-central1-docker.pkg.dev/p/r/s:1',
        '--machine-type',
        'n1-standard-2',
        '--command',
        'a',
        '--command',
        'b',
        '--env-vars',
        'X=1',
        '--env-vars',
        'Y=2',
        '--ports',
        '8080,9090',
        '--predict-route',
        '/p',
        '--async',
      ],
      regionalEnv(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(creates()[0].body, {
      name: 'v_ctr',
      machineType: 'n1-standard-2',
      container: {
        image: 'us-central1-docker.pkg.dev/p/r/s:1',
        command: ['a', 'b'],
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
        ports: [{ containerPort: 8080 }, { containerPort: 9090 }],
      },
      routes: { predict: '/p' },
    });
    const bad = await runCli(
      ['alpha', 'ai-platform', 'versions', 'create', 'v1', '--model', 'iris', '--command', 'serve', '--origin', 'gs://x/'],
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /^ERROR: \(gcloud\.alpha\.ai-platform\.versions\.create\) --image was not provided, but other container related flags were specified\. Please specify --image or remove the following flags: --command$/m,
    );
  });

  test('explanations: the notice, and the attribution the method names', async () => {
    emulator.clearRequests();
    const r = await runCli(
      [
        'alpha',
        'ai-platform',
        'versions',
        'create',
        'v_xai',
        '--model',
        'iris',
        '--origin',
        'gs://x/y/',
        '--explanation-method',
        'integrated-gradients',
        '--num-paths',
        '3',
        '--async',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Explanations reflect patterns in your model/m);
    assert.deepEqual((creates()[0].body as Record<string, unknown>).explanationConfig, {
      integratedGradientsAttribution: { numIntegralSteps: 50 },
    });
  });
});
