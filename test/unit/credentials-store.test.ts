// The read-only SQLite reader and gcloud's credential store: on stores the real gcloud 528 wrote
// (fixtures/credentials/gcloud-528), a database with b-tree interior pages, overflow pages and an
// ALTER TABLE (sqlite-shapes.db, written by Python's sqlite3), and stores built by hand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDatabaseSnapshot, declaredColumns } from '../../src/credentials/sqlite';
import { CredentialStore, parseTimestamp } from '../../src/credentials/store';
import { UserError } from '../../src/errors';
import { FIXTURES } from '../support/cli';
import { serviceAccountCredential, userCredential, writeSqlite, writeStore } from '../support/credential-stores';
import { tempDir } from '../support/temp';

const RECORDED = path.join(FIXTURES, 'credentials', 'gcloud-528');
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

  test('waits while a writer holds a rollback journal, and never writes', async () => {
    const dir = tmp();
    const file = path.join(dir, 'credentials.db');
    writeSqlite(file, [
      { name: 'credentials', sql: 'CREATE TABLE "credentials" (account_id TEXT PRIMARY KEY, value BLOB)', rows: [['a@example.com', '{}']] },
    ]);
    fs.writeFileSync(`${file}-journal`, 'a writer is mid-transaction');
    const before = fs.readFileSync(file);
    // Another process ends the "transaction" a moment later; the read blocks until then.
    const child = spawn(process.execPath, ['-e', `setTimeout(() => require('fs').unlinkSync(${JSON.stringify(`${file}-journal`)}), 300)`], {
      stdio: 'ignore',
    });
    const started = Date.now();
    const rows = readDatabaseSnapshot(file)!.rows('credentials');
    assert.ok(Date.now() - started >= 250, 'returned before the journal went away');
    assert.deepEqual(rows, [{ account_id: 'a@example.com', value: '{}' }]);
    await new Promise((resolve) => child.on('close', resolve));
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(dir), ['credentials.db']);
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
