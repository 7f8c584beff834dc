// End to end: `versions create --mlflow-model` and `mlflow model-versions create` (the built CLI)
// against the emulator's AI Platform and MLflow registry, in both URL forms (open-source, OCI).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { generateTlsMaterial } from '../../src/emulator/certificates';
import { createModel, emulatorEnv, runCli, scratch } from '../support/cli';
import { createIrisVersion, deployIris } from '../support/deploy';
import { registryCreates, registryRequests } from '../support/mlflow';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let oss: string;
let oci: string;
const PLATFORM = 'ocid1.aidataplatform.oc1.iad.test';

before(async () => {
  // A short PENDING_REGISTRATION, so the CLI has to wait for READY.
  emulator = await startEmulator({ port: 0, operationDelayMs: 0, registrationDelayMs: 200, buckets: ['staging-mlflow'] });
  oss = `http://127.0.0.1:${emulator.port}`;
  oci = `${oss}/20260430/aiDataPlatforms/${PLATFORM}/mlops`;
  env = { ...scratch().env, ...emulatorEnv(emulator.port), CLOUDSDK_AI_PLATFORM_REGION: 'global', MLFLOW_TRACKING_TOKEN: 'mlflow-secret' };
  await createModel(emulator.port, 'test-project', 'iris');
});

after(async () => {
  await emulator.close();
});

interface ModelVersion {
  version: string;
  source: string;
  status: string;
  run_id?: string;
  tags: { key: string; value: string }[];
}

async function registryGet(base: string, name: string, version: string): Promise<{ status: number; modelVersion?: ModelVersion }> {
  const res = await fetch(`${base}/api/2.0/mlflow/model-versions/get?name=${encodeURIComponent(name)}&version=${version}`);
  const body = (await res.json()) as { model_version?: ModelVersion };
  return { status: res.status, modelVersion: body.model_version };
}

