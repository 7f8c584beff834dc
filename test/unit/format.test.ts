/**
 * renderFormat with expected output written out (verified against gcloud's
 * printer); runs everywhere, no SDK needed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { FormatError, renderFormat } from '../../src/format/format';
import { FORMATS_ADVICE } from '../../src/flags/suggest';
import { MODELS, ODD, OPERATION, VERSION, VERSIONS } from './format-fixtures';

/** Joins output lines, each terminated by a newline. */
function lines(...text: string[]): string {
  return text.map((line) => line + '\n').join('');
}

describe('json', () => {
  test('a single resource prints as one object with sorted keys, unicode kept', () => {
    assert.equal(
      renderFormat(VERSION, 'json'),
      lines(
        '{',
        '  "@type": "type.googleapis.com/google.cloud.ml.v1.Version",',
        '  "acceleratorConfig": {',
        '    "count": "1",',
        '    "type": "NVIDIA_TESLA_T4"',
        '  },',
        '  "autoScaling": {',
        '    "metrics": [',
        '      {',
        '        "name": "CPU_USAGE",',
        '        "target": 60',
        '      }',
        '    ],',
        '    "minNodes": 1',
        '  },',
        '  "container": {',
        '    "env": [',
        '      {',
        '        "name": "A",',
        '        "value": "1"',
        '      }',
        '    ],',
        '    "image": "i",',
        '    "ports": [',
        '      {',
        '        "containerPort": 8080',
        '      }',
        '    ]',
        '  },',
        '  "createTime": "2024-01-01T00:00:00Z",',
        '  "deploymentUri": "gs://b/m/",',
        '  "description": "Modèle — \\"quoted\\" & <b>",',
        '  "etag": "AAAAAAAAAAA=",',
        '  "labels": {',
        '    "env": "prod"',
        '  },',
        '  "name": "projects/p/models/m1/versions/v1",',
        '  "packageUris": [',
        '    "gs://a/1",',
        '    "gs://a/2"',
        '  ],',
        '  "state": "READY"',
        '}',
      ),
    );
  });

  test('a projection keeps only the named keys, with their nesting', () => {
    assert.equal(
      renderFormat(VERSION, 'json(acceleratorConfig)'),
      lines('{', '  "acceleratorConfig": {', '    "count": "1",', '    "type": "NVIDIA_TESLA_T4"', '  }', '}'),
    );
  });

  test('a projection matching nothing prints null', () => {
    assert.equal(renderFormat(VERSION, 'json(explanationConfig)'), 'null\n');
  });

  test('an explicitly projected empty dict is kept', () => {
    assert.equal(renderFormat({ ...VERSION, labels: {} }, 'json(labels)'), lines('{', '  "labels": {}', '}'));
  });

  test('a list prints as an array, transforms applied', () => {
    assert.equal(
      renderFormat(VERSIONS, 'json(name.basename(), state)'),
      lines(
        '[',
        '  {',
        '    "name": "v1",',
        '    "state": "READY"',
        '  },',
        '  {',
        '    "name": "v2_with_a_longer_name",',
        '    "state": "CREATING"',
        '  },',
        '  {',
        '    "name": "v0",',
        '    "state": "FAILED"',
        '  }',
        ']',
      ),
    );
  });

  test('empty results print []', () => {
    assert.equal(renderFormat([], 'json'), '[]\n');
    assert.equal(renderFormat({}, 'json'), '[]\n');
    assert.equal(renderFormat(null, 'json'), '[]\n');
  });

  test('Python number formatting: ints, float repr, escapes', () => {
    assert.equal(
      renderFormat(ODD, 'json(unicode, tab, null, emptyList, emptyDict, pi, tiny, big)'),
      lines(
        '{',
        '  "big": 12345678901,',
        '  "emptyDict": {},',
        '  "emptyList": [],',
        '  "null": null,',
        '  "pi": 3.141592653589793,',
        '  "tab": "a\\tb",',
        '  "tiny": 1e-05,',
        '  "unicode": "café ☕ 日本語 😀"',
        '}',
      ),
    );
  });
});

