// A read-only reader of SQLite database files, enough for gcloud's credential store: it walks table
// b-trees (overflow pages included) and decodes records, per the documented file format
// (sqlite.org/fileformat.html). It never writes, takes no locks and keeps no file open: it reads a
// snapshot of the file, retries while a writer (a running gcloud) is in the middle of a
// transaction, and rolls back (in memory) the journal of one that died mid-transaction. Why not a library: node:sqlite needs Node ≥ 22.5, a native addon needs a compiler
// or a downloaded prebuilt at install time, and sql.js (WASM) costs ~0.45 s to load (see README).
import * as fs from 'node:fs';
import { UserError } from '../errors';
import { FileTooLargeError, NotRegularFileError, readRegularFile } from '../io/bounded-read';
import { journalIsEmpty, rollBack, writerHoldsLock } from './journal';

export type SqlValue = null | number | bigint | string | Buffer;
export type Row = Record<string, SqlValue>;

/** A file that is not a database this reader can read: the user's to fix (exit 1), said in one line. */
export class SqliteFormatError extends UserError {
  constructor(file: string, reason: string) {
    super(`[${file}] is not a readable SQLite database: ${reason}`);
    this.name = 'SqliteFormatError';
  }
}

/** The credential store is a few KiB; anything near this is not gcloud's. */
const MAX_DATABASE_BYTES = 64 * 1024 * 1024;
/** gcloud waits up to 5 s for its own store's lock; a reader waits as long for a writer to finish. */
const BUSY_TIMEOUT_MS = 5000;
const BUSY_RETRY_MS = 25;

const MAGIC = 'SQLite format 3\0';

/**
 * A consistent snapshot of a database file, as SQLite would read it: while a writer holds the
 * database (its RESERVED lock, with a rollback journal) the read waits, up to BUSY_TIMEOUT_MS; a
 * journal no process holds is hot, left by a writer that died mid-transaction, and is rolled back
 * in memory (journal.ts). Where locks cannot be seen (no /proc/locks), a journal that stayed the
 * same for the whole wait is taken for a dead writer's. Each read is kept only if the journal and
 * the file change counter did not move during it. Undefined when there is no such file.
 * Synchronous (the wait for a writer blocks): it runs once, before any request.
 */
export function readDatabaseSnapshot(file: string, busyTimeoutMs = BUSY_TIMEOUT_MS): SqliteDatabase | undefined {
  const deadline = Date.now() + busyTimeoutMs;
  const firstJournal = journalState(file);
  for (let first = true; ; first = false) {
    const journal = first ? firstJournal : journalState(file);
    const live = journal && writerHoldsLock(file);
    const waitedOut = Date.now() > deadline;
    const stale = journal && (live === false || (live === undefined && waitedOut && journal === firstJournal));
    if (!journal || stale) {
      const bytes = readStable(file, journal);
      if (bytes === undefined) return undefined;
      if (bytes !== 'busy') return new SqliteDatabase(file, journal ? rollBack(bytes, readJournal(file)) : bytes);
    }
    if (waitedOut) throw new SqliteFormatError(file, 'another process kept it locked (database is locked)');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_RETRY_MS);
  }
}

