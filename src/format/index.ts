// The front door of gcloud's resource format engine (--format, --filter, --flatten, --sort-by,
// --limit): everything outside this folder imports from here. README.md maps each file to the
// gcloud module it follows.
export { FormatError, printedBeforeError, TransformCrash } from './errors';
export { renderFormat, type RenderOptions } from './format';
export { applyFilter, compileFilter, FilterTap, type Filter } from './filter';
export { applyDisplayOptions, composeFormat, flagConditionals } from './display';
export { parseProjection } from './parser';
export { builtinTransforms, commandTransforms } from './builtins';
