// The prebuilt-container table (src/vertex/containers.ts) and the rules that read it
// (src/vertex/prebuilt.ts): exact library versions only, dates, repositories by region.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IMAGES, RUNTIMES } from '../../src/vertex/containers';
import type { Framework } from '../../src/vertex';
import { IssueList } from '../../src/vertex/issues';
import { choosePrebuiltContainer, type PrebuiltRequest, repositoryFor } from '../../src/vertex/prebuilt';

// python-aiplatform constants/prediction.py: "[region]-docker.pkg.dev/vertex-ai/prediction/[framework]-[accelerator].[version]:latest"
const SDK_URI_PATTERN = /^(us|europe|asia)-docker\.pkg\.dev\/vertex-ai\/prediction\/(tf|tf2|sklearn|xgboost)-(cpu|gpu)\.(\d+-\d+):latest$/;
const FRAMEWORKS: Framework[] = ['TENSORFLOW', 'SCIKIT_LEARN', 'XGBOOST'];

function choose(request: Partial<PrebuiltRequest>) {
  const issues = new IssueList({ runtimeVersion: '--runtime-version' });
  const choice = choosePrebuiltContainer(
    { framework: 'TENSORFLOW', accelerator: 'CPU', location: 'us-central1', today: '2026-12-06', runtimeVersion: '2.11', ...request },
    issues,
  );
  return { choice, issues: issues.items };
}

