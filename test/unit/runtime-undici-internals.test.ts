// undici's private paths (src/runtime/undici-internals.ts) are not its API: a release may move or
// change them. package.json pins the minor version they were read from; this loads each one and
// checks it is what undici's own index exports, so a bump that breaks one fails here, not in use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as undici from 'undici';
import { loadAgent, loadBuildConnector, loadProxyAgent, UNDICI_PRIVATE_PATHS } from '../../src/runtime';

test('every private undici path loads', () => {
  for (const path of UNDICI_PRIVATE_PATHS) assert.ok(require(path), path);
});

test('the private paths are the classes and functions undici exports', () => {
  assert.equal(loadAgent(), undici.Agent);
  assert.equal(loadBuildConnector(), undici.buildConnector);
  assert.equal(loadProxyAgent(), undici.ProxyAgent);
  assert.equal(require('undici/lib/api/api-connect'), (undici.Dispatcher.prototype as unknown as { connect: unknown }).connect);
});

test('the ProxyAgent loaded without the index can open a CONNECT tunnel', () => {
  const ProxyAgent = loadProxyAgent();
  const agent = new ProxyAgent({ uri: 'http://127.0.0.1:9' });
  assert.equal(typeof (agent as unknown as { connect: unknown }).connect, 'function');
  void agent.close();
});

test('the installed undici is the minor version package.json pins', () => {
  const spec: string = require('../../package.json').devDependencies.undici;
  const installed: string = require('undici/package.json').version;
  const pinned = /^~(\d+)\.(\d+)\.\d+$/.exec(spec);
  assert.ok(pinned, `undici is pinned with ~major.minor.patch, not ${spec}`);
  assert.deepEqual(installed.split('.').slice(0, 2), [pinned[1], pinned[2]]);
});
