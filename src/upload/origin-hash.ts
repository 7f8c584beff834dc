// Staging's hash pass on its own: the folder's name (the sha256 of every file) and the crc32c each
// file's upload is checked against. Staging runs it first; a check that needs the folder's name
// before staging (the Vertex AI target's same-alias check) runs it earlier, and staging then takes
// its result instead of reading every file again.
import { availableParallelism } from 'node:os';
import { nativeCrc32cModule } from '../checksum/crc32c';
import { Crc32cWorker } from './checksum-worker';
import { MULTIPART_MAX_BYTES, WORKER_CHECKSUM_MIN_BYTES } from './limits';
import { computeStagingPrefix, newBufferPair } from './prefix';
import { compareRelPaths, type DirectoryListing, type OriginFile } from './walk';

export interface HashedOrigin {
  listing: DirectoryListing;
  /** The folder's name: the sha256 of every file's bytes. */
  prefix: string;
  /** The crc32c (base64) of the bytes hashed: every file's, but big files' when the worker takes them. */
  checksums: Map<OriginFile, string>;
  /** Big files' crc32c from the worker, when they are many (see hashOrigin). */
  fromWorker: Map<OriginFile, Promise<string>>;
  /** Stops the worker, if it is still reading; checksums not delivered yet are rejected. */
  close(): void;
}

/**
 * Reads every file once. Every file's crc32c is taken in the pass, except where big files add up
 * to more than WORKER_CHECKSUM_MIN_BYTES and there is a second core: theirs are taken on a worker
 * meanwhile (on the CPU's CRC32C instruction where @node-rs/crc32 has a binary; a failure
 * surfaces where it is awaited), so that this thread's pass is the sha256 chain alone. The sha256
 * of 1 GiB takes ~0.7 s on one core, its crc32c ~0.2 s more on the same core, or ~0.3 s on the
 * other one reading the bytes again (docs/ARCHITECTURE.md, "Big files"). The worker reads the big
 * files in the pass's order, ~3x faster than the pass hashes them: it is also the pass's read-ahead.
 */
export async function hashOrigin(
  listing: DirectoryListing,
  { signal, buffers = newBufferPair() }: { signal?: AbortSignal; buffers?: [Buffer, Buffer] } = {},
): Promise<HashedOrigin> {
  const checksums = new Map<OriginFile, string>();
  const fromWorker = new Map<OriginFile, Promise<string>>();
  let worker: Crc32cWorker | undefined;
  // In the pass's order, whoever built the listing: the worker reads ahead of the pass.
  const bigFiles = listing.files.filter((f) => f.size > MULTIPART_MAX_BYTES).sort((a, b) => compareRelPaths(a.relPath, b.relPath));
  if (bigFiles.reduce((sum, f) => sum + f.size, 0) > WORKER_CHECKSUM_MIN_BYTES && availableParallelism() > 1) {
    worker = new Crc32cWorker(
      bigFiles.map((file) => file.absPath),
      nativeCrc32cModule(),
    );
    for (const [i, file] of bigFiles.entries()) fromWorker.set(file, worker.crc32cs[i]);
    for (const pending of worker.crc32cs) pending.catch(() => undefined);
  }
  const close = () => worker?.stop();
  const onWorker = (file: OriginFile) => fromWorker.has(file);
  try {
    const prefix = await computeStagingPrefix(listing, buffers, {
      signal,
      checksums,
      checksumOf: (file) => !onWorker(file),
      readAhead: onWorker,
    });
    return { listing, prefix, checksums, fromWorker, close };
  } catch (err) {
    close();
    throw err;
  }
}
