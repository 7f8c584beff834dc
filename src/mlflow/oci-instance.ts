// Instance principals: a job on an OCI compute instance signs as the instance. The instance
// metadata service (IMDS v2, header `Authorization: Bearer Oracle`) hands out the instance's
// certificate, its key and the intermediate certificate; the auth service's federation endpoint
// (POST /v1/x509, signed with that key, keyId TENANCY/fed-x509/SHA1-FINGERPRINT) exchanges them for
// a session token bound to a fresh key pair, which then signs requests (keyId ST$TOKEN).
// Both addresses can be moved, with the variables OCI's Go SDK reads, so the emulator serves them
// in tests: OCI_METADATA_BASE_URL (default http://169.254.169.254/opc/v2) and
// OCI_SDK_AUTH_CLIENT_REGION_URL (default https://auth.REGION.oraclecloud.com).
// The calls go through the CLI's one HTTP client (the federation endpoint through the proxy and CA
// settings; the link-local metadata service directly), one attempt each, with their answers (the
// instance's private key, the session token) kept out of --log-http.
import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { UserError } from '../errors';
import { type HttpClient, NO_RETRY } from '../net';
import { signRequest, type SigningKey } from './oci-signer';

export const DEFAULT_METADATA_BASE_URL = 'http://169.254.169.254/opc/v2';
/** Off OCI the metadata address does not answer at all: give up soon. */
const TIMEOUT_MS = 10_000;

interface Answer {
  status: number;
  text: string;
}

/** Fetches the instance's identity and exchanges it for a session token and its key. */
export async function instancePrincipalKey(env: NodeJS.ProcessEnv, http: HttpClient): Promise<SigningKey> {
  const base = (env.OCI_METADATA_BASE_URL || DEFAULT_METADATA_BASE_URL).replace(/\/+$/, '');
  const metadata = async (path: string) => {
    const url = `${base}/${path}`;
    const answer = await send(
      http,
      { method: 'GET', url, headers: { authorization: 'Bearer Oracle' }, direct: true },
      'the OCI instance metadata service',
    );
    if (answer.status !== 200)
      throw new UserError(`The OCI instance metadata service answered ${url} with HTTP ${answer.status}: ${describe(answer)}`);
    return answer.text;
  };
  const certificatePem = await metadata('identity/cert.pem');
  const keyPem = await metadata('identity/key.pem');
  const intermediatePem = await metadata('identity/intermediate.pem');
  const federation = (
    env.OCI_SDK_AUTH_CLIENT_REGION_URL || `https://auth.${(await metadata('instance/canonicalRegionName')).trim()}.oraclecloud.com`
  ).replace(/\/+$/, '');

  let certificate: X509Certificate;
  let instanceKey: KeyObject;
  try {
    certificate = new X509Certificate(certificatePem);
    instanceKey = createPrivateKey(keyPem);
  } catch {
    throw new UserError(`The OCI instance metadata service at [${base}] did not answer a certificate and key gcloud-aip can read.`);
  }
  const tenancy = tenancyOf(certificate);
  if (!tenancy) throw new UserError(`The instance certificate from [${base}] names no tenancy (OU=opc-tenant:…).`);

  const session = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const body = JSON.stringify({
    certificate: pemBody(certificatePem),
    publicKey: pemBody(session.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    intermediateCertificates: [pemBody(intermediatePem)],
    purpose: 'DEFAULT',
  });
  const url = `${federation}/v1/x509`;
  const headers = signRequest(
    { method: 'POST', url, headers: {}, body },
    { keyId: `${tenancy}/fed-x509/${certificate.fingerprint}`, privateKey: instanceKey },
  );
  const response = await send(http, { method: 'POST', url, headers, body }, 'the OCI federation endpoint');
  let token: unknown;
  try {
    token = (JSON.parse(response.text) as { token?: unknown }).token;
  } catch {
    token = undefined;
  }
  if (response.status !== 200 || typeof token !== 'string' || !token) {
    throw new UserError(
      `The OCI federation endpoint [${url}] refused the instance principal (HTTP ${response.status}): ${describe(response)}`,
    );
  }
  return { keyId: `ST$${token}`, privateKey: session.privateKey };
}

async function send(
  http: HttpClient,
  request: { method: string; url: string; headers: Record<string, string>; body?: string; direct?: boolean },
  what: string,
): Promise<Answer> {
  const { url } = request;
  try {
    const response = await http.request({ ...request, retry: NO_RETRY, signal: AbortSignal.timeout(TIMEOUT_MS), redactResponse: true });
    return { status: response.status, text: response.body.toString('utf8') };
  } catch (err) {
    const reason = (err as Error)?.name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000}s` : describeFailure(err as Error);
    throw new UserError(
      `Could not reach ${what} at [${url}] (${reason}): instance principals work on OCI compute instances; OCI_METADATA_BASE_URL and OCI_SDK_AUTH_CLIENT_REGION_URL move the addresses.`,
    );
  }
}

/** The client's message says little of a refused connection; its cause has the errno. */
function describeFailure(err: Error): string {
  const cause = (err as Error & { cause?: NodeJS.ErrnoException }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

/** The tenancy an OCI instance certificate belongs to (its subject's OU=opc-tenant:…). */
export function tenancyOf(certificate: X509Certificate): string | undefined {
  return /(?:^|\n)OU=opc-tenant:([^\n]+)/.exec(certificate.subject)?.[1];
}

/** The base64 of a PEM block, without its armour lines or line breaks (how /v1/x509 takes them). */
export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, '');
}

function describe(answer: Answer): string {
  const text = answer.text.trim();
  try {
    const { code, message } = JSON.parse(text) as { code?: string; message?: string };
    if (message) return code ? `${code}: ${message}` : message;
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 200) || '(no message)';
}
