/**
 * The whole builtin transform table: the basic transforms plus format() and filter(), which evaluate a
 * nested projection or a filter expression (so they live above the parser and the filter).
 */
import { basicTransforms, define, uriTransform } from './builtin-transforms';
import { compileFilter } from './filter';
import { parseNestedProjection } from './parser';
import { Projector } from './projector';
import { pyStrFormat } from './py-format';
import { pyTruthy } from './python';
import { ProjectionSpec } from './spec';
import type { TransformRegistry } from './transform';

/** format(fmt, key, ...): the keys' values (through the calling projection's aliases and transforms) into fmt. */
function formatKeys(r: unknown, projection: unknown, fmt: string, keys: string[]): string {
  let columns: unknown[];
  if (keys.length) {
    const defaults = projection instanceof ProjectionSpec ? projection : undefined;
    const spec = parseNestedProjection(`(${keys.join(',')})`, defaults?.symbols ?? builtinTransforms(), defaults);
    columns = new Projector(spec, { byColumns: true }).evaluate(r) as unknown[];
  } else {
    columns = Array.isArray(r) ? r : [pyTruthy(r) ? r : ''];
  }
  return pyStrFormat(fmt, columns);
}

/** The items (or the resource) the filter expression selects. */
function filterValue(r: unknown, expression: string): unknown {
  if (!pyTruthy(r)) return r;
  const filter = compileFilter(expression);
  if (!Array.isArray(r)) return filter.matches(r) ? r : '';
  return r.filter((item) => filter.matches(item));
}

/** The transforms of a command: the builtins, with uri() giving the command's resource URI where it has one. */
export function commandTransforms(uriOf?: (resource: unknown) => string | undefined): TransformRegistry {
  const transforms = builtinTransforms();
  if (uriOf) transforms.set('uri', uriTransform(uriOf));
  return transforms;
}

export function builtinTransforms(): TransformRegistry {
  const transforms = basicTransforms();
  transforms.set(
    'format',
    define('TransformFormat', ['projection', 'fmt'], 2, (r, a) => formatKeys(r, a[0], String(a[1]), a.slice(2).map(String)), {
      varargs: true,
      projection: true,
    }),
  );
  transforms.set(
    'filter',
    define('TransformFilter', ['expression'], 1, (r, a) => filterValue(r, String(a[0]))),
  );
  return transforms;
}
