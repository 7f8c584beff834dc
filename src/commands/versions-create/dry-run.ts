// --dry-run (gcloud-aip only): everything up to the first change on the wire, then a report instead
// of the upload and the requests that change anything. The bodies on stdout are exactly what would
// be sent (one JSON document per request, in order), so a script can diff them.
import type { Output } from '../../ui/output';
import type { DirectoryListing } from '../../upload/walk';

export interface DryRunRequest {
  /** The URL the body would be POSTed to. */
  url: string;
  body: unknown;
  /** What this request is, when there are several (`models.upload`, `endpoints.deployModel`). */
  what?: string;
}

export interface DryRunPlan {
  requests: DryRunRequest[];
  /** The local origin and where it would be staged, when there is one. */
  staging?: { listing: DirectoryListing; bucket: string; prefix: string };
  /** Extra status lines before the closing one (a value only known once the requests run). */
  notes?: string[];
  /** The closing line; by default "nothing was uploaded or sent". */
  closing?: string;
}

export function reportDryRun(plan: DryRunPlan, output: Output): void {
  if (plan.staging) {
    const { listing, bucket, prefix } = plan.staging;
    const bytes = listing.files.reduce((sum, file) => sum + file.size, 0);
    const folder = `gs://${bucket}/${prefix}/`;
    output.status(`Would upload ${listing.files.length} file(s) (${bytes} bytes) from [${listing.origin}] to [${folder}]:`);
    for (const file of listing.files) output.status(`  ${file.relPath} -> ${folder}${file.relPath} (${file.size} bytes)`);
  }
  for (const request of plan.requests) {
    output.status(`Would POST ${request.url}${request.what ? ` (${request.what})` : ''}`);
    output.result(`${JSON.stringify(request.body, null, 2)}\n`);
  }
  for (const note of plan.notes ?? []) output.status(note);
  output.status(plan.closing ?? 'Dry run: nothing was uploaded or sent.');
}
