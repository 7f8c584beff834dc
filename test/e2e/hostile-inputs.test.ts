// Issue 30, end to end: the built CLI behind hostile proxies, with gcloud's stale journal, odd
// proxy properties and files that are not files. Each run ends within its bound, with gcloud's
// exit code and one clear line.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { userCredential, writeSqlite, writeStore } from '../support/credential-stores';
import { CLI, emulatorEnv, ROOT, runCli, scratch, type RunResult } from '../support/cli';
import { startHostileProxy, startMisbehavingProxy, type HostileProxy, type MisbehavingProxy } from '../support/misbehaving-proxy';

const LIST = ['ai-platform', 'models', 'list', '--region=global'];
/** No server listens there: nothing may get past the proxy anyway. */
const UNREACHED = { CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: 'https://127.0.0.1:9/' };
const noCrash = (r: RunResult) => assert.doesNotMatch(r.stderr, /Internal error|This is a bug|\n\s+at /, r.stderr);

/** Runs the CLI and sends it `signal` once its stderr matches `when`. */
function runAndSignal(args: string[], env: NodeJS.ProcessEnv, when: RegExp, signal: NodeJS.Signals): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    // Past every bound: a run still going then is the defect under test.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('item 1: a proxy that never opens the tunnel', () => {
  let closing: HostileProxy;
  let silent: HostileProxy;
  before(async () => {
    closing = await startHostileProxy('close-after-connect');
    silent = await startHostileProxy('silent');
  });
  after(async () => {
    await closing.close();
    await silent.close();
  });

  test('closing after each CONNECT: 5 attempts with back-off, then one line and exit 1 (gcloud: exit 1 after ~30 s)', async () => {
    const env = { ...scratch().env, ...UNREACHED, HTTPS_PROXY: closing.url };
    const before = closing.connections;
    const r = await runCli(LIST, env);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^ERROR: \(gcloud\.ai-platform\.models\.list\) .*The proxy \[http:\/\/127\.0\.0\.1:\d+\] closed the connection without answering the CONNECT request for \[127\.0\.0\.1:9\]\./m,
    );
    assert.equal(closing.connections - before, 5, 'one connection per attempt');
    noCrash(r);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} between reconnections ends the run at once with exit 1`, async () => {
      const env = { ...scratch().env, ...UNREACHED, HTTPS_PROXY: closing.url, CLOUDSDK_CORE_VERBOSITY: 'info' };
      const r = await runAndSignal(LIST, env, /Retrying GET/, signal);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /ERROR: \(gcloud\.ai-platform\.models\.list\) Aborted by user\.\n$/);
      noCrash(r);
    });
  }

  test('a CONNECT never answered waits core/http_timeout, not 300 s, and Ctrl-C ends the wait for it', async () => {
    const env = {
      ...scratch().env,
      ...UNREACHED,
      HTTPS_PROXY: silent.url,
      CLOUDSDK_CORE_VERBOSITY: 'info',
      CLOUDSDK_CORE_HTTP_TIMEOUT: '1',
    };
    // The first wait times out (1 s); the signal lands in the back-off or in the second CONNECT's wait.
    const r = await runAndSignal(
      LIST,
      env,
      /did not answer the CONNECT request for \[127\.0\.0\.1:9\] within 1s \(core\/http_timeout\)/,
      'SIGINT',
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Aborted by user\.\n$/);
    noCrash(r);
  });

  test('Ctrl-C while the proxy has not answered CONNECT yet ends the run at once', async () => {
    const env = { ...scratch().env, ...UNREACHED, HTTPS_PROXY: silent.url };
    const accepted = silent.connections;
    const r = await runAndSignal(LIST, env, /Using endpoint/, 'SIGINT');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Aborted by user\.\n$/);
    assert.ok(silent.connections <= accepted + 1);
    noCrash(r);
  });
});

describe('items 3 and 4: proxy settings refused as gcloud refuses them, never a guessed host, never a password shown', () => {
  const cases: [string, NodeJS.ProcessEnv, RegExp][] = [
    [
      'an address with a scheme',
      { CLOUDSDK_PROXY_ADDRESS: 'http://127.0.0.1', CLOUDSDK_PROXY_PORT: '3128' },
      /Invalid value for property \[proxy\/address\]: \[http:\/\/127\.0\.0\.1\]\. Expected a host name or IP address alone/,
    ],
    [
      'an address with a port',
      { CLOUDSDK_PROXY_ADDRESS: '127.0.0.1:3128', CLOUDSDK_PROXY_PORT: '3128' },
      /Invalid value for property \[proxy\/address\]: \[127\.0\.0\.1:3128\]/,
    ],
    [
      'an address with credentials',
      { CLOUDSDK_PROXY_ADDRESS: 'admin:s3cret@127.0.0.1', CLOUDSDK_PROXY_PORT: '3128' },
      /Invalid value for property \[proxy\/address\]: \[admin:\*\*\*@127\.0\.0\.1\]/,
    ],
    [
      'a port that is no integer',
      { CLOUDSDK_PROXY_ADDRESS: '127.0.0.1', CLOUDSDK_PROXY_PORT: 'abc' },
      /The property \[proxy\/port\] must have an integer value: \[abc\]$/m,
    ],
    [
      'an unknown type',
      { CLOUDSDK_PROXY_ADDRESS: '127.0.0.1', CLOUDSDK_PROXY_PORT: '3128', CLOUDSDK_PROXY_TYPE: 'bogus' },
      /Invalid value for property \[proxy\/type\]: The proxy type property value \[bogus\] is not valid\. Possible values: \[http, http_no_tunnel, socks4, socks5\]\.$/m,
    ],
  ];
  for (const [name, props, expected] of cases) {
    test(`${name}: exit 1 before any connection`, async () => {
      const env = { ...scratch().env, ...UNREACHED, CLOUDSDK_PROXY_TYPE: 'http', CLOUDSDK_PROXY_PASSWORD: 'pr0xy-pw', ...props };
      const r = await runCli(LIST, env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^ERROR: \(gcloud\.ai-platform\.models\.list\) /m);
      assert.match(r.stderr, expected);
      assert.doesNotMatch(r.stderr, /s3cret|pr0xy-pw|placeholder/);
      noCrash(r);
    });
  }

  test('a malformed https_proxy URL is shown without its password', async () => {
    const env = { ...scratch().env, ...UNREACHED, https_proxy: 'http://user:s3cret@proxy.corp:99999' };
    const r = await runCli(LIST, env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Invalid proxy URL in https_proxy: \[http:\/\/user:\*\*\*@proxy\.corp:99999\]\./);
    assert.doesNotMatch(r.stderr, /s3cret/);
    noCrash(r);
  });
});

/** A scratch config whose store holds alice's login, active; its token endpoint is the emulator's unless given. */
function aliceLogin(emulator: RunningEmulator, tokenUri = `${emulator.url}token`): { config: string; env: NodeJS.ProcessEnv } {
  const s = scratch();
  const env: NodeJS.ProcessEnv = { ...s.env, ...emulatorEnv(emulator.port) };
  delete env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE;
  const config = s.env.CLOUDSDK_CONFIG!;
  writeStore(
    config,
    [{ account: 'alice@example.com', credential: userCredential(emulator.createUserLogin('alice@example.com'), tokenUri) }],
    'alice@example.com',
  );
  return { config, env };
}

describe("item 2: gcloud's credential store after a crash", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0, operationDelayMs: 0, oauth: { requireIssuedTokens: true } });
  });
  after(() => emulator.close());

  const python = spawnSync('python3', ['-c', 'import sqlite3'], { stdio: 'ignore' }).status === 0;
  test('a journal left by a writer killed mid-transaction is rolled back (in memory), not waited out', {
    skip: !python && 'needs python3 with sqlite3 to kill a writer',
  }, async () => {
    const { config, env } = aliceLogin(emulator);
    const db = path.join(config, 'credentials.db');
    // The writer tears alice's credential and adds rows big enough to reach the file, then dies.
    const killed = spawnSync('python3', [
      '-c',
      `import os, signal, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('pragma cache_size=1')
