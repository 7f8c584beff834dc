// Builds gcloud credential stores by hand, so the credential tests run without gcloud or a SQLite
// library: a minimal SQLite writer (64 KiB pages, each table and its primary-key index on one page;
// the files pass SQLite's own integrity check) and the rows gcloud 528 writes, in its format.
import * as fs from 'node:fs';
import * as path from 'node:path';

type Value = string | number | null;

function varint(value: number): Buffer {
  if (value < 0 || value > 2 ** 53) throw new RangeError('varint out of range for this writer');
  const bytes: number[] = [value & 0x7f];
  value = Math.floor(value / 128);
  while (value > 0) {
    bytes.unshift((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  return Buffer.from(bytes);
}

function record(values: Value[]): Buffer {
  const types: Buffer[] = [];
  const bodies: Buffer[] = [];
  for (const value of values) {
    if (value === null) {
      types.push(varint(0));
    } else if (typeof value === 'number') {
      if (!Number.isInteger(value) || Math.abs(value) > 2 ** 31) throw new RangeError('only small integers');
      const b = Buffer.alloc(4);
      b.writeInt32BE(value);
      types.push(varint(4));
      bodies.push(b);
    } else {
      const b = Buffer.from(value, 'utf8');
      types.push(varint(b.length * 2 + 13));
      bodies.push(b);
    }
  }
  const typeBytes = Buffer.concat(types);
  let headerSize = typeBytes.length + 1;
  if (varint(headerSize).length > 1) headerSize += varint(headerSize).length - 1;
  return Buffer.concat([varint(headerSize), typeBytes, ...bodies]);
}

const PAGE = 65536;

/** A leaf page (table 0x0d or index 0x0a) holding all cells; page 1 leaves room for the file header. */
function leafPage(kind: 0x0d | 0x0a, cells: Buffer[], first: boolean): Buffer {
  const page = Buffer.alloc(PAGE);
  const headerAt = first ? 100 : 0;
  let contentStart = PAGE;
  const pointers: number[] = [];
  for (const cell of cells) {
    contentStart -= cell.length;
    cell.copy(page, contentStart);
    pointers.push(contentStart);
  }
  if (headerAt + 8 + 2 * cells.length > contentStart) throw new RangeError('rows do not fit on one page');
  page[headerAt] = kind;
  page.writeUInt16BE(cells.length, headerAt + 3);
  page.writeUInt16BE(contentStart === PAGE ? 0 : contentStart, headerAt + 5);
  for (const [i, p] of pointers.entries()) page.writeUInt16BE(p, headerAt + 8 + 2 * i);
  return page;
}

export interface TableSpec {
  name: string;
  /** The CREATE TABLE statement; the first column is the TEXT PRIMARY KEY. */
  sql: string;
  rows: Value[][];
}

/** A SQLite database file with these tables (each with its sqlite_autoindex for the primary key). */
export function writeSqlite(file: string, tables: TableSpec[]): void {
  const schemaCells: Buffer[] = [];
  const pages: Buffer[] = [];
  let nextPage = 2;
  let schemaRowid = 1;
  for (const table of tables) {
    const tablePage = nextPage++;
    const indexPage = nextPage++;
    const tableCells = table.rows.map((row, i) => {
      const payload = record(row);
      return Buffer.concat([varint(payload.length), varint(i + 1), payload]);
    });
    const indexCells = table.rows
      .map((row, i) => ({ key: String(row[0]), rowid: i + 1 }))
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
      .map(({ key, rowid }) => {
        const payload = record([key, rowid]);
        return Buffer.concat([varint(payload.length), payload]);
      });
    pages.push(leafPage(0x0d, tableCells, false), leafPage(0x0a, indexCells, false));
    for (const row of [
      ['table', table.name, table.name, tablePage, table.sql],
      ['index', `sqlite_autoindex_${table.name}_1`, table.name, indexPage, null],
    ] as Value[][]) {
      const payload = record(row);
      schemaCells.push(Buffer.concat([varint(payload.length), varint(schemaRowid++), payload]));
    }
  }
  const first = leafPage(0x0d, schemaCells, true);
  first.write('SQLite format 3\0', 0, 'latin1');
  first.writeUInt16BE(1, 16); // 65536-byte pages
  first[18] = 1;
  first[19] = 1;
  first[21] = 64;
  first[22] = 32;
  first[23] = 32;
  first.writeUInt32BE(1, 24); // change counter
  first.writeUInt32BE(pages.length + 1, 28);
  first.writeUInt32BE(1, 40); // schema cookie
  first.writeUInt32BE(4, 44); // schema format
  first.writeUInt32BE(1, 56); // UTF-8
  first.writeUInt32BE(1, 92);
  first.writeUInt32BE(3040001, 96);
  fs.writeFileSync(file, Buffer.concat([first, ...pages]), { mode: 0o600 });
}

/** Python's str() of a naive UTC datetime, as gcloud's sqlite3 stores token_expiry. */
export function pythonTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '000');
}

export interface StoredAccount {
  /** The account as gcloud names it; `#universe` is appended outside googleapis.com. */
  account: string;
  universeDomain?: string;
  /** The credential JSON as gcloud stores it. */
  credential: Record<string, unknown>;
  cachedToken?: { token: string; expiresAt: number };
}

/** gcloud's JSON for a service-account key (creds.py's serialisation, keys sorted, two-space indent). */
export function serviceAccountCredential(key: Record<string, string>): Record<string, unknown> {
  return {
    client_email: key.client_email,
    client_id: key.client_id,
    private_key: key.private_key,
    private_key_id: key.private_key_id,
    project_id: key.project_id,
    token_uri: key.token_uri,
    type: 'service_account',
    universe_domain: key.universe_domain ?? 'googleapis.com',
  };
}

/** gcloud's JSON for a user login (`gcloud auth login`). */
export function userCredential(
  login: { client_id: string; client_secret: string; refresh_token: string },
  tokenUri: string,
): Record<string, unknown> {
  return {
    client_id: login.client_id,
    client_secret: login.client_secret,
    refresh_token: login.refresh_token,
    revoke_uri: 'https://oauth2.googleapis.com/revoke',
    scopes: ['openid', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/cloud-platform'],
    token_uri: tokenUri,
    type: 'authorized_user',
    universe_domain: 'googleapis.com',
  };
}

function sortedJson(value: Record<string, unknown>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, value[k]]),
    ),
    null,
    2,
  );
}

