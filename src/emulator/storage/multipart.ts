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

export type MultipartEvent = { kind: 'partStart'; headers: Record<string, string> } | { kind: 'data'; data: Buffer } | { kind: 'partEnd' };

const MAX_HEADER_BYTES = 64 * 1024;

type ParserState = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'epilogue';

/**
 * Parses a multipart body into part events, per RFC 2046: a delimiter is a line break, `--` and the
 * boundary, and that line break belongs to the delimiter, so a part's data never includes it. The
 * line break is CRLF in the RFC and a bare LF in the bodies gcloud sends (Python's email package);
 * which one a body uses is read from the line that ends its first delimiter, and from then on only
 * that exact sequence delimits. So a part ending in CR is kept whole in an LF body (the CR is data),
 * and a part ending in LF or CRLF keeps those bytes in a CRLF body.
 * Throws MultipartError when the body is not well formed (e.g. no closing delimiter).
 * Long on purpose: one state machine whose states share the buffer and the body's iterator; split
 * into functions, each would hand both back and forth, and the states read best side by side.
 */
export async function* parseMultipart(body: AsyncIterable<Buffer>, boundary: string): AsyncGenerator<MultipartEvent> {
  if (!boundary) throw new MultipartError('missing multipart boundary');
  // Until the first delimiter's line break is seen, its own start is found with a bare LF.
  let delimiter = Buffer.from(`\n--${boundary}`, 'latin1');
  let lineBreak: 'lf' | 'crlf' | undefined;
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
          if (at > 0) yield { kind: 'data', data: buffer.subarray(0, at) };
          yield { kind: 'partEnd' };
        }
        buffer = buffer.subarray(at + delimiter.length);
        state = 'afterDelimiter';
        continue;
      }
      // Keep enough to recognise a delimiter split across chunks.
      const keep = delimiter.length - 1;
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
        if (lineBreak === undefined) {
          lineBreak = newline > 0 && buffer[newline - 1] === 0x0d ? 'crlf' : 'lf';
          delimiter = Buffer.from(`${lineBreak === 'crlf' ? '\r\n' : '\n'}--${boundary}`, 'latin1');
        }
        buffer = buffer.subarray(newline + 1);
        state = 'headers';
        continue;
      }
      if (buffer.length > 1024) throw new MultipartError('malformed multipart delimiter line');
      if (!(await pull())) throw new MultipartError('multipart body ended inside a delimiter line');
      continue;
    }

    // state === 'headers'
    const headerEnd = findHeaderEnd(buffer, lineBreak === 'crlf' ? '\r\n' : '\n');
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

/** Finds the blank line ending a header block that starts at offset 0, in the body's line breaks. */
function findHeaderEnd(buffer: Buffer, eol: string): { headersLength: number; bodyStart: number } | undefined {
  if (buffer.subarray(0, eol.length).toString('latin1') === eol) return { headersLength: 0, bodyStart: eol.length };
  const end = buffer.indexOf(eol + eol, 0, 'latin1');
  return end < 0 ? undefined : { headersLength: end, bodyStart: end + 2 * eol.length };
}

function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