c.execute('begin')
c.execute("update credentials set value='torn' where account_id='alice@example.com'")
for i in range(8): c.execute('insert into credentials values (?, ?)', ('k%d' % i, 'x' * 100000))
os.kill(os.getpid(), signal.SIGKILL)`,
      db,
    ]);
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(fs.statSync(`${db}-journal`).size > 0, 'a hot journal is left');
    const before = fs.readFileSync(db);
    const r = await runCli(LIST, env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /locked/);
    assert.equal(
      emulator
        .requests()
        .filter((q) => q.path.startsWith('/v1/'))
        .at(-1)?.principal,
      'alice@example.com',
    );
    assert.deepEqual(fs.readFileSync(db), before, 'the store is never written');
  });

  for (const [name, bytes] of [
    ['not SQLite at all', Buffer.from('junk '.repeat(40))],
    ['a SQLite header and nothing after it', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.from([16, 0]), Buffer.alloc(82)])],
  ] as const) {
    test(`access_tokens.db ${name}: only a cache, skipped; a token is minted`, async () => {
      const { config, env } = aliceLogin(emulator);
      fs.writeFileSync(path.join(config, 'access_tokens.db'), bytes);
      const r = await runCli(LIST, env);
      assert.equal(r.code, 0, r.stderr);
      noCrash(r);
    });
  }
});

describe('item 5: files that are not files', () => {
  /** A scratch setup with a FIFO no one writes to. */
  function withFifo(): { dir: string; fifo: string; env: NodeJS.ProcessEnv } {
    const s = scratch();
    const fifo = path.join(s.dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    return { dir: s.dir, fifo, env: { ...s.env, ...UNREACHED } };
  }

  /** Resolves once the process is blocked opening a FIFO (Linux names that wait `wait_for_partner`). */
  async function blockedOnFifo(pid: number): Promise<boolean> {
    for (let i = 0; i < 600; i++) {
      let wchan: string;
      try {
        wchan = fs.readFileSync(`/proc/${pid}/wchan`, 'utf8');
      } catch {
        return false;
      }
      if (wchan === 'wait_for_partner') return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  const linux = fs.existsSync('/proc/self/wchan');
  const fifoCases: [string, (fifo: string) => string[]][] = [
    ['--flags-file', (fifo) => [...LIST, `--flags-file=${fifo}`]],
    ['--config', (fifo) => ['ai-platform', 'versions', 'create', 'v1', '--model=m', `--config=${fifo}`]],
  ];
  for (const [flag, args] of fifoCases) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      test(`${flag} naming a FIFO no one writes to: ${signal} ends the wait at once`, {
        skip: !linux && 'needs /proc/<pid>/wchan',
      }, async () => {
        const { fifo, env } = withFifo();
        const child = spawn(process.execPath, [CLI, ...args(fifo)], { env, cwd: ROOT, stdio: 'ignore' });
        const ended = new Promise<NodeJS.Signals | number | null>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
          child.on('close', (code, got) => {
            clearTimeout(timer);
            resolve(got ?? code);
          });
        });
        assert.ok(await blockedOnFifo(child.pid!), 'the CLI waits for a writer, as gcloud does');
        child.kill(signal);
        // The signal's own action ends it (a shell reports 130 or 143), not the SIGKILL sent past every bound.
        assert.equal(await ended, signal);
      });
    }
  }

  const stores: [string, (file: string, fifo: string) => void, RegExp][] = [
    [
      'a FIFO',
      (file, fifo) => fs.symlinkSync(fifo, file),
      /is not a readable SQLite database: it is a FIFO \(named pipe\), not a regular file$/m,
    ],
    [
      '/dev/zero',
      (file) => fs.symlinkSync('/dev/zero', file),
      /is not a readable SQLite database: it is a character device, not a regular file$/m,
    ],
  ];
  for (const [name, make, expected] of stores) {
    test(`credentials.db that is ${name}: one line, exit 1, nothing read`, async () => {
      const { fifo, env } = withFifo();
      delete env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE;
      make(path.join(env.CLOUDSDK_CONFIG!, 'credentials.db'), fifo);
      const r = await runCli(LIST, { ...env, CLOUDSDK_CORE_ACCOUNT: 'a@example.com' });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, expected);
      noCrash(r);
    });
  }

  for (const [name, ca] of [
    ['/dev/zero', () => '/dev/zero'],
    ['a FIFO', (fifo: string) => fifo],
  ] as const) {
    test(`core/custom_ca_certs_file that is ${name}: one line, exit 1`, async () => {
      const { fifo, env } = withFifo();
      const r = await runCli(LIST, { ...env, CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: ca(fifo) });
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /Unable to read the CA certificates file \[.*\] \(core\/custom_ca_certs_file\): it is a (character device|FIFO \(named pipe\)), not a regular file$/m,
      );
      noCrash(r);
    });
  }

  test('a credential file that is /dev/zero: refused past its bound', async () => {
    const { env } = withFifo();
    const r = await runCli(LIST, { ...env, CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: '', CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: '/dev/zero' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Failed to load credential file: \[\/dev\/zero\]\. {2}larger than \d+ bytes$/m);
  });
});

describe('item 6: a corrupt store, a token endpoint answering nonsense: one line naming the file or endpoint', () => {
  let emulator: RunningEmulator;
  let proxy: MisbehavingProxy;
  before(async () => {
    emulator = await startEmulator({ port: 0, operationDelayMs: 0, oauth: { requireIssuedTokens: true } });
    proxy = await startMisbehavingProxy(emulator.port);
  });
  after(async () => {
    await proxy.close();
    await emulator.close();
  });

  const stores: [string, (file: string) => void, RegExp][] = [
    ['cut short', (file) => fs.truncateSync(file, 150), /is not a readable SQLite database: it is cut short: page \d+ lies past its end$/m],
    [
      'with a zeroed page',
      (file) => {
        const bytes = fs.readFileSync(file);
        const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
        bytes.fill(0, pageSize, 2 * pageSize);
        fs.writeFileSync(file, bytes);
      },
      /is not a readable SQLite database: page 2 is not a table b-tree page$/m,
    ],
    [
      'whose table is WITHOUT ROWID',
      (file) =>
        writeSqlite(file, [
          { name: 'credentials', sql: 'CREATE TABLE "credentials" (account_id TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID', rows: [] },
        ]),
      /is not a readable SQLite database: its table \[credentials\] is a WITHOUT ROWID table, which gcloud does not write$/m,
    ],
  ];
  for (const [name, damage, expected] of stores) {
    test(`credentials.db ${name}`, async () => {
      const { config, env } = aliceLogin(emulator);
      const file = path.join(config, 'credentials.db');
      damage(file);
      const r = await runCli(LIST, env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`^ERROR: \\(gcloud\\.ai-platform\\.models\\.list\\) \\[${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\] `, 'm'),
      );
      assert.match(r.stderr, expected);
      noCrash(r);
    });
  }

  for (const [body, what] of [
    ['null', 'null instead of an object'],
    ['[]', 'a JSON array instead of an object'],
    ['"ya29.x"', 'a JSON string instead of an object'],
    ['{"token_type":"Bearer"}', 'no access_token'],
    ['{"access_token":"ya29.a\\r\\nX-Injected: 1"}', 'an access_token that is not a usable token'],
    ['<html>', 'an answer that is not JSON'],
    ['', 'an empty answer'],
  ]) {
    test(`a token endpoint answering ${JSON.stringify(body)}`, async () => {
      proxy.rules.length = 0;
      proxy.applied.length = 0;
      proxy.rules.push({ match: /^POST \/token/, reply: { status: 200, headers: { 'content-type': 'application/json' }, body } });
      const { env } = aliceLogin(emulator, `${proxy.url}token`);
      const r = await runCli(LIST, env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^ERROR: \\(gcloud\\.ai-platform\\.models\\.list\\) There was a problem refreshing auth tokens for account alice@example\\.com: the token endpoint \\[${proxy.url}token\\] answered HTTP 200 with ${what.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`,
          'm',
        ),
      );
      assert.deepEqual(proxy.applied, ['POST /token'], 'asked once: a bad answer is not retried');
      noCrash(r);
    });
  }
});

