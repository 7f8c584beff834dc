// The ml v1 messages gcloud decodes its answers into, as far as that changes what it prints.
//
// gcloud's generated client declares `etag` a bytes field of Model and Version. apitools decodes a
// bytes field from URL-safe base64 as the answer arrives (encoding_helper.py _SafeDecodeBytes:
// base64.urlsafe_b64decode) and gcloud's printers see it re-encoded the same way (_SafeEncodeBytes:
// base64.urlsafe_b64encode, via resource_projector's MessageToDict). So the service's `H+QY+5lJgp0=`
// prints as `H-QY-5lJgp0=` in every format, and an etag Python cannot decode makes gcloud crash
// (base_api.py DeserializeMessage: InvalidDataFromServerError). An Operation's `metadata` and
// `response` are JSON values to apitools: nothing in them is decoded, so they print as sent.

export type MessageType =
  | 'GoogleCloudMlV1Model'
  | 'GoogleCloudMlV1Version'
  | 'GoogleCloudMlV1ListModelsResponse'
  | 'GoogleCloudMlV1ListVersionsResponse';

interface MessageFields {
  /** Fields declared `_messages.BytesField`. */
  bytes?: string[];
  /** Fields holding another message (a list of them for a repeated field) that has bytes fields somewhere. */
  messages?: Record<string, MessageType>;
}

const MESSAGES: Record<MessageType, MessageFields> = {
  GoogleCloudMlV1Model: { bytes: ['etag'], messages: { defaultVersion: 'GoogleCloudMlV1Version' } },
  GoogleCloudMlV1Version: { bytes: ['etag'] },
  GoogleCloudMlV1ListModelsResponse: { messages: { models: 'GoogleCloudMlV1Model' } },
  GoogleCloudMlV1ListVersionsResponse: { messages: { versions: 'GoogleCloudMlV1Version' } },
};

/** An answer apitools cannot decode as its message type: gcloud crashes (exit 1) with this message. */
export class InvalidServerDataError extends Error {
  readonly pythonType = 'InvalidDataFromServerError';
  constructor(type: MessageType, body: string, reason: string) {
    super(`Error decoding response "${body}" as type ${type}: ${reason}`);
    this.name = 'InvalidServerDataError';
  }
}

/** A string Python's base64 module refuses; the message is Python's. */
export class Base64Error extends Error {}

/**
 * The answer `value` (whose text was `body`) as gcloud prints it: every bytes field of `type`,
 * nested messages included, re-encoded. Values that are not strings are left as they are.
 */
export function decodeMessage(type: MessageType, value: Record<string, unknown>, body: string): Record<string, unknown> {
  try {
    return decodeFields(type, value);
  } catch (err) {
    // apitools decodes the whole answer at once: the crash names the answer's type.
    if (err instanceof Base64Error) throw new InvalidServerDataError(type, body, err.message);
    throw err;
  }
}

function decodeFields(type: MessageType, value: Record<string, unknown>): Record<string, unknown> {
  const fields = MESSAGES[type];
  const decoded: Record<string, unknown> = { ...value };
  for (const field of fields.bytes ?? []) {
    const text = decoded[field];
    if (typeof text === 'string') decoded[field] = reencodeBytes(text);
  }
  for (const [field, inner] of Object.entries(fields.messages ?? {})) {
    const nested = decoded[field];
    const decode = (item: unknown) => (isJsonObject(item) ? decodeFields(inner, item) : item);
    if (nested !== undefined) decoded[field] = Array.isArray(nested) ? nested.map(decode) : decode(nested);
  }
  return decoded;
}

/** A bytes field's text as gcloud prints it: Python's urlsafe_b64encode(urlsafe_b64decode(text)). */
export function reencodeBytes(text: string): string {
  return urlsafeB64Decode(text).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Python 3.12's base64.urlsafe_b64decode: `-` and `_` read as `+` and `/`, then binascii.a2b_base64
 * without strict mode — characters outside the alphabet are skipped, input ends at the padding
 * that completes a quantum, unused low bits are dropped; a partial quantum is an error.
 */
export function urlsafeB64Decode(text: string): Buffer {
  if (/[^\x00-\x7f]/.test(text)) throw new Base64Error('string argument should contain only ASCII characters');
  const out: number[] = [];
  let quadPos = 0;
  let left = 0;
  let pads = 0;
  for (const ch of text.replace(/-/g, '+').replace(/_/g, '/')) {
    if (ch === '=') {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return Buffer.from(out);
      continue;
    }
    const sextet = ALPHABET.indexOf(ch);
    if (sextet < 0) continue;
    pads = 0;
    if (quadPos === 0) left = sextet;
    else if (quadPos === 1) {
      out.push(((left << 2) | (sextet >> 4)) & 0xff);
      left = sextet & 0x0f;
    } else if (quadPos === 2) {
      out.push(((left << 4) | (sextet >> 2)) & 0xff);
      left = sextet & 0x03;
    } else out.push(((left << 6) | sextet) & 0xff);
    quadPos = (quadPos + 1) % 4;
  }
  if (quadPos === 1) {
    const count = Math.floor(out.length / 3) * 4 + 1;
    throw new Base64Error(`Invalid base64-encoded string: number of data characters (${count}) cannot be 1 more than a multiple of 4`);
  }
  if (quadPos !== 0) throw new Base64Error('Incorrect padding');
  return Buffer.from(out);
}

/** A JSON object (what a message is), not an array or null. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