const deploy = (version: string, mlflow: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  deployIris(version, 'staging-mlflow', ['--format=json', ...mlflow], { ...env, ...extraEnv });

/** A deploy while the emulator injects `faults` (registry calls only, by their match=). */
async function deployWithFaults(faults: string, version: string, mlflow: string[]) {
  emulator.setFaults(faults);
  try {
    return await deploy(version, mlflow);
  } finally {
    emulator.setFaults(undefined);
  }
}

describe('versions create --mlflow-model', () => {
  test('registers the READY version (source = its deploymentUri, tags naming it); a re-run registers nothing more', async () => {
    emulator.clearRequests();
    const first = await deploy('v_oss', ['--mlflow-model=iris-registry', '--mlflow-run-id=run42', '--mlflow-tags=team=ml,stage=canary'], {
      MLFLOW_TRACKING_URI: oss,
    });
    assert.equal(first.code, 0, first.stderr);
    const version = JSON.parse(first.stdout) as { name: string; state: string; deploymentUri: string };
    assert.equal(version.state, 'READY');
    // Open-source MLflow: READY at once, no wait.
    assert.match(
      first.stderr,
      /\.\.\.\nCreated registered model \[iris-registry\] in the MLflow registry\.\nRegistered version \[1\] of MLflow model \[iris-registry\] \(READY\)\.\n$/,
    );

    const { modelVersion } = await registryGet(oss, 'iris-registry', '1');
    assert.equal(modelVersion?.status, 'READY');
    assert.equal(modelVersion?.source, version.deploymentUri);
    assert.equal(modelVersion?.run_id, 'run42');
    const [post] = registryCreates(emulator);
    const operation = post.body && (post.body as ModelVersion).tags.find((t) => t.key === 'ai-platform.operation')?.value;
    assert.match(String(operation), /^projects\/test-project\/operations\/create_iris_v_oss-\d+$/);
    assert.deepEqual(modelVersion?.tags, [
      { key: 'team', value: 'ml' },
      { key: 'stage', value: 'canary' },
      { key: 'ai-platform.version', value: 'projects/test-project/models/iris/versions/v_oss' },
      { key: 'ai-platform.operation', value: operation },
    ]);
    // MLflow's bearer token; the open-source form has no OCI headers.
    assert.equal(post.headers.authorization, 'Bearer mlflow-secret');
    assert.equal(post.headers['opc-retry-token'], undefined);
    assert.doesNotMatch(first.stderr + first.stdout, /mlflow-secret/);

    // The same command again: the version exists, so nothing is deployed or registered twice.
    const again = await deploy('v_oss', ['--mlflow-model=iris-registry', '--mlflow-run-id=run42', '--mlflow-tags=team=ml,stage=canary'], {
      MLFLOW_TRACKING_URI: oss,
    });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ALREADY_EXISTS/);
    assert.equal(registryCreates(emulator).length, 1);
    assert.equal((await registryGet(oss, 'iris-registry', '2')).status, 404);
  });

  test('OCI form: opc-retry-token and opc-request-id; a lost answer is looked up and adopted, not sent again', async () => {
    emulator.clearRequests();
    const r = await deployWithFaults('lost=1,max=1,match=model-versions/create$', 'v_oci', [
      '--mlflow-model=iris-oci',
      `--mlflow-tracking-uri=${oci}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const posts = registryCreates(emulator);
    assert.equal(posts.length, 1);
    assert.equal(posts[0].fault, 'lost');
    assert.match(posts[0].headers['opc-retry-token'], /^[0-9a-f]{64}$/);
    assert.match(posts[0].headers['opc-request-id'], /^[0-9A-F]{32}$/);
    assert.equal((await registryGet(oci, 'iris-oci', '1')).modelVersion?.status, 'READY');
    assert.equal((await registryGet(oci, 'iris-oci', '2')).status, 404);
    // Each OCI platform is a registry of its own.
    assert.equal((await registryGet(oss, 'iris-oci', '1')).status, 404);
  });

  test('a registry 5xx is retried', async () => {
    emulator.clearRequests();
    const r = await deployWithFaults('503=1,max=1,retry-after=0,match=model-versions/create$', 'v_5xx', [
      '--mlflow-model=iris-5xx',
      `--mlflow-tracking-uri=${oci}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      registryCreates(emulator).map((q) => q.status),
      [503, 200],
    );
    assert.equal((await registryGet(oci, 'iris-5xx', '1')).modelVersion?.status, 'READY');
  });

  test('registration that fails after the deploy prints the command that retries it; that command registers once, however often it runs', async () => {
    // 429 on every attempt the CLI makes (Retry-After: 0 keeps it quick).
    const failed = await deployWithFaults('429=1,max=5,retry-after=0,match=model-versions/create$', 'v_retry', [
      '--mlflow-model=iris-retry',
      `--mlflow-tracking-uri=${oci}`,
    ]);
    assert.equal(failed.code, 3, failed.stderr);
    const command = /To retry only the registration, run:\n {2}\$ gcloud-aip (.*)\n/.exec(failed.stderr)?.[1];
    assert.ok(command, failed.stderr);
    const args = command.split(' ').map((word) => word.replace(/^'(.*)'$/, '$1'));
    for (const run of [1, 2]) {
      const r = await runCli([...args, '--format=value(version,status)'], env);
      assert.equal(r.code, 0, `run ${run}: ${r.stderr}`);
      assert.equal(r.stdout, '1\tREADY\n');
    }
    assert.equal((await registryGet(oci, 'iris-retry', '2')).status, 404);
  });

  test('--async: nothing to register yet, and it says so', async () => {
    emulator.clearRequests();
    const r = await runCli(
      [
        'ai-platform',
        'versions',
        'create',
        'v_async',
        '--model=iris',
        '--origin=gs://staging-mlflow/model/',
        '--async',
        '--mlflow-model=iris-async',
        '--mlflow-run-id=run7',
        '--mlflow-tags=team=ml',
        `--mlflow-tracking-uri=${oss}`,
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /WARNING: Nothing is registered in MLflow with --async/);
    // The later command carries the tags a registration after the deploy has, and the tracking URI when given by flag.
    assert.match(
      r.stderr,
      /\n {2}\$ gcloud-aip mlflow model-versions create --name=iris-async --source=DEPLOYMENT_URI --run-id=run7 --tags=team=ml,ai-platform\.version=projects\/test-project\/models\/iris\/versions\/v_async,ai-platform\.operation=OPERATION --tracking-uri=http:\/\/127\.0\.0\.1:\d+\n/,
    );
    assert.equal(registryRequests(emulator).length, 0);
  });

  test('checked before anything is sent: limits, a missing tracking server, --mlflow-* without --mlflow-model', async () => {
    emulator.clearRequests();
    const tooLong = await deploy('v_bad', ['--mlflow-model=iris', `--mlflow-run-id=${'r'.repeat(33)}`], { MLFLOW_TRACKING_URI: oss });
    assert.equal(tooLong.code, 1);
    assert.match(
      tooLong.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) MLflow model version: run_id: at most 32 characters \(got 33\) \(from --mlflow-run-id\)\n/,
    );
    const tooMany = await deploy(
      'v_bad',
      ['--mlflow-model=iris', `--mlflow-tags=${Array.from({ length: 19 }, (_, i) => `k${i}=v`).join(',')}`],
      { MLFLOW_TRACKING_URI: oss },
    );
    assert.match(
      tooMany.stderr,
      /tags: at most 20 tags \(got 21\) \(from --mlflow-tags, with the tags ai-platform\.version and ai-platform\.operation\)/,
    );
    const noServer = await deploy('v_bad', ['--mlflow-model=iris']);
    assert.match(
      noServer.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) No MLflow tracking server: set MLFLOW_TRACKING_URI or pass --mlflow-tracking-uri\.\n/,
    );
    const orphan = await deploy('v_bad', ['--mlflow-run-id=r1']);
    assert.equal(orphan.code, 2);
    assert.match(orphan.stderr, /argument --mlflow-model: Must be specified with --mlflow-run-id\./);
    assert.equal(emulator.requests().length, 0);
  });
});