describe('item 9: a server that trickles its answer', () => {
  let server: Server;
  let url: string;
  before(async () => {
    // Headers at once, then a space every 100 ms, forever: never silent for long, never done.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('the whole answer gets a deadline (twice core/http_timeout and a second), however often bytes come; the attempt is retried, Ctrl-C ends the wait', async () => {
    const env = {
      ...scratch().env,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: url,
      CLOUDSDK_CORE_VERBOSITY: 'info',
      CLOUDSDK_CORE_HTTP_TIMEOUT: '1',
    };
    const r = await runAndSignal(
      LIST,
      env,
      /Retrying GET .* after the answer from \[127\.0\.0\.1:\d+\] was not complete 3s after it began \(core\/http_timeout: 1s\)/,
      'SIGINT',
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Aborted by user\.\n$/);
    noCrash(r);
  });
});

describe('item 8: the emulator says what it exposes', () => {
  test('bound to a non-loopback address, start warns that it has no real access control', async () => {
    const s = scratch();
    const r = await runAndSignal(
      ['emulators', 'ai-platform', 'start', '--host-port=0.0.0.0:0', `--data-dir=${path.join(s.dir, 'emulator')}`],
      s.env,
      /WARNING: The emulator listens on \[0\.0\.0\.0\], which other machines may reach: it has no real access control and accepts any bearer token/,
      'SIGINT',
    );
    assert.match(r.stderr, /emulator listening on http:\/\/0\.0\.0\.0:\d+\//);
    noCrash(r);
  });

  test('--help says that any token is accepted without --require-issued-tokens', async () => {
    const r = await runCli(['emulators', 'ai-platform', 'start', '--help'], scratch().env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.replace(/\s+/g, ' '), /Without it, any bearer token \(or none\) is accepted\./);
  });
});
