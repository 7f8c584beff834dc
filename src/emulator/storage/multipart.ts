// multipart/related parsing for Cloud Storage multipart uploads, streaming so that the media part
// can go to disk without holding the object in memory. Clients differ in the details: gcloud
// (Python email package) sends LF line endings and a single-quoted boundary, others CRLF and
// unquoted or double-quoted boundaries; all of them are accepted.

export interface ContentType {
  /** Lower-cased `type/subtype`, '' when absent. */
  mime: string;
  /** Lower-cased parameter names; values with surrounding quotes (' or ") removed. */
  params: Record<string, string>;
}

export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { mime: '', params: {} };
  const semicolon = value.indexOf(';');
  const mime = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params: Record<string, string> = {};
  // key=value pairs; a quoted value may contain ';'.
  const paramPattern = /;\s*([^=;\s]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^;]*))/g;
  const rest = semicolon < 0 ? '' : value.slice(semicolon);
  for (const match of rest.matchAll(paramPattern)) {
    params[match[1].toLowerCase()] = (match[2] ?? match[3] ?? match[4] ?? '').trim();
  }
  return { mime, params };
}

export class MultipartError extends Error {}

export type MultipartEvent =
  | { kind: 'partStart'; headers: Record<string, string> }
  | { kind: 'data'; data: Buffer }
  | { kind: 'partEnd' };

const MAX_HEADER_BYTES = 64 * 1024;

type ParserState = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'epilogue';

/**
 * Parses a multipart body into part events. Per RFC 2046 the line break before a delimiter
 * belongs to the delimiter, so a part's data never includes its trailing CRLF/LF.
 * Throws MultipartError when the body is not well formed (e.g. no closing delimiter).
 */
export async function* parseMultipart(
  body: AsyncIterable<Buffer>,
  boundary: string,
): AsyncGenerator<MultipartEvent> {
  if (!boundary) throw new MultipartError('missing multipart boundary');
  const delimiter = Buffer.from(`\n--${boundary}`, 'latin1');
  // A virtual line break lets a delimiter at the very start of the body match like any other.
  let buffer: Buffer = Buffer.from('\n');
  let state: ParserState = 'preamble';
  let ended = false;
  const iterator = body[Symbol.asyncIterator]();

  const pull = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      return false;
    }
    buffer = buffer.length === 0 ? next.value : Buffer.concat([buffer, next.value]);
    return true;
  };

  for (;;) {
    if (state === 'epilogue') {
      while (await pull()) buffer = Buffer.alloc(0); // drain and ignore
      return;
    }

    if (state === 'preamble' || state === 'body') {
      const at = buffer.indexOf(delimiter);
      if (at >= 0) {
        if (state === 'body') {
          const end = at > 0 && buffer[at - 1] === 0x0d ? at - 1 : at;
          if (end > 0) yield { kind: 'data', data: buffer.subarray(0, end) };
          yield { kind: 'partEnd' };
        }
        buffer = buffer.subarray(at + delimiter.length);
        state = 'afterDelimiter';
        continue;
      }
      // Keep enough to recognise a delimiter (and the CR before it) split across chunks.
      const keep = delimiter.length + 1;
      if (buffer.length > keep) {
        if (state === 'body') yield { kind: 'data', data: buffer.subarray(0, buffer.length - keep) };
        buffer = buffer.subarray(buffer.length - keep);
      }
      if (!(await pull())) {
        throw new MultipartError(
          state === 'body' ? 'multipart body ended without a closing boundary' : `boundary "${boundary}" not found in the body`,
        );
      }
      continue;
    }

    if (state === 'afterDelimiter') {
      if (buffer.length < 2 && (await pull())) continue;
      if (buffer.subarray(0, 2).toString('latin1') === '--') {
        state = 'epilogue';
        continue;
      }
      // Skip transport padding up to the end of the delimiter line.
      const newline = buffer.indexOf(0x0a);
      if (newline >= 0) {
        buffer = buffer.subarray(newline + 1);
        state = 'headers';
        continue;
      }
      if (buffer.length > 1024) throw new MultipartError('malformed multipart delimiter line');
      if (!(await pull())) throw new MultipartError('multipart body ended inside a delimiter line');
      continue;
    }

    // state === 'headers'
    const headerEnd = findHeaderEnd(buffer);
    if (headerEnd) {
      const headers = parseHeaderLines(buffer.subarray(0, headerEnd.headersLength).toString('latin1'));
      buffer = buffer.subarray(headerEnd.bodyStart);
      state = 'body';
      yield { kind: 'partStart', headers };
      continue;
    }
    if (buffer.length > MAX_HEADER_BYTES) throw new MultipartError('multipart part headers too large');
    if (!(await pull())) throw new MultipartError('multipart body ended inside part headers');
  }
}

/** Finds the blank line ending a header block that starts at offset 0 (LF or CRLF style). */
function findHeaderEnd(buffer: Buffer): { headersLength: number; bodyStart: number } | undefined {
  if (buffer.length >= 1 && buffer[0] === 0x0a) return { headersLength: 0, bodyStart: 1 };
  if (buffer.length >= 2 && buffer[0] === 0x0d && buffer[1] === 0x0a) return { headersLength: 0, bodyStart: 2 };
  const lf = buffer.indexOf('\n\n', 0, 'latin1');
  const crlf = buffer.indexOf('\n\r\n', 0, 'latin1');
  if (lf < 0 && crlf < 0) return undefined;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headersLength: crlf, bodyStart: crlf + 3 };
  return { headersLength: lf, bodyStart: lf + 2 };
}

function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
