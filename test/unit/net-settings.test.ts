// Network settings as gcloud reads them: proxy/* properties over the environment, the environment
// in urllib's order, no_proxy matching, the CA bundle, the socket timeout.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Properties } from '../../src/config/properties';
import { UserError } from '../../src/errors';
import { netSettings } from '../../src/net';
import { DEFAULT_TIMEOUT_MS, bypassesProxy } from '../../src/net/settings';
import { tempDir } from '../support/temp';

const config = tempDir('net-settings-');
const settings = (env: NodeJS.ProcessEnv) =>
  netSettings(new Properties({ CLOUDSDK_CONFIG: config, ...env }), { CLOUDSDK_CONFIG: config, ...env });
const proxyProps = { CLOUDSDK_PROXY_TYPE: 'http', CLOUDSDK_PROXY_ADDRESS: 'proxy.corp', CLOUDSDK_PROXY_PORT: '3128' };

describe('proxies', () => {
  test('none by default', () => {
    const s = settings({});
    assert.equal(s.httpProxy, undefined);
    assert.equal(s.httpsProxy, undefined);
  });

  test('proxy/* properties serve both schemes, with credentials; the environment (no_proxy too) is ignored', () => {
    const s = settings({
      ...proxyProps,
      CLOUDSDK_PROXY_USERNAME: 'me',
      CLOUDSDK_PROXY_PASSWORD: 'p@ss:word',
      HTTPS_PROXY: 'http://other:1',
      NO_PROXY: '*',
    });
    assert.equal(s.httpsProxy, s.httpProxy);
    assert.equal(s.httpsProxy!.url.host, 'proxy.corp:3128');
    assert.equal(decodeURIComponent(s.httpsProxy!.url.username), 'me');
    assert.equal(decodeURIComponent(s.httpsProxy!.url.password), 'p@ss:word');
    assert.deepEqual(s.httpsProxy!.noProxy, []);
  });

  test('proxy/* must be all or none; socks is refused with a clear error', () => {
    assert.throws(
      () => settings({ CLOUDSDK_PROXY_TYPE: 'http' }),
      /Please set all or none of the following properties: proxy\/type, proxy\/address and proxy\/port/,
    );
    assert.throws(
      () => settings({ ...proxyProps, CLOUDSDK_PROXY_TYPE: 'socks5' }),
      (err: Error) => err instanceof UserError && /socks5 proxy .* is not supported/.test(err.message),
    );
    // gcloud 528's own words for these two.
    assert.throws(
      () => settings({ ...proxyProps, CLOUDSDK_PROXY_TYPE: 'ftp' }),
      /^UserError: Invalid value for property \[proxy\/type\]: The proxy type property value \[ftp\] is not valid\. Possible values: \[http, http_no_tunnel, socks4, socks5\]\.$/,
    );
    assert.throws(
      () => settings({ ...proxyProps, CLOUDSDK_PROXY_PORT: 'eighty' }),
      /^UserError: The property \[proxy\/port\] must have an integer value: \[eighty\]$/,
    );
    // A port of 0 is no port, as in gcloud.
    assert.throws(() => settings({ ...proxyProps, CLOUDSDK_PROXY_PORT: '0' }), /Please set all or none/);
    assert.throws(() => settings({ ...proxyProps, CLOUDSDK_PROXY_PORT: '70000' }), /Invalid value for property \[proxy\/port\]: \[70000\]/);
  });

  test('issue 30: proxy/address is a host alone; anything else is refused, never replaced by a guessed host', () => {
    for (const address of ['http://proxy.corp', 'proxy.corp:3128', 'proxy corp', '::1', 'proxy.corp/x', 'a..b', '-x.corp', '']) {
      const props = { ...proxyProps, CLOUDSDK_PROXY_ADDRESS: address, CLOUDSDK_PROXY_USERNAME: 'u', CLOUDSDK_PROXY_PASSWORD: 'pw' };
      assert.throws(
        () => settings(props),
        (err: Error) =>
          err instanceof UserError &&
          (address === '' ? /Please set all or none/ : /^Invalid value for property \[proxy\/address\]/).test(err.message),
        address,
      );
    }
    const withCredentials = { ...proxyProps, CLOUDSDK_PROXY_ADDRESS: 'admin:hunter2@proxy.corp' };
    assert.throws(
      () => settings(withCredentials),
      (err: Error) => err.message.includes('[admin:***@proxy.corp]') && !err.message.includes('hunter2'),
    );
    for (const [address, host] of [
      ['proxy.corp', 'proxy.corp:3128'],
      ['10.0.0.1', '10.0.0.1:3128'],
      ['[::1]', '[::1]:3128'],
      ['proxy_1.corp.', 'proxy_1.corp.:3128'],
    ]) {
      assert.equal(settings({ ...proxyProps, CLOUDSDK_PROXY_ADDRESS: address }).httpsProxy!.url.host, host);
    }
  });

  test('issue 30: a malformed proxy URL in the environment is shown without its password', () => {
    for (const value of ['http://user:s3cret@proxy:99999', 'user:s3cret@proxy:port', 'http://user:s3c@ret@[bad']) {
      assert.throws(
        () => settings({ https_proxy: value }),
        (err: Error) =>
          err instanceof UserError && /Invalid proxy URL in https_proxy: \[.*user:\*\*\*@/.test(err.message) && !/s3c/.test(err.message),
        value,
      );
    }
  });

  test('environment: per scheme, lower case before upper case, a bare host:port is http://', () => {
    const s = settings({ https_proxy: 'lower:8080', HTTPS_PROXY: 'http://upper:8080', HTTP_PROXY: 'http://plain:3128' });
    assert.equal(s.httpsProxy!.url.href, 'http://lower:8080/');
    assert.equal(s.httpProxy!.url.href, 'http://plain:3128/');
  });

  test('HTTP_PROXY is ignored under CGI (REQUEST_METHOD set), as urllib does', () => {
    assert.equal(settings({ HTTP_PROXY: 'http://p:1', REQUEST_METHOD: 'GET' }).httpProxy, undefined);
  });

  test('no_proxy: *, hosts and domain suffixes, ports, CIDR ranges', () => {
    const match = (url: string, list: string) => bypassesProxy(new URL(url), list.split(','));
    assert.equal(match('https://ml.googleapis.com/', '*'), true);
    assert.equal(match('https://ml.googleapis.com/', 'googleapis.com'), true);
    assert.equal(match('https://ml.googleapis.com/', '.googleapis.com'), true);
    assert.equal(match('https://notgoogleapis.com/', 'googleapis.com'), false);
    assert.equal(match('http://127.0.0.1:8089/', '127.0.0.1'), true);
    assert.equal(match('http://127.0.0.1:8089/', '127.0.0.1:8089'), true);
    assert.equal(match('http://127.0.0.1:8089/', '127.0.0.1:9999'), false);
    assert.equal(match('http://10.1.2.3/', '10.0.0.0/8'), true);
    assert.equal(match('http://11.1.2.3/', '10.0.0.0/8'), false);
  });
});

describe('TLS and timeouts', () => {
  test('core/custom_ca_certs_file must hold a PEM certificate', () => {
    const file = path.join(config, 'ca.pem');
    fs.writeFileSync(file, 'not a certificate');
    assert.throws(() => settings({ CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: file }), /holds no PEM certificate/);
    fs.writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    assert.match(settings({ CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: file }).extraCa!, /BEGIN CERTIFICATE/);
  });

  test('auth/disable_ssl_validation', () => {
    assert.equal(settings({}).insecure, false);
    assert.equal(settings({ CLOUDSDK_AUTH_DISABLE_SSL_VALIDATION: 'true' }).insecure, true);
  });

  test("core/http_timeout in seconds; gcloud's 300 s by default", () => {
    assert.equal(settings({}).timeoutMs, DEFAULT_TIMEOUT_MS);
    assert.equal(DEFAULT_TIMEOUT_MS, 300_000);
    assert.equal(settings({ CLOUDSDK_CORE_HTTP_TIMEOUT: '2.5' }).timeoutMs, 2500);
    assert.throws(() => settings({ CLOUDSDK_CORE_HTTP_TIMEOUT: '0' }), /Invalid value for \[core\/http_timeout\]/);
  });
});
