// gcloud's transforms as used on these resources. date(): every case of fidelity-date-cases.json is
// [resource, format, tz, tz_default, output] as gcloud 528's own TransformDate returned it (run with
// TZ=UTC and undefined='UNDEF'): timestamps and RFC 3339 strings, glibc's strftime directives,
// gcloud's %Nf/%Ez/%Oz/%s, zone conversion and the zone abbreviations of tzdata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transformDate } from '../../src/format/date-transform';
import { renderFormat } from '../../src/format/format';

process.env.TZ = 'UTC';

type DateCase = [r: unknown, format: string | null, tz: string | null, tzDefault: string | null, expected: string];
const DATE_CASES = JSON.parse(fs.readFileSync(path.join(__dirname, 'fidelity-date-cases.json'), 'utf8')) as DateCase[];

const HAVE_TZDATA = fs.existsSync('/usr/share/zoneinfo/Asia/Kolkata');

for (const [r, format, tz, tzDefault, expected] of DATE_CASES) {
  // Zone abbreviations come from the system's tzdata; without it only the offsets are comparable.
  const needsNames = format?.includes('%Z') && !HAVE_TZDATA;
  test(`date(${JSON.stringify(format)}, tz=${tz}, tz_default=${tzDefault}) of ${JSON.stringify(r)}`, {
    skip: needsNames ? 'no tzdata on this system' : false,
  }, () => {
    assert.equal(transformDate(r, format, 1, 'UNDEF', tz, tzDefault), expected);
  });
}

test('date() in a --format projection, with positional and keyword arguments', () => {
  const version = { name: 'projects/p/models/m/versions/v1', createTime: '2026-12-02T09:03:41.797Z' };
  assert.equal(renderFormat(version, 'value(name.basename(), createTime.date("%Y/%m/%d"))'), 'v1\t2026/12/02\n');
  assert.equal(renderFormat(version, 'value(createTime.date(format="%H:%M %Z", tz=Asia/Tokyo))'), '18:03 JST\n');
  assert.equal(renderFormat(version, 'value(name.date(undefined=never))'), 'never\n');
  assert.equal(renderFormat({ t: 1700000000000 }, 'value(t.date(unit=1000))'), '2023-11-14T22:13:20\n');
});

test("an unknown transform is refused with gcloud's message", () => {
  assert.throws(() => renderFormat({}, 'value(name.nosuch())'), {
    message: 'Unknown transform function nosuch [value(name.nosuch( *HERE* ))].',
  });
});
