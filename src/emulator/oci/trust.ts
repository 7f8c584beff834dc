// Whom the emulator's OCI registry believes: it is given files (`--oci-trust`) and checks every
// request's OCI signature against the keys they name, with the CLI's own signing rules
// (mlflow/oci-signer.ts). Each file is either
//   an OCI config file: each profile's API key (keyId TENANCY/USER/FINGERPRINT), and, for a profile
//     with security_token_file, that session token (keyId ST$TOKEN) with the profile's key_file;
//   a PEM key (public, or private to take its public half): an API key for any keyId that ends with
//     its fingerprint, and the issuer of session tokens — JWTs it signed (RS256) whose `jwk` claim
//     is the key that signs requests (how OCI's session and resource principal tokens are built).
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import { DEFAULT_PROFILE, expandHome, keyFingerprint, parseConfigText, privateKeyFromPem } from '../../mlflow/oci-config';
import { parseSignatureHeader, signatureProblem, type SignableRequest } from '../../mlflow/oci-signer';

export class OciTrust {
  private readonly apiKeys = new Map<string, KeyObject>();
  private readonly byFingerprint = new Map<string, KeyObject>();
  private readonly tokens = new Map<string, KeyObject>();
  private readonly issuers: KeyObject[] = [];

  /** Throws an Error naming the file when one cannot be read as either kind. */
  static load(files: string[], env: NodeJS.ProcessEnv = process.env): OciTrust {
    const trust = new OciTrust();
    for (const file of files) trust.add(file, env);
    return trust;
  }

  private add(file: string, env: NodeJS.ProcessEnv): void {
    const text = fs.readFileSync(file, 'utf8');
    if (text.includes('-----BEGIN')) {
      const key = createPublicKey(text);
      this.byFingerprint.set(keyFingerprint(key), key);
      this.issuers.push(key);
      return;
    }
    const sections = parseConfigText(text, file);
    for (const [name, own] of sections) {
      const values = { ...(name === DEFAULT_PROFILE ? {} : sections.get(DEFAULT_PROFILE)), ...own };
      if (!values.key_file) continue;
      const privateKey = privateKeyFromPem(
        fs.readFileSync(expandHome(values.key_file, env)),
        values.pass_phrase || undefined,
        `key_file of profile [${name}]`,
      );
      const key = createPublicKey(privateKey);
      if (values.security_token_file) this.tokens.set(fs.readFileSync(expandHome(values.security_token_file, env), 'utf8').trim(), key);
      else if (values.tenancy && values.user && values.fingerprint)
        this.apiKeys.set(`${values.tenancy}/${values.user}/${values.fingerprint}`, key);
    }
  }

  /** Session tokens this key signed are believed too (the emulator's own federation endpoint). */
  trustIssuer(key: KeyObject): void {
    this.issuers.push(key);
  }

  /** Why the request is not signed by someone trusted, or undefined when it is. */
  problem(request: SignableRequest, now: Date = new Date()): string | undefined {
    const authorization = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    const params = parseSignatureHeader(authorization);
    if (!params) return 'no OCI signature in the authorization header';
    const key = params.keyId.startsWith('ST$') ? this.tokenKey(params.keyId.slice(3), now) : this.apiKey(params.keyId);
    if (typeof key === 'string') return key;
    return signatureProblem(request, params, key, now);
  }

  private apiKey(keyId: string): KeyObject | string {
    const fingerprint = keyId.split('/')[2]?.toLowerCase();
    const key = this.apiKeys.get(keyId) ?? (fingerprint ? this.byFingerprint.get(fingerprint) : undefined);
    return key ?? `unknown keyId [${keyId}]`;
  }

  private tokenKey(token: string, now: Date): KeyObject | string {
    const known = this.tokens.get(token);
    if (known) return known;
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return 'an unknown session token';
    const signed = `${header}.${payload}`;
    if (!this.issuers.some((issuer) => createVerify('RSA-SHA256').update(signed).verify(issuer, signature, 'base64url'))) {
      return 'a session token no trusted key signed';
    }
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number; jwk?: Record<string, unknown> };
      if (typeof claims.exp === 'number' && claims.exp * 1000 <= now.getTime()) return 'an expired session token';
      if (!claims.jwk) return 'a session token without a jwk claim';
      return createPublicKey({ key: claims.jwk as never, format: 'jwk' });
    } catch {
      return 'a malformed session token';
    }
  }
}
