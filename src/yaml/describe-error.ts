// Translates a js-yaml syntax error into the words ruamel (gcloud's YAML parser) uses for the same
// mistake. js-yaml stops at a different point and names the problem differently, so this looks at
// the text around the failure: the unclosed bracket or quote, the character that cannot start a
// token, the block collection the stray line breaks. Anything not recognised keeps js-yaml's words.

export interface YamlMark {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** 0-based offset into the text. */
  position: number;
}

export interface YamlProblem {
  context?: string;
  contextMark?: YamlMark;
  problem: string;
  problemMark?: YamlMark;
}

function markAt(text: string, position: number): YamlMark {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n'), position };
}

/** Characters that cannot start a YAML token (ruamel: "found character … that cannot start any token"). */
const NON_TOKEN_START = new Set(['@', '`', '\t', '%']);

export function describeSyntaxError(reason: string, mark: YamlMark | undefined, text: string): YamlProblem {
  const at = mark ?? markAt(text, text.length);
  const stray = strayCharacter(text, at.position);
  if (stray) {
    return {
      context: 'while scanning for the next token',
      problem: `found character '${stray.char === '\t' ? '\\t' : stray.char}' that cannot start any token`,
      problemMark: markAt(text, stray.position),
    };
  }
  if (reason.includes('within a double quoted scalar') || reason.includes('within a single quoted scalar')) {
    const open = unclosedQuote(text, at.position);
    return {
      context: 'while scanning a quoted scalar',
      contextMark: open === undefined ? undefined : markAt(text, open),
      problem: 'found unexpected end of stream',
      problemMark: at,
    };
  }
  if (reason.includes('within a flow collection') || reason.startsWith('missed comma between flow collection entries')) {
    return unclosedFlow(text, at);
  }
  if (reason === "expected the node content, but found ','") {
    return { context: 'while parsing a flow node', problem: reason, problemMark: at };
  }
  if (reason.startsWith('can not read a block mapping entry; a multiline key')) {
    const line = lineStart(text, Math.max(0, text.trimEnd().length - 1));
    return {
      context: 'while scanning a simple key',
      contextMark: markAt(text, line),
      problem: "could not find expected ':'",
      problemMark: at,
    };
  }
  const alias = /^unidentified alias "(.*)"$/.exec(reason);
  if (alias) {
    const position = text.lastIndexOf(`*${alias[1]}`, at.position);
    return { problem: `found undefined alias '${alias[1]}'`, problemMark: markAt(text, Math.max(position, 0)) };
  }
  if (reason.startsWith('the stream contains non-printable characters')) {
    const bad = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]/.exec(text);
    if (bad) {
      const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0');
      return { problem: `unacceptable character #x${code}: special characters are not allowed`, problemMark: markAt(text, bad.index) };
    }
  }
  if (reason.startsWith('expected a single document in the stream')) {
    const separator = /^---/m.exec(text.slice(1));
    return {
      context: 'expected a single document in the stream',
      contextMark: markAt(text, firstContent(text)),
      problem: 'but found another document',
      problemMark: separator ? markAt(text, separator.index + 1) : at,
    };
  }
  const tag = /^unknown tag !<(.*)>$/.exec(reason);
  if (tag) return { problem: `could not determine a constructor for the tag '${tag[1]}'`, problemMark: at };
  if (reason.startsWith('bad indentation of a') || reason === 'end of the stream or a document separator is expected') {
    return unexpectedInBlock(text, at);
  }
  return { problem: reason, problemMark: at };
}

