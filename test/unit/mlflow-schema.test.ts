// The model-versions/create limits (OCI AI Data Platform reference), on both sides of each one, and
// MLflow's own rules on names, tag keys and sources.
import { modelNameProblem, sourceProblem, tagKeyProblem } from '../../src/mlflow/rules';
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

describe("MLflow's own rules (rules.ts), as a real MLflow server applies them", () => {
  const names: [string, boolean][] = [
    ['iris', true],
    ['iris model v1.2_a-b', true],
    ['..iris', false],
    ['.', false],
    ['..', false],
    ['team/iris', false],
    ['iris:v1', false],
    ['iris%', false],
    ['', false],
  ];
  for (const [name, ok] of names) {
    test(`model name [${name}] ${ok ? 'accepted' : 'refused'}`, () => assert.equal(modelNameProblem(name) === undefined, ok));
  }
  const keys: [string, boolean][] = [
    ['stage', true],
    ['ai-platform.operation', true],
    ['team/owner', true],
    ['a:b c', true],
    ['a//b', false],
    ['owner/', false],
    ['./a', false],
    ['a/./b', false],
    ['a/../b', false],
    ['/a', false],
    ['..a', false],
    ['bad!key', false],
    ['', false],
  ];
  for (const [key, ok] of keys) {
    test(`tag key [${key}] ${ok ? 'accepted' : 'refused'}`, () => assert.equal(tagKeyProblem(key) === undefined, ok));
  }
  const sources: [string, boolean][] = [
    ['gs://b/iris/v1/', true],
    ['s3://b/m', true],
    ['runs:/0123abcd/model', true],
    ['models:/iris/1', true],
    ['/srv/models/iris', true],
    ['file:///srv/models/iris', true],
    ['gs://b', false],
    ['gs://b/', false],
    ['s3://b//', false],
    ['gs://b/a/../m/', false],
    ['gs://b/./m/', false],
    ['gs://b/a/%2E%2E/m/', false],
    ['/srv/../etc', false],
  ];
  for (const [source, ok] of sources) {
    test(`source [${source}] ${ok ? 'accepted' : 'refused'}`, () => assert.equal(sourceProblem(source) === undefined, ok));
  }

  test('the messages are MLflow-worded, and say what a path-like key resolves to', () => {
    assert.equal(
      tagKeyProblem('a//b'),
      "Invalid tag name: 'a//b'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a/b'.",
    );
    assert.equal(tagKeyProblem('owner/')?.endsWith("would resolve to 'owner'."), true);
  });
});
