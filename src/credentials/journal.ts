// SQLite's rollback journal, read the way SQLite decides about it (sqlite.org/fileformat.html,
// "The Rollback Journal"; sqlite.org/lockingv3.html, "Hot Journals"): a journal is hot (left by a
// writer that died mid-transaction) when it is non-empty, its header is not zeroed, and no process
// holds the database's RESERVED lock. SQLite then rolls it back: it copies the original pages the
// journal saved into the database. Here the same is done to a copy in memory: the store is never written.
import * as fs from 'node:fs';

const JOURNAL_MAGIC = Buffer.from('d9d505f920a163d7', 'hex');
/** SQLite's lock bytes (its os_unix.c): PENDING at 2^30, RESERVED right after it. */
const RESERVED_BYTE = 0x40000001n;

/** Whether a process holds the RESERVED lock on `file` (a writer is mid-transaction); undefined where that cannot be told. */
export function writerHoldsLock(file: string): boolean | undefined {
  let locks: string;
  let stat: fs.BigIntStats;
  try {
    // SQLite locks with POSIX record locks; Linux lists every one in /proc/locks (there is no fcntl in Node).
    locks = fs.readFileSync('/proc/locks', 'latin1');
    stat = fs.statSync(file, { bigint: true });
  } catch {
    return undefined;
  }
  const major = ((stat.dev >> 8n) & 0xfffn) | ((stat.dev >> 32n) & ~0xfffn);
  const minor = (stat.dev & 0xffn) | ((stat.dev >> 12n) & ~0xffn);
  for (const line of locks.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 12093 fe:00:2148445 1073741825 1073741825" (a "->" marks a waiter)
    const m = /^\d+: (?:POSIX|OFDLCK)\s+\S+\s+\S+\s+\S+\s+([0-9a-f]+):([0-9a-f]+):(\d+) (\d+) (\d+|EOF)$/.exec(line.trim());
    if (!m || BigInt(m[3]) !== stat.ino || BigInt(`0x${m[1]}`) !== major || BigInt(`0x${m[2]}`) !== minor) continue;
    const start = BigInt(m[4]);
    const end = m[5] === 'EOF' ? undefined : BigInt(m[5]);
    if (start <= RESERVED_BYTE && (end === undefined || end >= RESERVED_BYTE)) return true;
  }
  return false;
}

/** A journal SQLite would leave alone: empty, or with its header zeroed (a transaction already committed). */
export function journalIsEmpty(journal: Buffer): boolean {
  return journal.length === 0 || journal[0] === 0;
}

/**
 * The database as SQLite's rollback of `journal` leaves it: each page record whose checksum holds
 * is put back, and the file is cut to its size before the transaction. Reading stops at the first
 * record or header that does not hold (a journal torn by the crash), as SQLite's playback does.
 */
export function rollBack(database: Buffer, journal: Buffer): Buffer {
  let pages = Buffer.from(database);
  let originalPages: number | undefined;
  let pageSize = 0;
  for (let header = 0; header + 28 <= journal.length; ) {
    if (!journal.subarray(header, header + 8).equals(JOURNAL_MAGIC)) break;
    let records = journal.readUInt32BE(header + 8);
    const nonce = journal.readUInt32BE(header + 12);
    originalPages ??= journal.readUInt32BE(header + 16);
    const sectorSize = journal.readUInt32BE(header + 20);
    pageSize = journal.readUInt32BE(header + 24);
    if (!isPowerOfTwo(pageSize, 512, 65536) || !isPowerOfTwo(sectorSize, 32, 65536)) break;
    const start = header + Math.max(sectorSize, 28);
    const recordSize = pageSize + 8;
    if (records === 0xffffffff) records = Math.floor((journal.length - start) / recordSize);
    let complete = true;
    for (let i = 0; i < records; i++) {
      const at = start + i * recordSize;
      if (at + recordSize > journal.length) {
        complete = false;
        break;
      }
      const pageNumber = journal.readUInt32BE(at);
      const data = journal.subarray(at + 4, at + 4 + pageSize);
      if (checksum(data, nonce) !== journal.readUInt32BE(at + 4 + pageSize)) {
        complete = false;
        break;
      }
      if (pageNumber === 0) continue;
      const offset = (pageNumber - 1) * pageSize;
      if (offset + pageSize > pages.length) pages = Buffer.concat([pages, Buffer.alloc(offset + pageSize - pages.length)]);
      data.copy(pages, offset);
    }
    if (!complete || records === 0) break;
    const end = start + records * recordSize;
    header = Math.ceil(end / sectorSize) * sectorSize;
  }
  return originalPages === undefined ? pages : pages.subarray(0, originalPages * pageSize);
}

/** SQLite's page-record checksum: the nonce plus every 200th byte, counted back from the page's end. */
function checksum(data: Buffer, nonce: number): number {
  let sum = nonce;
  for (let i = data.length - 200; i > 0; i -= 200) sum = (sum + data[i]) >>> 0;
  return sum;
}

function isPowerOfTwo(n: number, min: number, max: number): boolean {
  return n >= min && n <= max && (n & (n - 1)) === 0;
}