describe('mlflow model-versions create', () => {
  test('basic auth, a missing registered model created, FAILED_REGISTRATION (OCI form) reported', async () => {
    emulator.clearRequests();
    const basic = {
      ...env,
      MLFLOW_TRACKING_TOKEN: '',
      MLFLOW_TRACKING_USERNAME: 'ci',
      MLFLOW_TRACKING_PASSWORD: 'pw',
      MLFLOW_TRACKING_URI: oci,
    };
    const r = await runCli(
      ['mlflow', 'model-versions', 'create', '--name=elsewhere', '--source=gs://nothing-here/model/', '--description=from a script'],
      basic,
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Created registered model \[elsewhere\] in the MLflow registry\.\n/);
    assert.match(
      r.stderr,
      /ERROR: \(gcloud\.mlflow\.model-versions\.create\) Version \[1\] of MLflow model \[elsewhere\] failed to register: No model artifacts found at \[gs:\/\/nothing-here\/model\/\]\.\n/,
    );
    assert.equal(registryRequests(emulator)[0].headers.authorization, `Basic ${Buffer.from('ci:pw').toString('base64')}`);
  });

  test('every limit problem at once, with the flag it came from; nothing sent', async () => {
    emulator.clearRequests();
    const r = await runCli(
      ['mlflow', 'model-versions', 'create', '--name=m', `--source=gs://b/${'x'.repeat(500)}`, `--model-id=${'i'.repeat(37)}`],
      { ...env, MLFLOW_TRACKING_URI: oss },
    );
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'ERROR: (gcloud.mlflow.model-versions.create) MLflow model version: source: at most 500 characters (got 507) (from --source)\nmodel_id: at most 36 characters (got 37) (from --model-id)\n',
    );
    assert.equal(emulator.requests().length, 0);
  });
});

/** The versions of a registered model, by model-versions/search. */
async function versionsOf(base: string, name: string): Promise<string[]> {
  const res = await fetch(`${base}/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(`name='${name}'`)}`);
  const body = (await res.json()) as { model_versions?: ModelVersion[] };
  return (body.model_versions ?? []).map((v) => v.version).sort();
}

