// Sizes that shape staging: which files go in one request, how many uploads run at once, and how
// much file data may sit in memory.
import { UserError } from '../errors';

/** gcloud (apitools) sends files up to this size as one multipart request, bigger ones resumably. */
export const MULTIPART_MAX_BYTES = 5 * 1024 * 1024;

/** storage/upload_chunk_size when unset: gcloud's 100 MiB. */
export const DEFAULT_CHUNK_BYTES = 100 * 1024 * 1024;

/** storage/upload_chunk_size: plain bytes or sizes like 100MiB / 8M; undefined when unset. */
export function uploadChunkSize(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^\s*(\d+)\s*([kmgt]?)(i?b?)\s*$/i.exec(value);
  if (!m) throw new UserError(`Invalid value for [storage/upload_chunk_size]: ${value}`);
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const base = m[3].toLowerCase().startsWith('i') || m[2] ? 1024 : 1;
  return Number(m[1]) * base ** power;
}

/** Resumable chunks must be multiples of this (except the last), as Cloud Storage requires. */
export const CHUNK_GRANULARITY_BYTES = 256 * 1024;

/**
 * Small uploads in flight. Each costs a round trip and little else, so many run at once: with a
 * 20 ms round trip, 32 connections move ~1600 small files a second.
 */
export const SMALL_FILE_CONCURRENCY = 32;

/** Big (resumable) uploads in flight: one stream already moves ~1.2 GB/s over loopback; two fill the link. */
export const BIG_FILE_CONCURRENCY = 2;

/**
 * Each small upload in flight reads its file into a reused buffer of this size (so 32 of them hold
 * at most 2 MiB); a bigger file gets a buffer of its own, counted against IN_FLIGHT_BUDGET_BYTES.
 */
export const SMALL_READ_BUFFER_BYTES = 64 * 1024;

/** Bytes of small files bigger than SMALL_READ_BUFFER_BYTES being uploaded at once. */
export const IN_FLIGHT_BUDGET_BYTES = 16 * 1024 * 1024;

/**
 * Each big upload streams through two buffers of this size: one read while the other is sent.
 * 512 KiB moves as fast as 1-8 MiB over loopback (measured) with less memory.
 */
export const STREAM_BUFFER_BYTES = 512 * 1024;

/**
 * Big files adding up to more than this get their crc32c on a worker thread (checksum-worker.ts),
 * on the second core while this one runs the sha256 pass, rather than in that pass: above it, the
 * checksum on the main thread costs more wall time than the worker's start-up and memory (~3-4 MB
 * of peak RSS with a 1 GiB origin).
 */
export const WORKER_CHECKSUM_MIN_BYTES = 128 * 1024 * 1024;
