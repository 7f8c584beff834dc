// The read-only SQLite reader and gcloud's credential store: on stores the real gcloud 528 wrote
// (fixtures/credentials/gcloud-528), a database with b-tree interior pages, overflow pages and an
// ALTER TABLE (sqlite-shapes.db, written by Python's sqlite3), and stores built by hand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rollBack } from '../../src/credentials/journal';
import { readDatabaseSnapshot, declaredColumns } from '../../src/credentials/sqlite';
import { CredentialStore, parseTimestamp } from '../../src/credentials/store';
import { UserError } from '../../src/errors';
import { FIXTURES } from '../support/cli';
import { serviceAccountCredential, userCredential, writeStore } from '../support/credential-stores';
import { tempDir } from '../support/temp';

const RECORDED = path.join(FIXTURES, 'credentials', 'gcloud-528');
const STALE = path.join(FIXTURES, 'credentials', 'stale-journal');
const tmp = () => tempDir('gcloud-aip-store-');

describe('SQLite reader', () => {
  test('walks interior pages, follows overflow chains, fills columns added by ALTER TABLE', () => {
    const db = readDatabaseSnapshot(path.join(FIXTURES, 'credentials', 'sqlite-shapes.db'))!;
    const rows = db.rows('access_tokens')!;
    assert.equal(rows.length, 151);
    const row = rows.find((r) => r.account_id === 'account-120@example.com')!;
    assert.deepEqual(row, {
      account_id: 'account-120@example.com',
      access_token: `ya29.${'x'.repeat(240)}`,
      token_expiry: '2026-01-01 12:00:00.123456',
      rapt_token: null,
      id_token: null,
    });
    const big = rows.find((r) => r.account_id === 'overflow@example.com')!;
    assert.equal(big.access_token, 'Ü'.repeat(12000));
    assert.equal(big.id_token, 'idtok');
    assert.equal(db.rows('no_such_table'), undefined);
  });

  test('decodes integers of every width, reals, blobs and INTEGER PRIMARY KEY rowids', () => {
    const db = readDatabaseSnapshot(path.join(FIXTURES, 'credentials', 'sqlite-shapes.db'))!;
    assert.deepEqual(db.rows('numbers'), [
      { id: 7, small: 0, big: 1, real: -0.25, blob: null },
      { id: 2 ** 40, small: -3, big: 2n ** 62n, real: 1.5, blob: Buffer.from([0, 1, 255]) },
    ]);
  });

  test('reads column names from CREATE TABLE, quoted or not, skipping table constraints', () => {
    assert.deepEqual(
      declaredColumns(
        'CREATE TABLE "t" ("account id" TEXT, b BLOB DEFAULT (1, 2), [c] INTEGER PRIMARY KEY, PRIMARY KEY (b), UNIQUE (c))',
      ).map((c) => [c.name, c.rowidAlias]),
      [
        ['account id', false],
        ['b', false],
        ['c', true],
      ],
    );
  });

  test('a missing file is no database; an empty file an empty one; anything else a clear error', () => {
    const dir = tmp();
    assert.equal(readDatabaseSnapshot(path.join(dir, 'absent.db')), undefined);
    fs.writeFileSync(path.join(dir, 'empty.db'), '');
    assert.equal(readDatabaseSnapshot(path.join(dir, 'empty.db'))!.rows('credentials'), undefined);
    fs.writeFileSync(
      path.join(dir, 'junk.db'),
      'not a database at all, just some text that is long enough to have a header of a hundred bytes......',
    );
    assert.throws(() => readDatabaseSnapshot(path.join(dir, 'junk.db')), /junk\.db\] is not a readable SQLite database: bad header/);
  });

  const python = spawnSync('python3', ['-c', 'import sqlite3'], { stdio: 'ignore' }).status === 0;
  test('waits while a writer holds the database (its RESERVED lock, with a journal), and never writes', {
    skip: !python && 'needs python3 with sqlite3 to hold a real lock',
  }, async () => {
    const dir = tmp();
    const file = path.join(dir, 'credentials.db');
    // A live writer whose transaction reached the file (a one-page cache spills), committing 300 ms later.
    // (Until a transaction reaches the file, SQLite lets readers read what was committed.)
    const writer = spawn(
      'python3',
      [
        '-c',
        `import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('pragma page_size=512')
c.execute('create table credentials (account_id text primary key, value blob)')
c.execute("insert into credentials values ('a@example.com', '{}')")
c.execute('pragma cache_size=1')
c.execute('begin')
for i in range(30): c.execute('insert into credentials values (?, ?)', ('k%d' % i, 'x' * 700))
print('locked', flush=True)
time.sleep(0.3)
c.execute('commit')`,
        file,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => writer.stdout.once('data', resolve));
    assert.ok(fs.existsSync(`${file}-journal`));
    const rows = readDatabaseSnapshot(file)!.rows('credentials')!;
    assert.equal(rows.length, 31, 'read once the writer committed');
    await new Promise((resolve) => writer.on('close', resolve));
  });

  test('issue 30: a hot journal (its writer killed mid-transaction) is rolled back in memory, as SQLite would, at once', () => {
    const dir = tmp();
    for (const name of ['credentials.db', 'credentials.db-journal']) fs.copyFileSync(path.join(STALE, name), path.join(dir, name));
    const file = path.join(dir, 'credentials.db');
    const before = fs.readFileSync(file);
    const started = Date.now();
    const rows = readDatabaseSnapshot(file)!.rows('credentials');
    assert.deepEqual(rows, [{ account_id: 'a@example.com', value: '{"type":"authorized_user","before":"the crash"}' }]);
    assert.ok(Date.now() - started < 4000, 'read without waiting out the 5 s busy timeout');
    // Byte for byte what SQLite's own rollback made of the pair.
    assert.deepEqual(rollBack(before, fs.readFileSync(`${file}-journal`)), fs.readFileSync(path.join(STALE, 'rolled-back.db')));
    assert.deepEqual(fs.readFileSync(file), before, 'never written');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['credentials.db', 'credentials.db-journal']);
  });

  test('issue 30: a journal SQLite would not play back (bad magic, zeroed header, torn record) changes nothing it should not', () => {
    const db = fs.readFileSync(path.join(STALE, 'credentials.db'));
    const journal = fs.readFileSync(path.join(STALE, 'credentials.db-journal'));
    assert.deepEqual(rollBack(db, Buffer.from('a writer is mid-transaction')), db);
    assert.deepEqual(rollBack(db, Buffer.alloc(512)), db);
    // A record whose checksum fails stops the playback there; the file is still cut to its size before the transaction.
    const torn = Buffer.from(journal);
    torn[512 + 4 + 100] ^= 0xff;
    torn[512 + 4 + 300] ^= 0xff;
    assert.equal(rollBack(db, torn).length, 1536);
  });
});

