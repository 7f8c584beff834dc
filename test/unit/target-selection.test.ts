import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectTarget } from '../../src/config/target';
import { aiplatformEndpoint, isLocalEndpoint } from '../../src/config/endpoints';
import { Properties } from '../../src/config/properties';
import { UserError } from '../../src/errors';

test('the flag wins over GCLOUD_AIP_TARGET, which wins over the default', () => {
  assert.equal(selectTarget(undefined, {}), 'ai-platform');
  assert.equal(selectTarget(undefined, { GCLOUD_AIP_TARGET: '' }), 'ai-platform');
  assert.equal(selectTarget(undefined, { GCLOUD_AIP_TARGET: 'vertex-ai' }), 'vertex-ai');
  assert.equal(selectTarget('ai-platform', { GCLOUD_AIP_TARGET: 'vertex-ai' }), 'ai-platform');
  assert.equal(selectTarget('vertex-ai', {}), 'vertex-ai');
});

test('an unknown GCLOUD_AIP_TARGET is a user error naming the choices', () => {
  assert.throws(
    () => selectTarget(undefined, { GCLOUD_AIP_TARGET: 'vertex' }),
    (err: unknown) => err instanceof UserError && /GCLOUD_AIP_TARGET is set to \[vertex\].*ai-platform, vertex-ai/.test(err.message),
  );
});

function endpointFor(override: string | undefined, region: string): string {
  const env: NodeJS.ProcessEnv = { CLOUDSDK_CONFIG: '/nonexistent-gcloud-aip-test' };
  if (override !== undefined) env.CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM = override;
  return aiplatformEndpoint(new Properties(env), region);
}

test('Vertex AI hosts are regional as gcloud derives them: only a host starting with aiplatform gets the region', () => {
  assert.equal(endpointFor(undefined, 'europe-west4'), 'https://europe-west4-aiplatform.googleapis.com/');
  assert.equal(endpointFor('http://aiplatform.localhost:8080/', 'us-central1'), 'http://us-central1-aiplatform.localhost:8080/');
  assert.equal(endpointFor('http://127.0.0.1:8080/', 'us-central1'), 'http://127.0.0.1:8080/');
});

test('an endpoint on this machine is a local emulator; Google and other hosts are not', () => {
  for (const local of ['http://127.0.0.1:8089/', 'http://localhost:8089/', 'https://aiplatform.localhost:8443/', 'http://[::1]:8089/']) {
    assert.equal(isLocalEndpoint(local), true, local);
  }
  for (const remote of [
    'https://us-central1-aiplatform.googleapis.com/',
    'http://emulator:8089/',
    'http://127.0.0.1.example.com/',
    'not a url',
  ]) {
    assert.equal(isLocalEndpoint(remote), false, remote);
  }
});
