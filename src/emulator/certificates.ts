// Certificates for the emulator's HTTPS (--tls without a given certificate): a private CA and a
// server certificate it signs, for localhost, 127.0.0.1, ::1 and the listening host. Built here
// (a few DER structures, signed with node:crypto) so no openssl binary or package is needed.
// Clients trust the CA through core/custom_ca_certs_file, as with a TLS-inspecting proxy.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

export interface TlsMaterial {
  /** PEM: the CA certificate clients trust. */
  ca: string;
  /** PEM: the server's certificate and its key. */
  cert: string;
  key: string;
}

// ---- DER ------------------------------------------------------------------------------------

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : n < 0x10000
          ? Buffer.from([0x82, n >> 8, n & 0xff])
          : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const seq = (...content: Buffer[]) => der(0x30, ...content);
const set = (...content: Buffer[]) => der(0x31, ...content);
const octets = (content: Buffer) => der(0x04, content);
const bits = (content: Buffer) => der(0x03, Buffer.from([0]), content);
const bool = (value: boolean) => der(0x01, Buffer.from([value ? 0xff : 0]));
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const explicit = (n: number, content: Buffer) => der(0xa0 + n, content);

function integer(value: Buffer): Buffer {
  let bytes = value;
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1] < 0x80) bytes = bytes.subarray(1);
  return der(0x02, bytes[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const base128 = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
    out.push(...base128);
  }
  return der(0x06, Buffer.from(out));
}

function time(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(text.slice(2))) : der(0x18, Buffer.from(text));
}

const name = (commonName: string) => seq(set(seq(oid('2.5.4.3'), utf8(commonName))));
const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function certificate(options: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerKey: KeyObject;
  ca: boolean;
  hosts: string[];
}): string {
  const now = Date.now();
  const extensions = [
    extension('2.5.29.19', true, seq(...(options.ca ? [bool(true)] : []))), // basicConstraints
    extension('2.5.29.15', true, bits(Buffer.from([options.ca ? 0x06 : 0x80]))), // keyUsage: keyCertSign+cRLSign, or digitalSignature
    extension('2.5.29.14', false, octets(keyId(options.publicKey))), // subjectKeyIdentifier
    extension('2.5.29.35', false, seq(der(0x80, keyId(options.issuerKey)))), // authorityKeyIdentifier
  ];
  if (!options.ca) {
    extensions.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1')))); // extKeyUsage: serverAuth
    const altNames = options.hosts.map((host) => {
      const ip = isIP(host);
      if (ip === 4) return der(0x87, Buffer.from(host.split('.').map(Number)));
      if (ip === 6) return der(0x87, ipv6Bytes(host));
      return der(0x82, Buffer.from(host, 'ascii'));
    });
    extensions.push(extension('2.5.29.17', false, seq(...altNames))); // subjectAltName
  }
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(randomBytes(16)),
    ECDSA_SHA256,
    name(options.issuer),
    seq(time(new Date(now - 60 * 60 * 1000)), time(new Date(now + 365 * 24 * 60 * 60 * 1000))),
    name(options.subject),
    options.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, options.signingKey);
  return pem('CERTIFICATE', seq(tbs, ECDSA_SHA256, bits(signature)));
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = address.includes('::') ? [...groups(head), ...Array(missing).fill('0'), ...groups(tail)] : groups(head);
  const out = Buffer.alloc(16);
  for (const [i, group] of all.entries()) out.writeUInt16BE(parseInt(group, 16), i * 2);
  return out;
}

function pem(label: string, body: Buffer): string {
  const base64 = body.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

/** A fresh CA and a server certificate for `hosts` (localhost, 127.0.0.1 and ::1 always included). */
export function generateTlsMaterial(hosts: string[] = []): TlsMaterial {
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serverKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caName = 'gcloud-aip emulator CA';
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hosts.filter((h) => h && h !== '0.0.0.0' && h !== '::')])];
  return {
    ca: certificate({
      subject: caName,
      issuer: caName,
      publicKey: caKeys.publicKey,
      signingKey: caKeys.privateKey,
      issuerKey: caKeys.publicKey,
      ca: true,
      hosts: [],
    }),
    cert: certificate({
      subject: 'localhost',
      issuer: caName,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      issuerKey: caKeys.publicKey,
      ca: false,
      hosts: names,
    }),
    key: serverKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
