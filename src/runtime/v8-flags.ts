// Every V8 flag the CLI sets at run time, in one place (see README.md for what each gains and when
// it goes). node:v8's setFlagsFromString changes the whole process: each setter here runs only on
// the path that gains from it, never at start-up, and a run that changed a flag writes no code
// cache (scripts/cli-loader.cjs).
import { setFlagsFromString } from 'node:v8';

let tunedForStaging = false;

/**
 * Staging a local origin: its hot work is native (stat, reads, hashing, socket writes), so the
 * optimizing tier (TurboFan) costs CPU and ~5 MB of compiler code pages for no gain, and the young
 * generation, which doubles under a burst of short-lived request objects that almost never survive
 * a scavenge, is kept at its size. Measured with 1000 files of 8 KiB: peak RSS 90 MB with V8's
 * defaults, 60 MB with these set before the walk; CPU unchanged. Called by the command once it
 * knows it will upload (not on --dry-run).
 */
export function tuneV8ForStaging(): void {
  tunedForStaging = true;
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * V8 puts the young-generation growth factor back to its default whenever an isolate sets up its
 * heap, a worker's included: called once a worker runs, it sets it again if staging had set it
 * (left undone, the main heap grew by ~4 MB while 1 GiB was uploaded).
 */
export function restoreStagingTuningAfterWorkerStart(): void {
  if (tunedForStaging) setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * undici parses answers with llhttp compiled to WebAssembly, on its first connection. V8 then
 * recompiles the hot parser functions with its optimizing tier in the background, and a process
 * that is done waits for those jobs before it exits: measured 0.1-1.5 s after the last output of a
 * one-request command (more on a loaded machine), for a parser that is never the bottleneck. The
 * baseline (Liftoff) code is kept. Set before the first connection is made.
 */
export function keepWasmOnBaselineTier(): void {
  setFlagsFromString('--liftoff-only');
}