describe('yaml', () => {
  test('a single resource: sorted keys, gcloud quoting, unindented lists', () => {
    assert.equal(
      renderFormat(VERSION, 'yaml'),
      lines(
        "'@type': type.googleapis.com/google.cloud.ml.v1.Version",
        'acceleratorConfig:',
        "  count: '1'",
        '  type: NVIDIA_TESLA_T4',
        'autoScaling:',
        '  metrics:',
        '  - name: CPU_USAGE',
        '    target: 60',
        '  minNodes: 1',
        'container:',
        '  env:',
        '  - name: A',
        "    value: '1'",
        '  image: i',
        '  ports:',
        '  - containerPort: 8080',
        "createTime: '2024-01-01T00:00:00Z'",
        'deploymentUri: gs://b/m/',
        'description: Modèle — "quoted" & <b>',
        'etag: AAAAAAAAAAA=',
        'labels:',
        '  env: prod',
        'name: projects/p/models/m1/versions/v1',
        'packageUris:',
        '- gs://a/1',
        '- gs://a/2',
        'state: READY',
      ),
    );
  });

  test('a list prints one document per resource', () => {
    assert.equal(
      renderFormat(VERSIONS, 'yaml(name, labels)'),
      lines(
        '---',
        'labels:',
        '  env: prod',
        'name: projects/p/models/m1/versions/v1',
        '---',
        'name: projects/p/models/m1/versions/v2_with_a_longer_name',
        '---',
        'labels: {}',
        'name: projects/p/models/m1/versions/v0',
      ),
    );
  });

  test('scalar styles, literal blocks and line folding at 80 columns', () => {
    assert.equal(
      renderFormat(ODD, 'yaml'),
      lines(
        'big: 12345678901',
        "bool: 'true'",
        "colon: 'key: value'",
        "date: '2024-01-01'",
        "empty: ''",
        'emptyDict: {}',
        'emptyList: []',
        'flag: false',
        "float: '1.5'",
        "hash: 'a #comment'",
        'long: word word word word word word word word word word word word word word word word',
        '  word word word word word word word word word word word word word word',
        'multiline: |',
        '  line1',
        '  line2',
        'negative: -7',
        'nested:',
        '  a:',
        '    b:',
        '      c:',
        '      - 1',
        '      - - 2',
        '        - []',
        '      - d: null',
        'noTrailingNewline: |-',
        '  line1',
        '  line2',
        "'null': null",
        "number: '123'",
        'pi: 3.14159',
        "quote: it's",
        "spaces: '  padded  '",
        'tab: "a\\tb"',
        'tiny: 1e-05',
        'unicode: café ☕ 日本語 😀',
        'yes: yes',
        'zero: 0',
      ),
    );
  });

  test('the operation from --async', () => {
    assert.equal(
      renderFormat(OPERATION, 'yaml'),
      lines(
        'metadata:',
        "  '@type': type.googleapis.com/google.cloud.ml.v1.OperationMetadata",
        "  createTime: '2024-01-01T00:00:00Z'",
        '  modelName: projects/p/models/m1',
        '  operationType: CREATE_VERSION',
        '  version:',
        '    name: projects/p/models/m1/versions/v1',
        '    state: CREATING',
        'name: projects/p/operations/create_m1_v1-1700000000001',
      ),
    );
  });

  test('default is yaml; [null=...] replaces nulls', () => {
    assert.equal(renderFormat(VERSION, 'default'), renderFormat(VERSION, 'yaml'));
    assert.equal(renderFormat({ a: null, b: 1 }, 'yaml[null=NONE]'), lines('a: NONE', 'b: 1'));
    assert.equal(renderFormat({ a: null, b: 1 }, 'yaml[no-undefined]'), lines('b: 1'));
  });
});

