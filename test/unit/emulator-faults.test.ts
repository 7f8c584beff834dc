// The emulator's fault injection: the spec grammar, the seeded decisions, and what each fault does
// to a real exchange (whether the server acted, what the client sees, what the log records).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FaultInjector, FaultSpecError, parseFaultSpec } from '../../src/emulator/faults';
import { startEmulator, type RunningEmulator } from '../../src/emulator';

describe('fault spec', () => {
  test('parses rates and options', () => {
    const spec = parseFaultSpec('seed=7, 503=0.1,429=0.05,reset=0.02,lost=0.01,slow=0.2,slow-ms=50,retry-after=0,max=3,match=^POST ');
    assert.equal(spec.seed, 7);
    assert.deepEqual(spec.rates, { 503: 0.1, 429: 0.05, reset: 0.02, lost: 0.01, slow: 0.2 });
    assert.equal(spec.slowMs, 50);
    assert.equal(spec.retryAfterSeconds, 0);
    assert.equal(spec.max, 3);
    assert.ok(spec.match?.test('POST /v1/x'));
  });

  for (const [text, message] of [
    ['503', /expected KEY=VALUE/],
    ['500=0.1', /Invalid fault spec key \[500\]/],
    ['503=2', /from 0 to 1, not \[2\]/],
    ['503=abc', /from 0 to 1/],
    ['503=0.6,429=0.6', /add up to 1\.2/],
    ['seed=-1', /whole number/],
    ['match=(', /not a regular expression/],
  ] as const) {
    test(`refuses ${text}`, () =>
      assert.throws(
        () => parseFaultSpec(text),
        (err: Error) => err instanceof FaultSpecError && message.test(err.message),
      ));
  }

  test('the same seed gives the same decisions; another seed others', () => {
    const run = (seed: number) => {
      const injector = new FaultInjector(parseFaultSpec(`seed=${seed},503=0.2,reset=0.2,lost=0.2`));
      return Array.from({ length: 200 }, () => injector.decide('GET', '/v1/x')?.kind ?? '-').join(',');
    };
    assert.equal(run(11), run(11));
    assert.notEqual(run(11), run(12));
    const kinds = new Set(run(11).split(','));
    for (const kind of ['503', 'reset', 'lost', '-']) assert.ok(kinds.has(kind), kind);
  });

  test('match limits the requests; max the number of faults', () => {
    const injector = new FaultInjector(parseFaultSpec('lost=1,match=^POST .*/versions$,max=1'));
    assert.equal(injector.decide('GET', '/v1/projects/p/models/m/versions'), undefined);
    assert.equal(injector.decide('POST', '/v1/projects/p/models/m/versions')?.kind, 'lost');
    assert.equal(injector.decide('POST', '/v1/projects/p/models/m/versions'), undefined);
    assert.equal(injector.counts.lost, 1);
  });
});

describe('faults on the wire', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ operationDelayMs: 0 });
  });
  after(() => emu.close());
  beforeEach(() => {
    emu.setFaults(undefined);
    emu.clearRequests();
  });

  const createModel = (name: string) =>
    fetch(new URL('/v1/projects/p/models', emu.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
  const modelExists = async (name: string) => (await fetch(new URL(`/v1/projects/p/models/${name}`, emu.url))).status === 200;

  test('503 and 429 answer before anything is done, 429 with Retry-After', async () => {
    emu.setFaults('503=1,retry-after=4');
    const refused = await createModel('m503');
    assert.equal(refused.status, 503);
    assert.equal((await refused.json()).error.status, 'UNAVAILABLE');
    emu.setFaults('429=1,retry-after=4');
    const limited = await createModel('m429');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '4');
    emu.setFaults(undefined);
    assert.equal(await modelExists('m503'), false);
    assert.equal(await modelExists('m429'), false);
    assert.deepEqual(
      emu
        .requests()
        .slice(0, 2)
        .map((r) => [r.status, r.fault]),
      [
        [503, '503'],
        [429, '429'],
      ],
    );
  });

  test('reset cuts the connection mid-body: the client sees an error, nothing is created', async () => {
    emu.setFaults('reset=1');
    await assert.rejects(createModel('mreset'));
    emu.setFaults(undefined);
    assert.equal(await modelExists('mreset'), false);
    assert.deepEqual(emu.requests()[0].fault, 'reset');
  });

  test('lost: the server acts, the client never gets the answer', async () => {
    emu.setFaults('lost=1');
    await assert.rejects(async () => {
      const res = await createModel('mlost');
      await res.text(); // the body breaks off
    });
    emu.setFaults(undefined);
    assert.equal(await modelExists('mlost'), true);
    assert.deepEqual([emu.requests()[0].status, emu.requests()[0].fault], [200, 'lost']);
  });

  test('slow answers normally, and the log says it was held back', async () => {
    emu.setFaults('slow=1,slow-ms=10');
    assert.equal((await createModel('mslow')).status, 200);
    assert.equal(emu.requests()[0].fault, 'slow');
    assert.equal(emu.faultCounts()?.slow, 1);
  });

  test('the request log itself is never faulted', async () => {
    emu.setFaults('503=1');
    const res = await fetch(new URL('/__emulator/requests', emu.url));
    assert.equal(res.status, 200);
  });
});