/** Writes credentials.db and access_tokens.db into a gcloud config directory, and optionally the active account. */
export function writeStore(configDir: string, accounts: StoredAccount[], activeAccount?: string): void {
  fs.mkdirSync(configDir, { recursive: true });
  const key = (a: StoredAccount) =>
    a.universeDomain && a.universeDomain !== 'googleapis.com' ? `${a.account}#${a.universeDomain}` : a.account;
  writeSqlite(path.join(configDir, 'credentials.db'), [
    {
      name: 'credentials',
      sql: 'CREATE TABLE "credentials" (account_id TEXT PRIMARY KEY, value BLOB)',
      rows: accounts.map((a) => [key(a), sortedJson(a.credential)]),
    },
  ]);
  writeSqlite(path.join(configDir, 'access_tokens.db'), [
    {
      name: 'access_tokens',
      sql: 'CREATE TABLE "access_tokens" (account_id TEXT PRIMARY KEY, access_token TEXT, token_expiry TIMESTAMP, rapt_token TEXT, id_token TEXT)',
      rows: accounts
        .filter((a) => a.cachedToken)
        .map((a) => [key(a), a.cachedToken!.token, pythonTimestamp(a.cachedToken!.expiresAt), null, null]),
    },
  ]);
  if (activeAccount !== undefined) {
    fs.mkdirSync(path.join(configDir, 'configurations'), { recursive: true });
    fs.writeFileSync(path.join(configDir, 'configurations', 'config_default'), `[core]\naccount = ${activeAccount}\n`);
  }
}