describe('value, get, csv', () => {
  test('value: tab separated, lists joined by ;, dicts as k=v, missing as empty', () => {
    assert.equal(
      renderFormat(VERSION, 'value(name, labels, packageUris, missing)'),
      'projects/p/models/m1/versions/v1\tenv=prod\tgs://a/1;gs://a/2\t\n',
    );
    assert.equal(renderFormat(OPERATION, 'value(name)'), 'projects/p/operations/create_m1_v1-1700000000001\n');
  });

  test('value attributes: separator, terminator, quote', () => {
    assert.equal(
      renderFormat(VERSIONS, "value[separator=','](name.basename(), state)"),
      lines('v1,READY', 'v2_with_a_longer_name,CREATING', 'v0,FAILED'),
    );
    assert.equal(renderFormat(VERSION, "value[terminator=';'](state)"), 'READY;');
    assert.equal(renderFormat({ a: 'x\ty', b: 'p;q' }, 'value[quote](a, b)'), '"x\ty"\t"p;q"\n');
  });

  test('camelCase keys also match snake_case, and name.list implicitly slices', () => {
    assert.equal(renderFormat(VERSION, 'value(deployment_uri, container.ports.containerPort)'), 'gs://b/m/\t8080\n');
  });

  test('get disables transforms', () => {
    assert.equal(renderFormat(VERSION, 'get(name.basename())'), 'projects/p/models/m1/versions/v1\n');
  });

  test('csv: lower-cased snake_case heading, Python str() values, quoting', () => {
    assert.equal(
      renderFormat(VERSIONS, 'csv(name.basename(), state, isDefault)'),
      lines('name,state,is_default', 'v1,READY,', 'v2_with_a_longer_name,CREATING,True', 'v0,FAILED,'),
    );
    assert.equal(renderFormat([{ n: 'a, "b"', v: [' x', 'y'] }], 'csv[no-heading](n, v)'), '"a, ""b"""," x";y\n');
  });
});

describe('table', () => {
  test("gcloud's default versions list format", () => {
    assert.equal(
      renderFormat(VERSIONS, 'table(name.basename(), deploymentUri, state)'),
      lines(
        'NAME                   DEPLOYMENT_URI          STATE',
        'v1                     gs://b/m/               READY',
        'v2_with_a_longer_name  gs://bucket/models/v2/  CREATING',
        'v0                                             FAILED',
      ),
    );
  });

  test('models list: trailing empty cells leave no trailing space', () => {
    assert.equal(
      renderFormat(MODELS, 'table(name.basename(), defaultVersion.name.basename())'),
      lines('NAME  DEFAULT_VERSION_NAME', 'm1    v1', 'm2'),
    );
  });

  test('labels, sort, reverse and multi-line cells', () => {
    assert.equal(
      renderFormat(VERSIONS, 'table(name.basename():label=ID:sort=1:reverse, errorMessage)'),
      lines(
        'ID                     ERROR_MESSAGE',
        'v2_with_a_longer_name',
        'v1',
        'v0                     Bad model:',
        '                       line 2',
      ),
    );
  });

  test('box borders', () => {
    assert.equal(
      renderFormat(VERSIONS, 'table[box](name.basename(), state)'),
      lines(
        '┌───────────────────────┬──────────┐',
        '│          NAME         │  STATE   │',
        '├───────────────────────┼──────────┤',
        '│ v1                    │ READY    │',
        '│ v2_with_a_longer_name │ CREATING │',
        '│ v0                    │ FAILED   │',
        '└───────────────────────┴──────────┘',
      ),
    );
  });

  test('no-heading, wide characters, empty list', () => {
    assert.equal(
      renderFormat(
        [
          { n: '日本', v: 1 },
          { n: 'abc', v: 22 },
        ],
        'table[no-heading](n, v)',
      ),
      lines('日本  1', 'abc   22'),
    );
    assert.equal(renderFormat([], 'table(name)'), '');
  });
});

describe('text / flattened', () => {
  test('one aligned key: value line per leaf', () => {
    assert.equal(
      renderFormat(VERSIONS.slice(0, 1), 'text(name, labels.env, autoScaling.metrics[0].target)'),
      // Sorted by key path (autoScaling... first), then shown by column label.
      lines('---', 'target: 60', 'env:    prod', 'name:   projects/p/models/m1/versions/v1'),
    );
    assert.equal(renderFormat({ a: ' x', b: [] }, 'flattened'), lines('a: " x"', 'b: []'));
  });
});

