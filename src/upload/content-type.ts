// The content type gcloud gives an uploaded object: Python's
// `mimetypes.guess_type(local_path)[0] or 'application/octet-stream'` (Python 3.12, strict tables),
// reproduced over the tables generated into mime-types.ts.
import { ENCODINGS_MAP, SUFFIX_MAP, TYPES_MAP } from './mime-types';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * The content type of the object uploaded from `localPath`. gcloud passes the local path as it built
 * it (`<origin as typed>/<relative path>`); only its last extension(s) matter, except when it looks
 * like a URL (see pathSeenByGuessType).
 */
export function contentTypeFor(localPath: string): string {
  return guessType(localPath) ?? DEFAULT_CONTENT_TYPE;
}

function guessType(localPath: string): string | undefined {
  const seen = pathSeenByGuessType(localPath);
  if (seen.kind === 'data') return seen.type;
  let [base, ext] = splitext(seen.path);
  // '.tgz' stands for '.tar.gz' and so on (lowercased lookup, repeated).
  while (Object.hasOwn(SUFFIX_MAP, ext.toLowerCase())) {
    [base, ext] = splitext(base + SUFFIX_MAP[ext.toLowerCase()]);
  }
  // A compression suffix (case-sensitive) is an encoding, not a type: 'x.tar.gz' is a tar.
  if (Object.hasOwn(ENCODINGS_MAP, ext)) [, ext] = splitext(base);
  const key = ext.toLowerCase();
  return Object.hasOwn(TYPES_MAP, key) ? TYPES_MAP[key] : undefined;
}

/** posixpath.splitext: the last '.' of the last component, unless it only has leading dots. */
function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) {
      if (p[i] !== '.') return [p.slice(0, dot), p.slice(dot)];
    }
  }
  return [p, ''];
}

type SeenPath = { kind: 'path'; path: string } | { kind: 'data'; type: string | undefined };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// urllib.parse.uses_params: schemes whose last path segment loses its ';params'.
const SCHEMES_WITH_PARAMS = new Set([
  'ftp',
  'hdl',
  'prospero',
  'http',
  'imap',
  'https',
  'shttp',
  'rtsp',
  'rtsps',
  'rtspu',
  'sip',
  'sips',
  'mms',
  'sftp',
  'tel',
]);

/**
 * guess_type runs its argument through urllib.parse.urlparse and, when that finds a scheme of two
 * or more letters (an origin typed as `my:model`), keeps only the URL path: netloc, '?query',
 * '#fragment' and ';params' are cut, and `data:` URLs name their own type. Plain paths pass as-is.
 */
function pathSeenByGuessType(localPath: string): SeenPath {
  // urlsplit strips leading C0 controls/spaces and drops tabs and newlines before looking.
  let url = localPath.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  const match = SCHEME.exec(url);
  if (!match || match[1].length < 2) return { kind: 'path', path: localPath };
  const scheme = match[1].toLowerCase();
  url = url.slice(match[0].length);
  if (url.startsWith('//')) {
    const end = [...'/?#'].map((c) => url.indexOf(c, 2)).filter((i) => i >= 0);
    url = end.length ? url.slice(Math.min(...end)) : '';
  }
  url = url.split('#')[0].split('?')[0];
  if (scheme === 'data') return { kind: 'data', type: dataUrlType(url) };
  if (SCHEMES_WITH_PARAMS.has(scheme) && url.includes(';')) {
    const params = url.indexOf(';', Math.max(url.lastIndexOf('/'), 0));
    if (params >= 0) url = url.slice(0, params);
  }
  return { kind: 'path', path: url };
}

/** `data:[<type>][;base64],<data>`: the declared type, text/plain when it is not a type/subtype. */
function dataUrlType(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const semi = url.slice(0, comma).indexOf(';');
  const type = url.slice(0, semi >= 0 ? semi : comma);
  return type.includes('=') || !type.includes('/') ? 'text/plain' : type;
}
