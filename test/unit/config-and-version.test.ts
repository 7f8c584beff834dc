import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../src/errors';
import { readConfigFile } from '../../src/config-file/read';
import { acceleratorConfig, buildVersion } from '../../src/version/build';
import { Properties } from '../../src/config/properties';
import { regionalEndpoint } from '../../src/config/endpoints';
import { tempDir } from '../support/temp';

const dir = tempDir('aip-unit-');
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

test('config: allowed fields read with their lines; disallowed and unknown refused together', () => {
  const cfg = readConfigFile(write('ok.yaml', 'deploymentUri: gs://b/m\n\nlabels:\n  a: b\n'), false);
  assert.deepEqual(cfg.version, { deploymentUri: 'gs://b/m', labels: { a: 'b' } });
  assert.equal(cfg.lines.labels, 3);
  const bad = write('bad.yaml', 'deploymentUri: gs://b/m\nfoo: 1\nname: zz\nframework: PYTORCH\n');
  assert.throws(() => readConfigFile(bad, false), {
    message: `Invalid fields [foo, framework, name] in configuration file [${bad}]. Allowed fields: [autoScaling, deploymentUri, description, framework, labels, machineType, manualScaling, packageUris, predictionClass, pythonVersion, runtimeVersion, serviceAccount].`,
  });
  const container = write('container.yaml', 'container:\n  image: i\n');
  assert.throws(() => readConfigFile(container, false), /Invalid field \[container\]/);
  assert.deepEqual(readConfigFile(container, true).version, { container: { image: 'i' } });
});

test('config: where gcloud crashes we refuse cleanly', () => {
  for (const [name, text, pattern] of [
    ['empty.yaml', '', /is empty/],
    ['list.yaml', '- a\n', /not a list/],
    ['type.yaml', 'manualScaling:\n  nodes: abc\n', /type\.yaml:1\]: manualScaling\.nodes: expected an integer, found 'abc'/],
    ['yaml.yaml', 'deploymentUri: [\n', /^Could not read Version configuration file \[.*yaml\.yaml\]:\n\n/],
  ] as const) {
    assert.throws(
      () => readConfigFile(write(name, text), false),
      (e: unknown) => e instanceof UserError && pattern.test(e.message),
      name,
    );
  }
});

test('build: flags override config; autoscaling flags replace; --min-nodes 0 sends nothing', () => {
  const config = {
    path: 'c.yaml',
    version: { deploymentUri: 'gs://c/', autoScaling: { minNodes: 1 }, labels: { from: 'config' }, description: 'c' },
    lines: {},
    duplicates: [],
  };
  const v = buildVersion({ name: 'v1', config, flags: { maxNodes: 3, labels: new Map([['x', 'y']]) }, containers: false });
  assert.deepEqual(v.body, { deploymentUri: 'gs://c/', autoScaling: { maxNodes: 3 }, labels: { x: 'y' }, description: 'c', name: 'v1' });
  assert.equal(v.sources.labels, '--labels');
  assert.equal(v.sources.description, 'c.yaml');
  const zero = buildVersion({ name: 'v1', deploymentUri: 'gs://o/', flags: { minNodes: 0 }, containers: false });
  assert.deepEqual(zero.body, { name: 'v1', deploymentUri: 'gs://o/' });
});

test('build: explanation config and containers (beta/alpha)', () => {
  const ig = buildVersion({ name: 'v', flags: { explanationMethod: 'integrated-gradients', numPaths: 3 }, containers: true });
  assert.deepEqual(ig.body.explanationConfig, { integratedGradientsAttribution: { numIntegralSteps: 50 } });
  const shap = buildVersion({
    name: 'v',
    flags: { explanationMethod: 'sampled-shapley', numPaths: 9, numIntegralSteps: 4 },
    containers: true,
  });
  assert.deepEqual(shap.body.explanationConfig, { sampledShapleyAttribution: { numPaths: 9 } });
  const c = buildVersion({
    name: 'v',
    flags: { image: 'i', ports: [1, 2], envVars: new Map([['A', '1']]), predictRoute: '/p' },
    containers: true,
  });
  assert.deepEqual(c.body.container, { image: 'i', ports: [{ containerPort: 1 }, { containerPort: 2 }], env: [{ name: 'A', value: '1' }] });
  assert.deepEqual(c.body.routes, { predict: '/p' });
  assert.throws(() => buildVersion({ name: 'v', flags: { command: ['serve'] }, containers: true }), /--image was not provided.*--command$/);
});

test('accelerator: count defaults to "1", enum names upper-cased, checks at run time', () => {
  assert.deepEqual(acceleratorConfig(new Map([['type', 'tpu-v2']])), { count: '1', type: 'TPU_V2' });
  assert.throws(() => acceleratorConfig(new Map([['type', 'foo']])), /can only be one of the following: 'nvidia-tesla-a100'/);
  assert.throws(
    () =>
      acceleratorConfig(
        new Map<string, unknown>([
          ['type', 'nvidia-tesla-t4'],
          ['count', 0],
        ]),
      ),
    /greater than 0/,
  );
});

test('properties: flag > env > active configuration', () => {
  const config = tempDir('aip-config-');
  fs.mkdirSync(path.join(config, 'configurations'));
  fs.writeFileSync(path.join(config, 'active_config'), 'work\n');
  fs.writeFileSync(
    path.join(config, 'configurations', 'config_work'),
    '[core]\nproject = from-file\naccount = a@b\n[ai_platform]\nregion = europe-west4\n',
  );
  fs.writeFileSync(path.join(config, 'configurations', 'config_other'), '[core]\nproject = other-file\n');
  const p = new Properties({ CLOUDSDK_CONFIG: config, CLOUDSDK_CORE_ACCOUNT: 'env@b' });
  assert.equal(p.get('core/project'), 'from-file');
  assert.equal(p.get('core/account'), 'env@b');
  assert.equal(p.get('ai_platform/region'), 'europe-west4');
  p.setFromFlag('core/project', 'from-flag');
  assert.equal(p.get('core/project'), 'from-flag');
  assert.equal(new Properties({ CLOUDSDK_CONFIG: config }, 'other').get('core/project'), 'other-file');
  assert.equal(new Properties({ CLOUDSDK_CONFIG: config, CLOUDSDK_ACTIVE_CONFIG_NAME: 'other' }).get('core/project'), 'other-file');
});

test('regional endpoints prefix the host, also of an override', () => {
  assert.equal(regionalEndpoint('https://ml.googleapis.com/', 'us-central1'), 'https://us-central1-ml.googleapis.com/');
  assert.equal(regionalEndpoint('http://mlapi.localtest:8080/', 'europe-west1'), 'http://europe-west1-mlapi.localtest:8080/');
  assert.equal(regionalEndpoint('http://mlapi.localtest:8080/', 'global'), 'http://mlapi.localtest:8080/');
});
