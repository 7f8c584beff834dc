// IAM Credentials generateAccessToken, enough for --impersonate-service-account to run offline:
// a caller with a bearer token gets a short-lived token naming the target service account.
import { randomBytes } from 'node:crypto';
import { rpcError } from '../errors';
import type { Exchange, Reply } from '../exchange';
import type { EmulatedService } from '../service';

const GENERATE = /^\/v1\/projects\/[^/]+\/serviceAccounts\/([^/:]+):generateAccessToken$/;

export class IamCredentialsService implements EmulatedService {
  /** `register`: makes each token it hands out one the emulator issued (so --require-issued-tokens accepts it). */
  constructor(private readonly register: (token: string, principal: string, expiresAt: number) => void) {}

  handles(path: string): boolean {
    return GENERATE.test(path);
  }

  async handle(ex: Exchange): Promise<Reply> {
    const target = decodeURIComponent(GENERATE.exec(ex.rawPath)![1]);
    if (ex.method !== 'POST') throw rpcError(405, 'INVALID_ARGUMENT', `Method ${ex.method} not allowed.`);
    const body = await ex.readJson();
    if (!/^Bearer \S+/.test(ex.header('authorization') ?? '')) {
      throw rpcError(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential.');
    }
    if (!/^[^@\s]+@[^@\s]+$/.test(target)) throw rpcError(400, 'INVALID_ARGUMENT', `Invalid service account email [${target}].`);
    const lifetime =
      body.kind === 'json' ? Number(/^(\d+)s$/.exec(String((body.value as { lifetime?: unknown })?.lifetime))?.[1] ?? 3600) : 3600;
    const accessToken = `ya29.emulator-impersonated.${target}.${randomBytes(6).toString('hex')}`;
    // Whole seconds: the expiry is shown that way (below).
    const expiresAt = Math.floor((Date.now() + lifetime * 1000) / 1000) * 1000;
    this.register(accessToken, target, expiresAt);
    return {
      status: 200,
      json: {
        accessToken,
        // RFC 3339 without fractional seconds: Google's auth libraries parse exactly that form.
        expireTime: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    };
  }
}
