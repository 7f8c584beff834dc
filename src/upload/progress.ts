// What a person sees while a model is staged: on a terminal, one line redrawn in place (files,
// bytes, rate, time left); elsewhere one summary line at the end; with --quiet or turned-down
// verbosity, nothing beyond gcloud's own lines.
import type { Output } from '../ui/output';
import type { StageProgress } from './stage';

/** Redraws at most this often (a terminal cannot show more, and each redraw costs a write). */
const REDRAW_INTERVAL_MS = 100;

export interface StagingProgressView {
  /** Pass as StageOptions.onProgress. */
  onProgress: (progress: StageProgress) => void;
}

/**
 * A progress view on `output`. `quiet` (--quiet / core/disable_prompts) drops the summary line too.
 * `now` is the clock (tests).
 */
export function stagingProgressView(output: Output, bucket: string, quiet: boolean, now: () => number = Date.now): StagingProgressView {
  const live = output.interactive && output.extraStatus;
  const started = now();
  let uploadStarted: number | undefined;
  let lastDraw = -Infinity;
  let lastPhase: StageProgress['phase'] | undefined;
  return {
    onProgress: (p) => {
      const t = now();
      if (p.phase === 'uploading') uploadStarted ??= t;
      if (p.phase === 'done') {
        const summary = summaryLine(p, (t - started) / 1000);
        if (live) {
          output.liveLine(summary);
          output.endLiveLine();
        } else if (output.extraStatus && !quiet) {
          output.status(summary);
        }
        return;
      }
      if (!live || (p.phase === lastPhase && t - lastDraw < REDRAW_INTERVAL_MS)) return;
      lastDraw = t;
      lastPhase = p.phase;
      output.liveLine(progressLine(p, bucket, uploadStarted === undefined ? 0 : (t - uploadStarted) / 1000));
    },
  };
}

/** The live line for one moment of staging; `elapsed` counts seconds since uploading began. */
export function progressLine(p: StageProgress, bucket: string, elapsed: number): string {
  if (p.phase === 'hashing') return `Hashing ${count(p.filesTotal, 'file')} (${bytes(p.bytesTotal)}) to name the staging folder...`;
  if (p.phase === 'listing') return `Checking what is already in gs://${bucket}/...`;
  const sent = p.bytesDone - p.bytesSkipped;
  const toSend = p.bytesTotal - p.bytesSkipped;
  const rate = elapsed > 0 ? sent / elapsed : 0;
  const eta = rate > 0 ? ` ETA ${duration((toSend - sent) / rate)}` : '';
  const skipped = p.filesSkipped > 0 ? `, ${p.filesSkipped} already there` : '';
  return `Uploading to gs://${bucket}/: ${p.filesDone}/${count(p.filesTotal, 'file')}${skipped}, ${bytes(p.bytesDone)}/${bytes(p.bytesTotal)}, ${bytes(rate)}/s${eta}`;
}

/** The line left at the end: what was sent, what was skipped, how long it took. */
export function summaryLine(p: StageProgress, seconds: number): string {
  if (p.filesSkipped === p.filesTotal)
    return `Nothing to upload: all ${count(p.filesTotal, 'file')} (${bytes(p.bytesTotal)}) are already staged.`;
  const uploaded = p.filesDone - p.filesSkipped;
  const sent = p.bytesDone - p.bytesSkipped;
  const skipped =
    p.filesSkipped > 0 ? `; ${count(p.filesSkipped, 'file')} (${bytes(p.bytesSkipped)}) already there, not uploaded again` : '';
  return `Staged ${count(uploaded, 'file')} (${bytes(sent)}) in ${seconds.toFixed(1)}s${skipped}.`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** 812 B, 7.8 KiB, 1.0 GiB. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** 0:07, 12:30, 1:02:03. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