/** A tab in indentation, or `@`/`` ` `` where a token should start, at or before the failure. */
function strayCharacter(text: string, failure: number): { char: string; position: number } | undefined {
  const lines = text.slice(0, lineEnd(text, failure)).split('\n');
  let offset = 0;
  for (const line of lines) {
    // A token starts after the indentation (and any `- `), and again after a `key: `.
    const entry = /^[ ]*(?:-[ ]+)*/.exec(line)![0].length;
    const value = /^[ ]*(?:-[ ]+)*[^\s#'"][^#]*?:[ ]+/.exec(line)?.[0].length;
    for (const column of [entry, value]) {
      const char = column === undefined ? undefined : line[column];
      const directive = char === '%' && column === 0;
      if (char && NON_TOKEN_START.has(char) && !directive && !insideFlowOrQuote(text, offset + column!)) {
        return { char, position: offset + column! };
      }
    }
    offset += line.length + 1;
  }
  return undefined;
}

function lineEnd(text: string, position: number): number {
  const end = text.indexOf('\n', position);
  return end < 0 ? text.length : end;
}

function lineStart(text: string, position: number): number {
  return text.lastIndexOf('\n', position - 1) + 1;
}

function indentation(text: string, position: number): number {
  return /^ */.exec(text.slice(lineStart(text, position)))![0].length;
}

function firstContent(text: string): number {
  const match = /^(?:\s|#.*)*/.exec(text);
  return match ? match[0].length : 0;
}

interface Opener {
  char: string;
  position: number;
}

/** Walks the text up to `end`, tracking quotes, comments and open flow brackets. */
function scan(text: string, end: number): { openers: Opener[]; quote?: Opener } {
  const openers: Opener[] = [];
  let quote: Opener | undefined;
  for (let i = 0; i < end && i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (quote.char === '"' && c === '\\') i++;
      else if (c === quote.char) {
        if (quote.char === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    const previous = i === 0 ? '\n' : text[i - 1];
    if (c === '#' && /\s/.test(previous)) {
      i = lineEnd(text, i) - 1;
    } else if ((c === '"' || c === "'") && /[\s[{,:]/.test(previous)) {
      quote = { char: c, position: i };
    } else if ((c === '[' || c === '{') && (openers.length > 0 || /[\s:-]/.test(previous) || i === firstContent(text))) {
      openers.push({ char: c, position: i });
    } else if ((c === ']' || c === '}') && openers.length) {
      openers.pop();
    }
  }
  return { openers, quote };
}

function insideFlowOrQuote(text: string, position: number): boolean {
  const state = scan(text, position);
  return state.openers.length > 0 || state.quote !== undefined;
}

function unclosedQuote(text: string, end: number): number | undefined {
  return scan(text, end).quote?.position;
}

function unclosedFlow(text: string, at: YamlMark): YamlProblem {
  const { openers } = scan(text, at.position);
  const open = openers[openers.length - 1];
  const found = at.position >= text.trimEnd().length ? '<stream end>' : text[at.position];
  const problemMark = found === '<stream end>' ? markAt(text, text.length) : at;
  if (!open) return { problem: `found unexpected '${found}'`, problemMark };
  const content = text.slice(open.position + 1, at.position).trim();
  const empty = content === '' || content.endsWith(',');
  if (empty) {
    return { context: 'while parsing a flow node', problem: `expected the node content, but found '${found}'`, problemMark };
  }
  const close = open.char === '[' ? ']' : '}';
  const got = found === '<stream end>' ? found : colonOrChar(text, at.position);
  return {
    context: `while parsing a flow ${open.char === '[' ? 'sequence' : 'mapping'}`,
    contextMark: markAt(text, open.position),
    problem: `expected ',' or '${close}', but got '${got}'`,
    problemMark: got === ':' ? markAt(text, text.indexOf(':', at.position)) : problemMark,
  };
}

/** js-yaml stops at the key before a stray `:`; ruamel reports the `:` itself. */
function colonOrChar(text: string, position: number): string {
  const rest = text.slice(position, lineEnd(text, position));
  return /^[^\s:]+:(\s|$)/.test(rest) ? ':' : text[position];
}

/** Something in a block collection where it cannot be: a stray `:`, bracket, scalar or entry. */
function unexpectedInBlock(text: string, at: YamlMark): YamlProblem {
  const char = text[at.position] ?? '';
  const restOfLine = text.slice(at.position, lineEnd(text, at.position));
  if (char === ':') return { problem: 'mapping values are not allowed here', problemMark: at };
  if (char === '-' && /^-(\s|$)/.test(restOfLine) && at.position > lineStart(text, at.position) + indentation(text, at.position)) {
    return { problem: 'sequence entries are not allowed here', problemMark: at };
  }
  const start = firstContent(text);
  if (at.position === start && (char === ']' || char === '}')) {
    return { context: 'while parsing a block node', problem: `expected the node content, but found '${char}'`, problemMark: at };
  }
  const atLineStart = at.position === lineStart(text, at.position) + indentation(text, at.position);
  const isEntry = /^-(\s|$)/.test(restOfLine);
  const isKey = /^[^\n#]*?:(\s|$)/.test(restOfLine);
  const tokenName = char === ']' || char === '}' ? char : isEntry ? '-' : isKey && atLineStart ? '<block mapping start>' : '<scalar>';
  const firstLine = text.slice(start, lineEnd(text, start));
  if (!/^-(\s|$)/.test(firstLine) && !/^[^#]*?:(\s|$)/.test(firstLine)) {
    return { problem: "expected '<document start>', but found '<scalar>'", problemMark: at };
  }
  if (atLineStart && indentation(text, at.position) < indentation(text, start)) {
    const found = isEntry ? '<block sequence start>' : isKey ? '<block mapping start>' : '<scalar>';
    return { problem: `expected '<document start>', but found '${found}'`, problemMark: at };
  }
  const previous = previousContentLine(text, at.position);
  // A deeper line after a plain scalar continues that scalar, so its `:` is a stray mapping value.
  if (atLineStart && previous && isKey && indentation(text, at.position) > previous.indent && !/:(\s|$)/.test(previous.text)) {
    return { problem: 'mapping values are not allowed here', problemMark: markAt(text, at.position + restOfLine.indexOf(':')) };
  }
  if (atLineStart && !isKey && !isEntry && char !== ']' && char !== '}') {
    return {
      context: 'while scanning a simple key',
      contextMark: at,
      problem: "could not find expected ':'",
      problemMark: markAt(text, lineEnd(text, at.position) + 1),
    };
  }
  const parent = enclosingCollection(text, at.position, atLineStart);
  return {
    context: `while parsing a block ${parent.isSequence ? 'collection' : 'mapping'}`,
    contextMark: markAt(text, parent.position),
    problem: `expected <block end>, but found '${parent.isSequence && tokenName === '<block mapping start>' ? '?' : tokenName}'`,
    problemMark: at,
  };
}

function previousContentLine(text: string, position: number): { text: string; indent: number } | undefined {
  const lines = text
    .slice(0, lineStart(text, position))
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'));
  const last = lines[lines.length - 1];
  return last === undefined ? undefined : { text: last, indent: /^ */.exec(last)![0].length };
}

/** The block collection a stray token was read in: the nearest line above at the same or lower indentation. */
function enclosingCollection(text: string, position: number, atLineStart: boolean): { isSequence: boolean; position: number } {
  const own = lineStart(text, position);
  const limit = indentation(text, position);
  let cursor = atLineStart ? own : lineEnd(text, position) + 1;
  while (cursor > 0) {
    const begin = lineStart(text, cursor - 1);
    const line = text.slice(begin, cursor - 1);
    const indent = /^ */.exec(line)![0].length;
    if (line.trim() && !line.trim().startsWith('#') && indent <= limit) {
      return { isSequence: /^-(\s|$)/.test(line.slice(indent)), position: begin + indent };
    }
    cursor = begin;
  }
  const start = firstContent(text);
  return { isSequence: /^-(\s|$)/.test(text.slice(start)), position: start };
}
