// What instance principals need besides the registry, so they run offline: the instance metadata
// service (GET /opc/v2/…, header `Authorization: Bearer Oracle`) served from a directory that
// mirrors it (identity/cert.pem, identity/key.pem, identity/intermediate.pem,
// instance/canonicalRegionName, …), and the auth service's federation endpoint (POST /v1/x509).
// The endpoint federates only that directory's instance: the certificate must be its cert.pem, the
// request signed with its key (keyId TENANCY/fed-x509/SHA1-FINGERPRINT). It answers a session
// token: a JWT the emulator signs, whose `jwk` claim is the public key the client sent; the OCI
// registry trusts the emulator's own tokens (OciTrust.trustIssuer).
import { createPublicKey, createSign, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pemBody, tenancyOf } from '../../mlflow/oci-instance';
import { parseSignatureHeader, signatureProblem } from '../../mlflow/oci-signer';
import { JSON_BODY_LIMIT, type Exchange, type Reply } from '../exchange';
import type { EmulatedService } from '../service';

const METADATA_PREFIX = '/opc/v2/';
const FEDERATION_PATH = '/v1/x509';
/** OCI's instance principal tokens last 20 minutes. */
const TOKEN_TTL_S = 20 * 60;

export class OciIdentityService implements EmulatedService {
  /** The instance's identity endpoints answer without a bearer token (they are what signs in). */
  readonly authenticated = false;
  private readonly certificate: X509Certificate;
  private readonly tenancy: string;
  /** Signs the session tokens; generated per start, so tokens never outlive the emulator. */
  private readonly issuer = generateKeyPairSync('rsa', { modulusLength: 2048 });

  constructor(private readonly metadataDir: string) {
    this.certificate = new X509Certificate(fs.readFileSync(path.join(metadataDir, 'identity', 'cert.pem')));
    const tenancy = tenancyOf(this.certificate);
    if (!tenancy) throw new Error(`${metadataDir}/identity/cert.pem names no tenancy (OU=opc-tenant:…)`);
    this.tenancy = tenancy;
  }

  get issuerKey(): KeyObject {
    return this.issuer.publicKey;
  }

  handles(rawPath: string): boolean {
    return rawPath.startsWith(METADATA_PREFIX) || rawPath === FEDERATION_PATH;
  }

  async handle(ex: Exchange): Promise<Reply> {
    return ex.rawPath === FEDERATION_PATH ? this.federate(ex) : this.metadata(ex);
  }

  /** IMDS v2: a file of the directory, as it is; the header is required, as IMDS v2 requires it. */
  private metadata(ex: Exchange): Reply {
    if (ex.header('authorization') !== 'Bearer Oracle')
      return { status: 401, json: { code: 'NotAuthenticated', message: 'IMDS v2 requires the header Authorization: Bearer Oracle.' } };
    const relative = decodeURIComponent(ex.rawPath.slice(METADATA_PREFIX.length));
    const file = path.resolve(this.metadataDir, relative);
    if (
      ex.method !== 'GET' ||
      !file.startsWith(path.resolve(this.metadataDir) + path.sep) ||
      !fs.statSync(file, { throwIfNoEntry: false })?.isFile()
    ) {
      return { status: 404, json: { code: 'NotFound', message: `No metadata at ${ex.rawPath}.` } };
    }
    return { status: 200, file: { path: file, start: 0, end: fs.statSync(file).size - 1 } };
  }

  private async federate(ex: Exchange): Promise<Reply> {
    const chunks: Buffer[] = [];
    for await (const chunk of ex.body(JSON_BODY_LIMIT)) chunks.push(chunk);
    const raw = Buffer.concat(chunks);
    const refuse = (status: number, code: string, message: string): Reply => ({ status, json: { code, message } });
    if (ex.method !== 'POST') return refuse(404, 'NotFound', `${FEDERATION_PATH} takes POST.`);
    let body: { certificate?: unknown; publicKey?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
      ex.bodyRecord = body;
    } catch {
      return refuse(400, 'InvalidParameter', 'The request body is not JSON.');
    }
    const params = parseSignatureHeader(ex.header('authorization'));
    const expectedKeyId = `${this.tenancy}/fed-x509/${this.certificate.fingerprint}`;
    const problem = !params
      ? 'no OCI signature'
      : params.keyId.toUpperCase() !== expectedKeyId.toUpperCase()
        ? `keyId is not ${expectedKeyId}`
        : body.certificate !== pemBody(this.certificate.toString())
          ? 'not the certificate of this instance'
          : signatureProblem(
              { method: ex.method, url: `http://${ex.host}${ex.req.url}`, headers: ex.headerRecord(), body: raw },
              params,
              this.certificate.publicKey,
            );
    if (problem)
      return {
        ...refuse(401, 'NotAuthenticated', 'The required information to complete authentication was not provided or was incorrect.'),
        headers: { 'x-emulator-auth-problem': problem },
      };
    let jwk: unknown;
    try {
      jwk = createPublicKey({ key: Buffer.from(String(body.publicKey), 'base64'), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    } catch {
      return refuse(400, 'InvalidParameter', 'publicKey is not a base64 DER public key.');
    }
    const now = Math.floor(Date.now() / 1000);
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: /CN=([^\n]+)/.exec(this.certificate.subject)?.[1], tenant: this.tenancy, ptype: 'instance', iat: now, exp: now + TOKEN_TTL_S, jwk })}`;
    return {
      status: 200,
      json: { token: `${signed}.${createSign('RSA-SHA256').update(signed).sign(this.issuer.privateKey, 'base64url')}` },
    };
  }
}
