// The staging progress view: a live line on a terminal, one summary line elsewhere, nothing when
// output is turned down.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Output } from '../../src/ui/output';
import { bytes, duration, progressLine, stagingProgressView, summaryLine } from '../../src/upload/progress';
import type { StageProgress } from '../../src/upload/stage';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (text: string) => chunks.push(text) > 0 } as unknown as NodeJS.WriteStream };
}

function outputOn(isTTY: boolean, extra: { verbosity?: string; userOutputEnabled?: boolean } = {}) {
  const err = sink(isTTY);
  const output = new Output({
    stdout: sink(false).stream,
    stderr: err.stream,
    userOutputEnabled: extra.userOutputEnabled ?? true,
    verbosity: extra.verbosity ?? 'warning',
    interactive: isTTY,
  });
  return { output, written: err.chunks };
}

const base: StageProgress = {
  phase: 'hashing',
  filesTotal: 1000,
  bytesTotal: 8_192_000,
  filesDone: 0,
  bytesDone: 0,
  filesSkipped: 0,
  bytesSkipped: 0,
};
const uploading = (filesDone: number): StageProgress => ({ ...base, phase: 'uploading', filesDone, bytesDone: filesDone * 8192 });
const done: StageProgress = { ...base, phase: 'done', filesDone: 1000, bytesDone: 8_192_000 };

describe('staging progress view', () => {
  test('on a terminal: one line redrawn in place, at most every 100 ms, the summary left at the end', () => {
    const { output, written } = outputOn(true);
    let now = 0;
    const view = stagingProgressView(output, 'stage', false, () => now);
    view.onProgress(base);
    view.onProgress(uploading(0));
    now = 50;
    view.onProgress(uploading(10)); // too soon: not drawn
    now = 1000;
    view.onProgress(uploading(500));
    now = 2000;
    view.onProgress(done);
    assert.equal(written.length, 5);
    assert.ok(written.slice(0, 4).every((w) => w.startsWith('\r') && w.endsWith('\x1b[K')));
    assert.match(written[0], /Hashing 1000 files \(7\.8 MiB\)/);
    assert.match(written[2], /500\/1000 files, 3\.9 MiB\/7\.8 MiB, 3\.9 MiB\/s ETA 0:01/);
    assert.match(written[3], /Staged 1000 files \(7\.8 MiB\) in 2\.0s\./);
    assert.equal(written[4], '\n');
  });

  test('not a terminal: only the summary, once', () => {
    const { output, written } = outputOn(false);
    const view = stagingProgressView(output, 'stage', false, () => 0);
    for (const p of [base, uploading(0), uploading(500), done]) view.onProgress(p);
    assert.deepEqual(written, ['Staged 1000 files (7.8 MiB) in 0.0s.\n']);
  });

  test('--quiet, --verbosity=error and --no-user-output-enabled: nothing', () => {
    for (const [tty, quiet, extra] of [
      [false, true, {}],
      [true, true, {}],
      [false, false, { verbosity: 'error' }],
      [true, false, { verbosity: 'none' }],
      [true, false, { userOutputEnabled: false }],
    ] as const) {
      const { output, written } = outputOn(tty && !quiet, extra);
      const view = stagingProgressView(output, 'stage', quiet, () => 0);
      for (const p of [base, uploading(3), done]) view.onProgress(p);
      assert.deepEqual(written, [], JSON.stringify({ tty, quiet, extra }));
    }
  });

  test('lines say what was skipped', () => {
    const partly = { ...done, filesSkipped: 400, bytesSkipped: 400 * 8192 };
    assert.equal(summaryLine(partly, 1.25), 'Staged 600 files (4.7 MiB) in 1.3s; 400 files (3.1 MiB) already there, not uploaded again.');
    assert.equal(
      summaryLine({ ...done, filesSkipped: 1000, bytesSkipped: 8_192_000 }, 0.2),
      'Nothing to upload: all 1000 files (7.8 MiB) are already staged.',
    );
    assert.match(
      progressLine({ ...uploading(450), filesSkipped: 400, bytesSkipped: 400 * 8192 }, 'b', 1),
      /450\/1000 files, 400 already there,/,
    );
    assert.equal(progressLine({ ...base, phase: 'listing' }, 'b', 0), 'Checking what is already in gs://b/...');
  });

  test('sizes and durations', () => {
    assert.deepEqual([0, 812, 8192, 1.5 * 1024 ** 3].map(bytes), ['0 B', '812 B', '8.0 KiB', '1.5 GiB']);
    assert.deepEqual([0, 7, 61, 3723.2].map(duration), ['0:00', '0:07', '1:01', '1:02:04']);
  });
});

test('anything written to stderr after a live progress line starts on a line of its own', () => {
  let text = '';
  const write = (s: string) => {
    text += s;
    return true;
  };
  const stream = { write, isTTY: true } as unknown as NodeJS.WritableStream;
  const output = new Output({ stdout: stream, stderr: stream, userOutputEnabled: true, verbosity: 'warning', interactive: true });
  output.liveLine('Uploading to gs://b/: 3/9 files, ETA 0:03');
  output.error('ERROR: (gcloud.ai-platform.versions.create) Aborted by user.');
  assert.equal(text, '\rUploading to gs://b/: 3/9 files, ETA 0:03\x1b[K\nERROR: (gcloud.ai-platform.versions.create) Aborted by user.\n');
  text = '';
  output.liveLine('done');
  output.endLiveLine();
  output.warning('after');
  output.endLiveLine(); // nothing open: nothing written
  assert.equal(text, '\rdone\x1b[K\nWARNING: after\n');
});