describe('the table', () => {
  test('every runtime × framework has a CPU image of exactly its library version; TensorFlow a GPU one too', () => {
    for (const row of RUNTIMES) {
      for (const framework of FRAMEWORKS) {
        const { choice, issues } = choose({ runtimeVersion: row.runtime, framework, today: '2020-01-01' });
        assert.ok(choice, `${row.runtime} ${framework}: ${JSON.stringify(issues)}`);
        assert.equal(choice.image.version, row.libraries[framework].version, 'the library version is never changed');
        assert.match(choice.imageUri, SDK_URI_PATTERN);
      }
      const gpu = choose({ runtimeVersion: row.runtime, accelerator: 'GPU', today: '2020-01-01' }).choice;
      assert.match(gpu?.imageUri ?? '', /-gpu\./);
    }
  });
  test('every image row has a source; dates are ISO days with end of patch before end of availability', () => {
    for (const row of IMAGES) {
      assert.match(row.source, /^https:\/\//);
      assert.equal(row.endOfPatch === null, row.endOfAvailability === null, row.image);
      if (row.endOfPatch !== null && row.endOfAvailability !== null) {
        assert.match(row.endOfPatch, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(row.endOfPatch < row.endOfAvailability, row.image);
      }
    }
    // The stored pages: TensorFlow 2.11 Nov 15, 2023 / Nov 15, 2024; 2.15 Jan 14, 2026 / Jan 14, 2027.
    const tf211 = IMAGES.find((r) => r.image === 'tf2-cpu.2-11');
    assert.deepEqual([tf211?.endOfPatch, tf211?.endOfAvailability], ['2023-11-15', '2024-11-15']);
    const tf215 = IMAGES.find((r) => r.image === 'tf2-gpu.2-15');
    assert.deepEqual([tf215?.endOfPatch, tf215?.endOfAvailability], ['2026-01-14', '2027-01-14']);
  });
  test('only runtime 2.1 scikit-learn (0.22.1, release notes) and the TensorFlow columns are confirmed', () => {
    const confirmed = RUNTIMES.flatMap((row) => FRAMEWORKS.filter((f) => row.libraries[f].confirmed).map((f) => `${row.runtime} ${f}`));
    assert.deepEqual(
      confirmed.filter((c) => !c.endsWith('TENSORFLOW')),
      ['2.1 SCIKIT_LEARN'],
    );
    assert.equal(confirmed.filter((c) => c.endsWith('TENSORFLOW')).length, RUNTIMES.length);
  });
});

test('repositories by region', () => {
  const cases: [string, string][] = [
    ['us-central1', 'us-docker.pkg.dev'],
    ['northamerica-northeast1', 'us-docker.pkg.dev'],
    ['southamerica-east1', 'us-docker.pkg.dev'],
    ['europe-west4', 'europe-docker.pkg.dev'],
    ['me-west1', 'europe-docker.pkg.dev'],
    ['africa-south1', 'europe-docker.pkg.dev'],
    ['asia-northeast1', 'asia-docker.pkg.dev'],
    ['australia-southeast1', 'asia-docker.pkg.dev'],
    ['localhost', 'us-docker.pkg.dev'],
  ];
  for (const [region, host] of cases) assert.equal(repositoryFor(region), host, region);
  assert.equal(
    choose({ location: 'europe-west4', accelerator: 'GPU' }).choice?.imageUri,
    'europe-docker.pkg.dev/vertex-ai/prediction/tf2-gpu.2-11:latest',
  );
});

describe('choosing', () => {
  test('scikit-learn on runtime 2.11 is the image recorded in gcloud ai models upload (case 01)', () => {
    const { choice, issues } = choose({ framework: 'SCIKIT_LEARN' });
    assert.equal(choice?.imageUri, 'us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest');
    // 1.0 for runtime 2.11 is not confirmed: the warning names the version and --image.
    assert.deepEqual(
      issues.map((i) => [i.severity, i.field, i.source]),
      [['warn', 'runtimeVersion', '--runtime-version']],
    );
    assert.match(
      issues[0].message,
      /^runtime 2\.11 is taken to have bundled scikit-learn 1\.0 \(recalled, not read from Google's runtime version list, https:\/\/cloud\.google\.com\/ai-platform\/prediction\/docs\/runtime-version-list\), so sklearn-cpu\.1-0 serves the model; .*--image$/,
    );
  });
  test('a confirmed library version gives no such warning', () => {
    assert.deepEqual(choose({ runtimeVersion: '2.1', framework: 'SCIKIT_LEARN' }).issues, []);
  });
  test('past end of availability: still sent, with a warning naming the date, the newest image and --image', () => {
    const { choice, issues } = choose({});
    assert.equal(choice?.imageUri, 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-11:latest');
    assert.equal(issues.length, 1);
    assert.equal(issues[0].severity, 'warn');
    assert.match(issues[0].message, /tf2-cpu\.2-11 reached its end of availability on 2024-11-15/);
    assert.match(issues[0].message, /tf2-cpu\.2-15 \(TensorFlow 2\.15, available until 2027-01-14\).*--image/);
  });
  test('between end of patch and end of availability: a warning with both dates; before: nothing', () => {
    const { issues } = choose({ today: '2024-06-01' });
    assert.match(issues[0].message, /no patches since 2023-11-15 and reaches its end of availability on 2024-11-15/);
    assert.deepEqual(choose({ today: '2023-01-01' }).issues, []);
  });
  test('once no TensorFlow image is available, the warning says so', () => {
    assert.match(choose({ today: '2027-01-14' }).issues[0].message, /no TensorFlow container is still available: name one with --image/);
  });
  test('refused: runtime before 1.15, an unknown runtime, none at all, Python 2.7 and 3.5, GPU for scikit-learn', () => {
    const refused = (request: Partial<PrebuiltRequest>) => {
      const { choice, issues } = choose(request);
      assert.equal(choice, undefined);
      return issues.filter((i) => i.severity === 'refuse').map((i) => `${i.field}: ${i.message}`);
    };
    assert.match(
      refused({ runtimeVersion: '1.14' })[0],
      /^runtimeVersion: runtime 1\.14 has no Vertex AI prebuilt container \(the oldest is TensorFlow 1\.15\)/,
    );
    assert.match(
      refused({ runtimeVersion: '2.12' })[0],
      /runtime 2\.12 is not an AI Platform runtime version .*known: 1\.15, 2\.1, .*2\.11/,
    );
    assert.match(refused({ runtimeVersion: undefined })[0], /needs a runtime version .*--image/);
    assert.match(
      refused({ runtimeVersion: '1.15', pythonVersion: '2.7' })[0],
      /^pythonVersion: Python 2\.7 has no Vertex AI prebuilt container/,
    );
    assert.match(refused({ runtimeVersion: '1.14', pythonVersion: '3.5' }).join('\n'), /Python 3\.5[\s\S]*runtime 1\.14/);
    assert.match(
      refused({ framework: 'SCIKIT_LEARN', accelerator: 'GPU' })[0],
      /^acceleratorConfig: Vertex AI has no GPU prebuilt container for scikit-learn 1\.0/,
    );
  });
  test('a local origin must hold a file the container loads', () => {
    const tf = choose({ originFiles: ['model.joblib'] });
    assert.equal(tf.choice?.image.image, 'tf2-cpu.2-11');
    const refusal = tf.issues.find((i) => i.severity === 'refuse');
    assert.equal(refusal?.field, 'deploymentUri');
    assert.match(refusal?.message ?? '', /loads saved_model\.pb .*holds none of them.*--framework/);
    assert.equal(
      choose({ framework: 'XGBOOST', runtimeVersion: '2.1', originFiles: ['model.bst'] }).issues.filter((i) => i.severity === 'refuse')
        .length,
      0,
    );
    assert.equal(choose({ originFiles: ['saved_model.pb', 'variables'] }).issues.filter((i) => i.severity === 'refuse').length, 0);
  });
  test('runtime versions compare as major.minor: 1.15.1 is 1.15', () => {
    assert.equal(choose({ runtimeVersion: '1.15.1', today: '2020-01-01' }).choice?.image.image, 'tf-cpu.1-15');
  });
});
