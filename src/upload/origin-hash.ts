// Staging's hash pass on its own: the folder's name (the sha256 of every file) and the crc32c each
// file's upload is checked against. Staging runs it first; a check that needs the folder's name
// before staging (the Vertex AI target's same-alias check) runs it earlier, and staging then takes
// its result instead of reading every file again.
import { availableParallelism } from 'node:os';
import { nativeCrc32cModule } from '../checksum/crc32c';
import { Crc32cWorker } from './checksum-worker';
import { MULTIPART_MAX_BYTES, WORKER_CHECKSUM_MIN_BYTES } from './limits';
import { computeStagingPrefix, newBufferPair } from './prefix';
import { compareRelPaths, gcloudLocalPath, unreadableFileError, type DirectoryListing, type OriginFile } from './walk';

export interface HashedOrigin {
  listing: DirectoryListing;
  /** The folder's name: the sha256 of every file's bytes. */
  prefix: string;
  /** Every file's crc32c (base64), of the bytes hashed: from the pass, or for big files from the worker. */
  checksums: Map<OriginFile, string>;
}

/**
 * Reads every file once. Every file's crc32c is taken in the pass, except where big files add up
 * to more than WORKER_CHECKSUM_MIN_BYTES and there is a second core: theirs are taken on a worker
 * meanwhile (on the CPU's CRC32C instruction where @node-rs/crc32 has a binary), so that this
 * thread's pass is the sha256 chain alone. The sha256 of 1 GiB takes ~0.7 s on one core, its
 * crc32c ~0.2 s more on the same core, or ~0.3 s on the other one reading the bytes again
 * (docs/ARCHITECTURE.md, "Big files"). The worker reads the big files in the pass's order, ~3x
 * faster than the pass hashes them: it is also the pass's read-ahead, and it has delivered every
 * checksum (and ended) by the time the pass does, so the result is complete and holds no thread.
 */
export async function hashOrigin(
  listing: DirectoryListing,
  { signal, buffers = newBufferPair() }: { signal?: AbortSignal; buffers?: [Buffer, Buffer] } = {},
): Promise<HashedOrigin> {
  const checksums = new Map<OriginFile, string>();
  // In the pass's order, whoever built the listing: the worker reads ahead of the pass.
  const bigFiles = listing.files.filter((f) => f.size > MULTIPART_MAX_BYTES).sort((a, b) => compareRelPaths(a.relPath, b.relPath));
  const onWorker = new Set<OriginFile>();
  let worker: Crc32cWorker | undefined;
  if (bigFiles.reduce((sum, f) => sum + f.size, 0) > WORKER_CHECKSUM_MIN_BYTES && availableParallelism() > 1) {
    worker = new Crc32cWorker(
      bigFiles.map((file) => file.absPath),
      nativeCrc32cModule(),
    );
    for (const file of bigFiles) onWorker.add(file);
    for (const pending of worker.crc32cs) pending.catch(() => undefined); // seen below, unless the pass fails first
  }
  try {
    const prefix = await computeStagingPrefix(listing, buffers, {
      signal,
      checksums,
      checksumOf: (file) => !onWorker.has(file),
      readAhead: (file) => onWorker.has(file),
    });
    for (const [i, file] of worker ? bigFiles.entries() : []) {
      checksums.set(
        file,
        await worker!.crc32cs[i].catch((err: unknown) =>
          Promise.reject(unreadableFileError(gcloudLocalPath(listing.origin, file.relPath), err)),
        ),
      );
    }
    return { listing, prefix, checksums };
  } finally {
    worker?.stop(); // ended already, unless the pass failed
  }
}