describe('a create that took effect but was answered with a failure (after-commit faults)', () => {
  // [what, fault spec, adopted]: the first four leave the outcome open after the registry committed.
  const cases: [string, string, boolean][] = [
    ["a gateway's 502 (its HTML page)", 'after-502=1,max=1', true],
    ['a reset before any answer', 'after-reset=1,max=1', true],
    ['an answer lost halfway', 'lost=1,max=1', true],
    ['503 on every attempt', 'after-503=1', true],
    ['a 503 before anything was done', '503=1,max=1,retry-after=0', false],
  ];
  cases.forEach(([what, faults, adopted], i) => {
    test(`${what}: exactly one version, ${adopted ? 'adopted with a warning' : 'created by the retry, no warning'}`, async () => {
      emulator.clearRequests();
      const model = `iris-after-${i}`;
      const r = await deployWithFaults(`${faults},match=model-versions/create$`, `v_after_${i}`, [
        `--mlflow-model=${model}`,
        `--mlflow-tracking-uri=${oss}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await versionsOf(oss, model), ['1']);
      assert.equal(registryCreates(emulator).length, adopted ? 1 : 2);
      const warning =
        /WARNING: The create request got .*, but the registry had registered it: version \[1\] of MLflow model \[iris-after-\d\] \(found by its tag ai-platform\.operation\)\./;
      if (adopted) assert.match(r.stderr, warning);
      else assert.doesNotMatch(r.stderr, /WARNING/);
      assert.doesNotMatch(r.stderr, /<html>|<center>/);
      assert.match(r.stderr, new RegExp(`Registered version \\[1\\] of MLflow model \\[${model}\\] \\(READY\\)\\.\n$`));
    });
  });
});

describe("MLflow's own rules: refused before anything is sent (nothing uploaded, nothing deployed)", () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a model name with /',
      ['--mlflow-model=team/iris'],
      /name: Invalid name: 'team\/iris'\. Registered model names cannot contain '\/' or ':'\. \(from --mlflow-model\)/,
    ],
    ['a model name with :', ['--mlflow-model=iris:v1'], /name: Invalid name: 'iris:v1'\. Registered model names cannot contain/],
    [
      'a path-like model name',
      ['--mlflow-model=..'],
      /name: Invalid name: '\.\.'\. Registered model names must not be '\.', or start with '\.\.'\./,
    ],
    ['a model name with %', ['--mlflow-model=iris%20'], /name: Invalid name: 'iris%20'\. Registered model names cannot contain '%'\./],
    [
      'a tag key with //',
      ['--mlflow-model=iris', '--mlflow-tags=a//b=1'],
      /tags\[0\]\.key: Invalid tag name: 'a\/\/b'\. Names may be treated as files .* This name would resolve to 'a\/b'\. \(from --mlflow-tags/,
    ],
    [
      'a tag key ending in /',
      ['--mlflow-model=iris', '--mlflow-tags=owner/=me'],
      /tags\[0\]\.key: Invalid tag name: 'owner\/'\. .* would resolve to 'owner'\./,
    ],
    ['a tag key with ./', ['--mlflow-model=iris', '--mlflow-tags=./a=1'], /tags\[0\]\.key: Invalid tag name: '\.\/a'\./],
    [
      'a tag key with a character MLflow refuses',
      ['--mlflow-model=iris', '--mlflow-tags=bad!key=1'],
      /tags\[0\]\.key: Invalid tag name: 'bad!key'\. Names may only contain alphanumerics/,
    ],
  ];
  for (const [what, flags, message] of cases) {
    test(what, async () => {
      emulator.clearRequests();
      const r = await deploy('v_rules', flags, { MLFLOW_TRACKING_URI: oss });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^ERROR: \(gcloud\.ai-platform\.versions\.create\) MLflow model version: /m);
      assert.match(r.stderr, message);
      assert.equal(emulator.requests().length, 0);
    });
  }

  const sources: [string, string, RegExp][] = [
    [
      'a source at a bucket root',
      'gs://staging-mlflow/',
      /source: Invalid model version source: 'gs:\/\/staging-mlflow\/'\. It names the root of \[gs:\/\/staging-mlflow\]/,
    ],
    [
      'a source with .. segments',
      'gs://staging-mlflow/a/../model/',
      /source: Invalid model version source: 'gs:\/\/staging-mlflow\/a\/\.\.\/model\/'\. It must not contain '\.' or '\.\.' path segments\./,
    ],
    [
      'a source with . segments',
      'gs://staging-mlflow/./model/',
      /It must not contain '\.' or '\.\.' path segments\. \(from the deploymentUri\)/,
    ],
  ];
  for (const [what, origin, message] of sources) {
    test(what, async () => {
      emulator.clearRequests();
      const r = await createIrisVersion('v_rules', [`--origin=${origin}`, '--mlflow-model=iris-rules'], {
        ...env,
        MLFLOW_TRACKING_URI: oss,
      });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(emulator.requests().length, 0);
    });
  }

  test('the standalone command applies the same rules, every problem at once', async () => {
    emulator.clearRequests();
    const r = await runCli(['mlflow', 'model-versions', 'create', '--name=a/b', '--source=gs://b', '--tags=x//y=1'], {
      ...env,
      MLFLOW_TRACKING_URI: oss,
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /name: Invalid name: 'a\/b'.* \(from --name\)\nsource: Invalid model version source: 'gs:\/\/b'\..* \(from --source\)\ntags\[0\]\.key: Invalid tag name: 'x\/\/y'\..* \(from --tags\)\n$/,
    );
    assert.equal(emulator.requests().length, 0);
  });
});

/** A port nothing listens on (just released by the OS). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the registry pre-check: before anything is uploaded, exit 1 and the cause in one line', () => {
  /** The deploy with the registry at `uri`; nothing may reach the staging bucket or the ml API. */
  async function precheck(uri: string, extraEnv: NodeJS.ProcessEnv = {}) {
    emulator.clearRequests();
    const r = await deploy('v_precheck', ['--mlflow-model=iris-precheck', `--mlflow-tracking-uri=${uri}`], extraEnv);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((line) => line.startsWith('ERROR: '));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0],
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) Nothing was uploaded or deployed: the MLflow registry check failed\. /,
    );
    assert.deepEqual(
      emulator.requests().filter((q) => !q.path.includes('/api/2.0/mlflow/')),
      [],
    );
    assert.equal((await fetch(`${oss}/v1/projects/test-project/models/iris/versions/v_precheck`)).status, 404);
    return lines[0];
  }

  test('unreachable', async () => {
    const port = await closedPort();
    const line = await precheck(`http://127.0.0.1:${port}`);
    assert.match(line, new RegExp(`Could not reach the MLflow registry at \\[http://127\\.0\\.0\\.1:${port}\\]: .*ECONNREFUSED`));
  });

  test("a wrong path prefix (a 404 that is not MLflow's)", async () => {
    const line = await precheck(`${oss}/mlflow`);
    assert.match(
      line,
      /No MLflow REST API answers at \[http:\/\/127\.0\.0\.1:\d+\/mlflow\] \(HTTP 404 to registered-models\/get\): check the tracking URI, including its path prefix\.$/,
    );
  });

  test('a certificate the client does not trust', async () => {
    const tls = await startEmulator({ port: 0, tls: generateTlsMaterial() });
    try {
      const line = await precheck(`https://127.0.0.1:${tls.port}`);
      assert.match(line, /Could not reach the MLflow registry at \[https:\/\/127\.0\.0\.1:\d+\]: .*certificate/i);
      assert.equal(tls.requests().length, 0);
    } finally {
      await tls.close();
    }
  });

  test('refused credentials (OCI 401: see mlflow-oci.test.ts) and a missing model are told apart: a missing model is fine', async () => {
    emulator.clearRequests();
    const r = await deploy('v_precheck_ok', ['--mlflow-model=iris-precheck-new', `--mlflow-tracking-uri=${oss}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Created registered model \[iris-precheck-new\] in the MLflow registry\./);
    const registryCalls = registryRequests(emulator).map((q) => `${q.method} ${q.path.replace(/^.*\/api\/2\.0\/mlflow\//, '')}`);
    assert.deepEqual(registryCalls.slice(0, 1), ['GET registered-models/get']);
    // The pre-check came before staging: the first request of the run.
    assert.match(emulator.requests()[0].path, /registered-models\/get$/);
  });
});