describe('--flatten', () => {
  test('one record per list item', () => {
    assert.equal(renderFormat(VERSION, 'value(packageUris)', { flatten: ['packageUris'] }), lines('gs://a/1', 'gs://a/2'));
  });

  test('flattening makes the output a list', () => {
    assert.equal(
      renderFormat(VERSION, 'json(name.basename(), autoScaling.metrics)', { flatten: ['autoScaling.metrics'] }),
      lines(
        '[',
        '  {',
        '    "autoScaling": {',
        '      "metrics": {',
        '        "name": "CPU_USAGE",',
        '        "target": 60',
        '      }',
        '    },',
        '    "name": "v1"',
        '  }',
        ']',
      ),
    );
  });

  test('an empty list drops the resource; a non-list key replaces it', () => {
    assert.equal(
      renderFormat(
        [
          { a: [], n: 1 },
          { a: [2], n: 3 },
        ],
        'value(a, n)',
        { flatten: ['a'] },
      ),
      '2\t3\n',
    );
    assert.equal(renderFormat(VERSION, 'json', { flatten: ['state'] }), lines('[', '  "READY"', ']'));
  });
});

describe('list', () => {
  test('one entry per resource, dicts as sorted key: value lines', () => {
    assert.equal(
      renderFormat(MODELS, 'list[title=Models](name.basename(), regions)'),
      lines('Models', " - m1\n   ['us-central1']", ' - m2'),
    );
    assert.equal(renderFormat([{ b: 1, a: 'x', n: null }], 'list'), lines(' - a: x\n   b: 1'));
  });
});

describe('other printers and errors', () => {
  test('none and disable print nothing; a projection without a printer prints nothing', () => {
    assert.equal(renderFormat(VERSION, 'none'), '');
    assert.equal(renderFormat(VERSION, 'disable'), '');
    assert.equal(renderFormat(VERSION, '(name)'), '');
  });

  test('a later printer name takes over an earlier projection', () => {
    assert.equal(renderFormat(VERSIONS, 'table(name.basename(), state) value(state)'), lines('READY', 'CREATING', 'FAILED'));
  });

  test('isList: false prints an array as one resource', () => {
    assert.equal(renderFormat([1, 2], 'json', { isList: false }), lines('[', '  1,', '  2', ']'));
    assert.equal(renderFormat([1, 2], 'json', { isList: true }), lines('[', '  1,', '  2', ']'));
    assert.equal(renderFormat([1, 2], 'value(.)', { isList: false }), '1;2\n');
  });

  const errors: Array<[string, string]> = [
    [
      'foo',
      'Format must be one of config, csv, default, diff, disable, flattened, get, json, list, multi, none, ' +
        `object, table, text, value, yaml; received [foo].\n\n${FORMATS_ADVICE}`,
    ],
    ['table(name', 'More tokens expected [table(name *HERE*].'],
    ['table(name.nope())', 'Unknown transform function nope [table(name.nope( *HERE* ))].'],
    ['json(name:foo=1)', 'Unknown key attribute [json(name:foo *HERE* =1)].'],
    ['json(a b)', 'Expected ) in projection expression [json(a *HERE* b)].'],
    ['value[x', 'More tokens expected [value[x *HERE*].'],
    ['12json', 'Name expected [*HERE* 12json].'],
    ['table', 'Format [table] requires a non-empty projection. Use key parameters to specify a projection like so `table(foo, bar.baz)`'],
  ];
  for (const [format, message] of errors) {
    test(`--format=${JSON.stringify(format)} fails like gcloud`, () => {
      assert.throws(
        () => renderFormat(VERSION, format),
        (error: unknown) => {
          assert.ok(error instanceof FormatError);
          assert.equal(error.message, message);
          return true;
        },
      );
    });
  }
});