describe("gcloud's credential store", () => {
  test('store written by gcloud 528 (two service accounts, one in another universe)', () => {
    const store = CredentialStore.open(RECORDED);
    assert.deepEqual(store.accounts(), [
      'deployer@test-project.iam.gserviceaccount.com',
      'other@test-project.iam.gserviceaccount.com',
      'uni@test-project.iam.gserviceaccount.com',
    ]);
    const deployer = store.load('deployer@test-project.iam.gserviceaccount.com', 'googleapis.com')!;
    assert.equal(deployer.storeKey, 'deployer@test-project.iam.gserviceaccount.com');
    assert.equal(deployer.info.type, 'service_account');
    assert.equal(deployer.info.client_email, 'deployer@test-project.iam.gserviceaccount.com');
    assert.match(String(deployer.info.token_uri), /^http:\/\/127\.0\.0\.1:\d+\/token$/);
    assert.match(String(deployer.info.private_key), /^-----BEGIN PRIVATE KEY-----\n/);
    const cached = store.cachedToken(deployer.storeKey)!;
    assert.match(cached.accessToken, /^ya29\.emulator-/);
    assert.equal(new Date(cached.expiresAt).toISOString(), '2026-12-02T08:50:47.158Z');

    const uni = store.load('uni@test-project.iam.gserviceaccount.com', 'universe.example')!;
    assert.equal(uni.storeKey, 'uni@test-project.iam.gserviceaccount.com#universe.example');
    // gcloud caches no access token for a self-signed JWT.
    assert.equal(store.cachedToken(uni.storeKey), undefined);
  });

  test("an account stored only in other universes gets gcloud's error", () => {
    const store = CredentialStore.open(RECORDED);
    assert.throws(
      () => store.load('uni@test-project.iam.gserviceaccount.com', 'googleapis.com'),
      (err: unknown) =>
        err instanceof UserError &&
        err.message ===
          'The account [uni@test-project.iam.gserviceaccount.com] is available in the following universe domain(s): [universe.example], but it is not ' +
            'available in [googleapis.com] which is specified by the [core/universe_domain] property. Update your active account to an account from ' +
            'googleapis.com or update the [core/universe_domain] property to one of [universe.example].',
    );
    assert.equal(store.load('nobody@example.com', 'googleapis.com'), undefined);
  });

  test('hand-built store: service account and user logins, cached tokens', () => {
    const dir = tmp();
    const key = {
      client_email: 'sa@p.iam.gserviceaccount.com',
      client_id: '1',
      private_key: 'PEM',
      private_key_id: 'k1',
      project_id: 'p',
      token_uri: 'http://t/token',
    };
    const expiresAt = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
    writeStore(dir, [
      {
        account: 'sa@p.iam.gserviceaccount.com',
        credential: serviceAccountCredential(key),
        cachedToken: { token: 'ya29.cached', expiresAt },
      },
      ...Array.from({ length: 12 }, (_, i) => ({
        account: `user${i}@example.com`,
        credential: userCredential({ client_id: 'cid', client_secret: 'cs', refresh_token: `1//r${i}` }, 'http://t/token'),
      })),
    ]);
    const store = CredentialStore.open(dir);
    assert.equal(store.accounts().length, 13);
    assert.deepEqual(store.cachedToken('sa@p.iam.gserviceaccount.com'), { accessToken: 'ya29.cached', expiresAt });
    const user = store.load('user7@example.com', 'googleapis.com')!;
    assert.equal(user.info.type, 'authorized_user');
    assert.equal(user.info.refresh_token, '1//r7');
    assert.equal(store.cachedToken('user7@example.com'), undefined);
  });

  test('no credentials.db (gcloud never logged in here) is an empty store', () => {
    const store = CredentialStore.open(tmp());
    assert.deepEqual(store.accounts(), []);
    assert.equal(store.load('a@example.com', 'googleapis.com'), undefined);
  });

  test("token_expiry as Python's sqlite3 writes it (naive UTC, optional microseconds)", () => {
    assert.equal(parseTimestamp('2026-12-02 08:50:47.158385'), Date.UTC(2026, 11, 2, 8, 50, 47, 158));
    assert.equal(parseTimestamp('2026-12-02 08:50:47'), Date.UTC(2026, 11, 2, 8, 50, 47));
    assert.ok(Number.isNaN(parseTimestamp('soon')));
  });
});
