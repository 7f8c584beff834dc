// What the Vertex AI mapping says about a request before anything is uploaded: refusals (the CLI
// stops with exit 1; the emulator answers 400) and warnings (a WARNING: line, then go on), as data.
// `field` is the AI Platform field in the API's camelCase, as src/version/'s pre-flight problems
// name it; `source` is where its value came from (`--flag` or `path:line`, BuiltVersion.sources),
// so the CLI renders both kinds of line with the same `(from …)` suffix as its other checks.

export type VertexIssueSeverity = 'refuse' | 'warn';

export interface VertexIssue {
  severity: VertexIssueSeverity;
  field: string;
  message: string;
  source?: string;
}

export function refusals(issues: readonly VertexIssue[]): VertexIssue[] {
  return issues.filter((issue) => issue.severity === 'refuse');
}

export function warnings(issues: readonly VertexIssue[]): VertexIssue[] {
  return issues.filter((issue) => issue.severity === 'warn');
}

/** Collects issues for one request; `sources` maps a top-level field to where its value came from. */
export class IssueList {
  readonly items: VertexIssue[] = [];
  constructor(private readonly sources: Readonly<Record<string, string>> = {}) {}

  refuse(field: string, message: string, source = this.sourceOf(field)): void {
    this.items.push({ severity: 'refuse', field, message, ...(source ? { source } : {}) });
  }

  warn(field: string, message: string, source = this.sourceOf(field)): void {
    this.items.push({ severity: 'warn', field, message, ...(source ? { source } : {}) });
  }

  private sourceOf(field: string): string | undefined {
    return this.sources[field.split(/[.[]/)[0]];
  }
}
