// V8 settings for staging a local origin. Staging is short and its hot work is native (stat,
// reads, hashing, socket writes), so two of V8's defaults cost more than they give there.
// Measured with 1000 files of 8 KiB, peak RSS 90 MB with both, 69 MB without them from the first
// upload, 60 MB without them from the walk on (a gs:// run: 55 MB); CPU unchanged:
// - TurboFan compiles the hot JS of the fs, http and stream modules at a cost in CPU, and pulls
//   ~5 MB of the optimizing compiler's code pages into memory; baseline code is fast enough here.
// - The young generation doubles under a burst of short-lived request objects, though almost
//   nothing survives a scavenge; it is kept at its size. V8 puts that growth factor back to its
//   default whenever an isolate sets up its heap, a worker's included: the checksum worker sets it
//   again once it runs (left undone, the main heap grew by ~4 MB while 1 GiB was uploaded).
// (undici's WebAssembly parser is kept off the optimizing tier on every path: src/net/dispatchers.ts.)
// Set when the walk starts, not at start-up: no other path gains from it (and a run that changed
// them writes no code cache: scripts/cli-loader.cjs).
import { setFlagsFromString } from 'node:v8';

export function tuneV8ForStaging(): void {
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--semi-space-growth-factor=1');
}
