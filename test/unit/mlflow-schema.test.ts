// The model-versions/create limits (OCI AI Data Platform reference), on both sides of each one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequestProblems, modelVersionResponseSchema } from '../../src/mlflow/schema';

const base = { name: 'iris', source: 'gs://bucket/model/' };
const chars = (n: number) => 'x'.repeat(n);
const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
const fields = (request: unknown) => createRequestProblems(request).map((p) => p.field);

describe('model-versions/create request limits', () => {
  const stringLimits: [field: string, min: number | undefined, max: number][] = [
    ['name', 1, 255],
    ['source', 1, 500],
    ['run_id', 1, 32],
    ['run_link', undefined, 500],
    ['description', undefined, 5000],
    ['model_id', undefined, 36],
  ];
  for (const [field, min, max] of stringLimits) {
    test(`${field}: ${min ?? 0} to ${max} characters`, () => {
      assert.deepEqual(createRequestProblems({ ...base, [field]: chars(max) }), []);
      assert.deepEqual(createRequestProblems({ ...base, [field]: chars(max + 1) }), [
        { field, message: `at most ${max} characters (got ${max + 1})` },
      ]);
      if (min === 1) {
        assert.deepEqual(createRequestProblems({ ...base, [field]: chars(1) }), []);
        assert.deepEqual(createRequestProblems({ ...base, [field]: '' }), [{ field, message: 'must not be empty' }]);
      } else {
        assert.deepEqual(createRequestProblems({ ...base, [field]: '' }), []);
      }
    });
  }

  test('name and source are required; optional fields may be left out', () => {
    assert.deepEqual(fields({}), ['name', 'source']);
    assert.deepEqual(createRequestProblems(base), []);
  });

  test('at most 20 tags', () => {
    assert.deepEqual(createRequestProblems({ ...base, tags: tags(20) }), []);
    assert.deepEqual(createRequestProblems({ ...base, tags: tags(21) }), [{ field: 'tags', message: 'at most 20 tags (got 21)' }]);
  });

  test('tag key: 1 to 250 characters; value: at most 8000', () => {
    assert.deepEqual(
      createRequestProblems({
        ...base,
        tags: [
          { key: chars(1), value: '' },
          { key: chars(250), value: chars(8000) },
        ],
      }),
      [],
    );
    assert.deepEqual(
      createRequestProblems({
        ...base,
        tags: [
          { key: '', value: 'v' },
          { key: chars(251), value: chars(8001) },
        ],
      }),
      [
        { field: 'tags[0].key', message: 'must not be empty' },
        { field: 'tags[1].key', message: 'at most 250 characters (got 251)' },
        { field: 'tags[1].value', message: 'at most 8000 characters (got 8001)' },
      ],
    );
  });

  test('every problem is reported at once; unknown fields and wrong types too', () => {
    assert.deepEqual(fields({ name: '', source: chars(501), run_id: chars(33), tags: [{ key: 'k', value: 3 }], bogus: true }), [
      'name',
      'source',
      'run_id',
      'tags[0].value',
      'request',
    ]);
    assert.equal(createRequestProblems({ ...base, bogus: 1 })[0].message, 'unknown field(s) bogus');
  });
});

describe('model version in the answer', () => {
  const answer = (modelVersion: Record<string, unknown>) =>
    modelVersionResponseSchema.safeParse({ model_version: { name: 'iris', version: '1', ...modelVersion } });

  test('status is one of the documented values; unknown fields are kept', () => {
    for (const status of ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']) assert.equal(answer({ status }).success, true);
    assert.equal(answer({ status: 'DONE' }).success, false);
    const parsed = answer({ status: 'READY', aliases: ['prod'] });
    assert.deepEqual(parsed.success && parsed.data.model_version.aliases, ['prod']);
  });

  test('version: 1 to 64 characters', () => {
    assert.equal(answer({ version: chars(64) }).success, true);
    assert.equal(answer({ version: chars(65) }).success, false);
    assert.equal(answer({ version: '' }).success, false);
    assert.equal(modelVersionResponseSchema.safeParse({}).success, false);
  });
});
