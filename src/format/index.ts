// The front door of gcloud's resource format engine (--format, --filter, --flatten, --sort-by,
// --limit, --page-size, --uri): everything outside this folder imports from here. README.md maps
// each file to the gcloud module it follows.
export { FormatError, printedBeforeError, TransformCrash } from './errors';
export { renderFormat, type RenderOptions } from './format';
export { printList, type ListCommand, type ListOptions } from './list';
export { applyFilter } from './filter';
export { flagConditionals } from './display';
export type { MessageSchema, MessageType } from './message';