/** The journal's size and time of change, when there is a journal SQLite would act on (not empty, header not zeroed). */
function journalState(file: string): string | undefined {
  try {
    const stat = fs.statSync(`${file}-journal`);
    if (stat.size === 0 || !stat.isFile()) return undefined;
    const fd = fs.openSync(`${file}-journal`, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const first = Buffer.alloc(1);
    try {
      fs.readSync(fd, first, 0, 1, 0);
    } finally {
      fs.closeSync(fd);
    }
    return journalIsEmpty(first) ? undefined : `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function readJournal(file: string): Buffer {
  return readDatabaseFile(`${file}-journal`, file);
}

/** A database (or journal) file's bytes: a FIFO or a device such as /dev/zero is refused unread. */
function readDatabaseFile(file: string, database = file): Buffer {
  try {
    return readRegularFile(file, MAX_DATABASE_BYTES);
  } catch (err) {
    const what = file === database ? 'it' : 'its journal';
    if (err instanceof FileTooLargeError) throw new SqliteFormatError(database, `${what} is over ${MAX_DATABASE_BYTES} bytes`);
    if (err instanceof NotRegularFileError) throw new SqliteFormatError(database, `${what} is ${err.kind}, not a regular file`);
    throw err;
  }
}

/** The file's bytes, or 'busy' when the journal (`journal`: as seen before) or the change counter moved meanwhile. */
function readStable(file: string, journal: string | undefined): Buffer | undefined | 'busy' {
  let bytes: Buffer;
  try {
    bytes = readDatabaseFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  if (bytes.length === 0) return bytes; // gcloud had not created its tables yet: an empty database
  if (journalState(file) !== journal) return 'busy';
  const header = Buffer.alloc(28);
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    fs.readSync(fd, header, 0, 28, 0);
  } finally {
    fs.closeSync(fd);
  }
  return bytes.length >= 28 && header.readUInt32BE(24) !== bytes.readUInt32BE(24) ? 'busy' : bytes;
}

export class SqliteDatabase {
  private readonly pageSize: number;
  private readonly usable: number;
  /** The database's text encoding, as Buffer names it. */
  private readonly encoding: 'utf8' | 'utf16le' | 'utf16be';
  private tables: Map<string, { rootPage: number; columns: Column[] }> | undefined;

  constructor(
    private readonly file: string,
    private readonly bytes: Buffer,
  ) {
    if (bytes.length === 0) {
      this.pageSize = this.usable = 0;
      this.encoding = 'utf8';
      this.tables = new Map();
      return;
    }
    if (bytes.length < 100 || bytes.toString('latin1', 0, 16) !== MAGIC) throw new SqliteFormatError(file, 'bad header');
    const rawPageSize = bytes.readUInt16BE(16);
    this.pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0) throw new SqliteFormatError(file, 'bad page size');
    this.usable = this.pageSize - bytes[20];
    if (bytes[18] === 2 || bytes[19] === 2) {
      // gcloud keeps its store in rollback-journal mode; committed pages of a WAL database may live in the -wal file.
      let wal = 0;
      try {
        wal = fs.statSync(`${file}-wal`).size;
      } catch {
        // no -wal file: everything is in the main file
      }
      if (wal > 0) throw new SqliteFormatError(file, 'it is in WAL mode with a non-empty write-ahead log');
    }
    const encoding = bytes.readUInt32BE(56);
    this.encoding = encoding === 2 ? 'utf16le' : encoding === 3 ? 'utf16be' : 'utf8';
  }

  /** Every row of a table, columns named as declared; undefined when the table does not exist. */
  rows(table: string): Row[] | undefined {
    try {
      return this.readRows(table);
    } catch (err) {
      // A damaged page can point past the buffer: every failure to decode is the file's, said in one line.
      if (err instanceof SqliteFormatError) throw err;
      throw this.corrupt(`it is damaged (${(err as Error).message})`);
    }
  }

  private readRows(table: string): Row[] | undefined {
    const info = this.schema().get(table.toLowerCase());
    if (!info) return undefined;
    const rows: Row[] = [];
    this.walkTable(
      info.rootPage,
      (rowid, record) => {
        const row: Row = {};
        info.columns.forEach((column, i) => {
          row[column.name] = column.rowidAlias ? rowid : (record[i] ?? null);
        });
        rows.push(row);
      },
      0,
    );
    return rows;
  }

  private schema(): Map<string, { rootPage: number; columns: Column[] }> {
    if (this.tables) return this.tables;
    const tables = new Map<string, { rootPage: number; columns: Column[] }>();
    this.walkTable(
      1,
      (_rowid, [type, name, , rootPage, sql]) => {
        if (type === 'table' && typeof name === 'string' && typeof sql === 'string') {
          // Its rows live in an index b-tree, which this reader does not walk; gcloud never creates one.
          if (/\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(sql))
            throw this.corrupt(`its table [${name}] is a WITHOUT ROWID table, which gcloud does not write`);
          tables.set(name.toLowerCase(), { rootPage: Number(rootPage), columns: declaredColumns(sql) });
        }
      },
      0,
    );
    this.tables = tables;
    return tables;
  }

  private page(number: number): { offset: number; end: number } {
    const offset = (number - 1) * this.pageSize;
    if (number < 1 || offset + this.pageSize > this.bytes.length) throw this.corrupt(`it is cut short: page ${number} lies past its end`);
    return { offset, end: offset + this.pageSize };
  }

  private corrupt(reason: string): SqliteFormatError {
    return new SqliteFormatError(this.file, reason);
  }

  private walkTable(pageNumber: number, visit: (rowid: number, record: SqlValue[]) => void, depth: number): void {
    if (depth > 64) throw this.corrupt('b-tree too deep (a cycle?)');
    const { offset } = this.page(pageNumber);
    const headerAt = pageNumber === 1 ? offset + 100 : offset;
    const b = this.bytes;
    const kind = b[headerAt];
    const cells = b.readUInt16BE(headerAt + 3);
    if (kind === 0x05) {
      const pointers = headerAt + 12;
      for (let i = 0; i < cells; i++) this.walkTable(b.readUInt32BE(offset + b.readUInt16BE(pointers + 2 * i)), visit, depth + 1);
      this.walkTable(b.readUInt32BE(headerAt + 8), visit, depth + 1);
      return;
    }
    if (kind !== 0x0d) throw this.corrupt(`page ${pageNumber} is not a table b-tree page`);
    const pointers = headerAt + 8;
    for (let i = 0; i < cells; i++) {
      let at = offset + b.readUInt16BE(pointers + 2 * i);
      const [payloadSize, n1] = readVarint(b, at);
      at += n1;
      const [rowid, n2] = readVarint(b, at);
      at += n2;
      visit(Number(rowid), this.decodeRecord(this.payload(at, Number(payloadSize))));
    }
  }

  /** A cell's payload, gathered from its overflow chain when it does not fit on the page. */
  private payload(at: number, size: number): Buffer {
    const u = this.usable;
    const maxLocal = u - 35;
    if (size <= maxLocal) return this.bytes.subarray(at, at + size);
    const minLocal = Math.floor(((u - 12) * 32) / 255) - 23;
    const k = minLocal + ((size - minLocal) % (u - 4));
    const local = k <= maxLocal ? k : minLocal;
    const parts = [this.bytes.subarray(at, at + local)];
    let remaining = size - local;
    let next = this.bytes.readUInt32BE(at + local);
    let hops = 0;
    while (remaining > 0) {
      if (next === 0 || ++hops > this.bytes.length / this.pageSize) throw this.corrupt('broken overflow chain');
      const { offset } = this.page(next);
      const take = Math.min(remaining, u - 4);
      parts.push(this.bytes.subarray(offset + 4, offset + 4 + take));
      remaining -= take;
      next = this.bytes.readUInt32BE(offset);
    }
    return Buffer.concat(parts);
  }

  private text(bytes: Buffer): string {
    if (this.encoding !== 'utf16be') return bytes.toString(this.encoding);
    return Buffer.from(bytes).swap16().toString('utf16le');
  }

  private decodeRecord(payload: Buffer): SqlValue[] {
    const [headerSize, n] = readVarint(payload, 0);
    const types: number[] = [];
    for (let at = n; at < Number(headerSize); ) {
      const [type, len] = readVarint(payload, at);
      types.push(Number(type));
      at += len;
    }
    const values: SqlValue[] = [];
    let at = Number(headerSize);
    for (const type of types) {
      const [value, size] = this.decodeValue(payload, at, type);
      values.push(value);
      at += size;
    }
    if (at > payload.length) throw this.corrupt('record runs past its payload');
    return values;
  }

  private decodeValue(b: Buffer, at: number, type: number): [SqlValue, number] {
    switch (type) {
      case 0:
        return [null, 0];
      case 1:
        return [b.readInt8(at), 1];
      case 2:
        return [b.readInt16BE(at), 2];
      case 3:
        return [b.readIntBE(at, 3), 3];
      case 4:
        return [b.readInt32BE(at), 4];
      case 5:
        return [b.readIntBE(at, 6), 6];
      case 6: {
        const v = b.readBigInt64BE(at);
        return [v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v, 8];
      }
      case 7:
        return [b.readDoubleBE(at), 8];
      case 8:
        return [0, 0];
      case 9:
        return [1, 0];
      default: {
        if (type < 12) throw this.corrupt(`reserved serial type ${type}`);
        const size = Math.floor((type - 12) / 2);
        const slice = b.subarray(at, at + size);
        return [type % 2 === 0 ? Buffer.from(slice) : this.text(slice), size];
      }
    }
  }
}

interface Column {
  name: string;
  /** INTEGER PRIMARY KEY: stored as the rowid, NULL in the record. */
  rowidAlias: boolean;
}

const TABLE_CONSTRAINT = /^(constraint|primary|unique|check|foreign)\b/i;

/** Column names in declaration order from a CREATE TABLE statement (ALTER TABLE ADD COLUMN rewrites it). */
export function declaredColumns(sql: string): Column[] {
  const open = sql.indexOf('(');
  const close = sql.lastIndexOf(')');
  if (open < 0 || close < open) return [];
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const c of sql.slice(open + 1, close)) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`' || c === '[') {
      quote = c === '[' ? ']' : c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts
    .map((part) => part.trim())
    .filter((part) => part && !TABLE_CONSTRAINT.test(part))
    .map((part) => {
      const m = /^("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\S+)\s*(.*)$/s.exec(part)!;
      const name = m[1].replace(/^["`[]|["`\]]$/g, '').replace(/""/g, '"');
      return { name, rowidAlias: /^integer\s+primary\s+key\b/i.test(m[2]) };
    });
}

/** SQLite's big-endian varint: 7 bits a byte, the ninth byte all 8 bits. */
function readVarint(b: Buffer, at: number): [bigint | number, number] {
  let value = 0;
  for (let i = 0; i < 7; i++) {
    const byte = b[at + i];
    if (byte === undefined) throw new RangeError('varint runs past the buffer');
    value = value * 128 + (byte & 0x7f);
    if (byte < 0x80) return [value, i + 1];
  }
  // Past 49 bits: exact arithmetic (rowids and integers this large are rare).
  let big = BigInt(value);
  for (let i = 7; i < 8; i++) {
    const byte = b[at + i];
    if (byte === undefined) throw new RangeError('varint runs past the buffer');
    big = (big << 7n) | BigInt(byte & 0x7f);
    if (byte < 0x80) return [big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big, i + 1];
  }
  if (b[at + 8] === undefined) throw new RangeError('varint runs past the buffer');
  big = (big << 8n) | BigInt(b[at + 8]);
  return [BigInt.asIntN(64, big), 9];
}
