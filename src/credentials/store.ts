// gcloud's credential store under $CLOUDSDK_CONFIG, read as gcloud reads it: credentials.db holds one
// JSON credential per account (the key is the account, or `account#universe` outside
// googleapis.com), access_tokens.db the last access token gcloud got for it. Read-only: a running
// gcloud shares these files. gcloud writes legacy_credentials/<account>/ for other tools (bq, gsutil)
// but never loads credentials from it, so neither does this.
import * as path from 'node:path';
import { UserError } from '../errors';
import { readDatabaseSnapshot, SqliteFormatError, type Row, type SqliteDatabase, type SqlValue } from './sqlite';

export const DEFAULT_UNIVERSE = 'googleapis.com';

export interface StoredCredential {
  account: string;
  universeDomain: string;
  /** The store's key: `account`, or `account#universe`. */
  storeKey: string;
  /** The credential JSON gcloud stored (service_account, authorized_user, external_account, ...). */
  info: Record<string, unknown>;
}

export interface CachedToken {
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export class CredentialStore {
  private tokens: SqliteDatabase | null | undefined;

  private constructor(
    private readonly configDir: string,
    private readonly credentials: SqliteDatabase | undefined,
  ) {}

  static open(configDir: string): CredentialStore {
    return new CredentialStore(configDir, open(path.join(configDir, 'credentials.db')));
  }

  /** Accounts with stored credentials, in the order they were added. */
  accounts(): string[] {
    return [...new Set(this.rows().map((row) => splitKey(row.key).account))];
  }

  /**
   * The account's credential for the universe in use. Undefined when the account has none; an
   * error, worded as gcloud's, when it has credentials only in other universes.
   */
  load(account: string, universeDomain: string): StoredCredential | undefined {
    const matches = this.rows().filter((row) => row.key === account || row.key.startsWith(`${account}#`));
    if (matches.length === 0) return undefined;
    const found = matches.find((row) => splitKey(row.key).universeDomain === universeDomain);
    if (!found) {
      const universes = matches.map((row) => splitKey(row.key).universeDomain).join(', ');
      throw new UserError(
        `The account [${account}] is available in the following universe domain(s): [${universes}], but it is not available in ` +
          `[${universeDomain}] which is specified by the [core/universe_domain] property. Update your active account to an account ` +
          `from ${universeDomain} or update the [core/universe_domain] property to one of [${universes}].`,
      );
    }
    let info: unknown;
    try {
      info = JSON.parse(found.value);
    } catch {
      info = undefined;
    }
    if (!info || typeof info !== 'object' || typeof (info as { type?: unknown }).type !== 'string') {
      throw new UserError(
        `The credentials stored for [${account}] in [${path.join(this.configDir, 'credentials.db')}] are not valid JSON credentials.`,
      );
    }
    return { account, universeDomain, storeKey: found.key, info: info as Record<string, unknown> };
  }

  /** The access token gcloud cached for a store key, if any (expired or not). */
  cachedToken(storeKey: string): CachedToken | undefined {
    let row: Row | undefined;
    try {
      this.tokens ??= open(path.join(this.configDir, 'access_tokens.db'), 0) ?? null;
      row = this.tokens?.rows('access_tokens')?.find((r) => r.account_id === storeKey);
    } catch {
      // Only a cache: a store that is locked, torn or not SQLite at all means minting a token, not failing.
      this.tokens = null;
      return undefined;
    }
    const token = row && text(row.access_token);
    const expiry = row && text(row.token_expiry);
    if (!token || !expiry) return undefined;
    const expiresAt = parseTimestamp(expiry);
    return Number.isNaN(expiresAt) ? undefined : { accessToken: token, expiresAt };
  }

  private rows(): { key: string; value: string }[] {
    // A damaged store throws SqliteFormatError, a UserError.
    return (this.credentials?.rows('credentials') ?? [])
      .map((row) => ({ key: text(row.account_id), value: text(row.value) }))
      .filter((row): row is { key: string; value: string } => row.key !== undefined && row.value !== undefined);
  }
}

/** `busyTimeoutMs`: how long to wait for a writer holding the file. */
function open(file: string, busyTimeoutMs?: number): SqliteDatabase | undefined {
  try {
    return readDatabaseSnapshot(file, busyTimeoutMs);
  } catch (err) {
    if (err instanceof SqliteFormatError) throw err;
    throw new UserError(`Unable to read file [${file}]: ${(err as Error).message}`);
  }
}

function splitKey(key: string): { account: string; universeDomain: string } {
  const [account, universeDomain] = key.split('#');
  return { account, universeDomain: universeDomain || DEFAULT_UNIVERSE };
}

function text(value: SqlValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/** Python's str(datetime) of a naive UTC time, as sqlite3 stores TIMESTAMP columns: `2026-01-02 03:04:05[.123456]`. */
export function parseTimestamp(value: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/.exec(value.trim());
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, frac] = m;
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, frac ? Math.floor(Number(frac.padEnd(6, '0')) / 1000) : 0);
}
