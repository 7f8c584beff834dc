// --dry-run (gcloud-aip only): everything up to the first byte on the wire, then a report instead of
// the upload and the POST. The body on stdout is exactly what would be sent, so a script can diff it.
import type { Output } from '../../ui/output';
import type { DirectoryListing } from '../../upload/walk';

export interface DryRunPlan {
  /** The versions.create URL. */
  url: string;
  body: Record<string, unknown>;
  /** The local origin and where it would be staged, when there is one. */
  staging?: { listing: DirectoryListing; bucket: string; prefix: string };
}

export function reportDryRun(plan: DryRunPlan, output: Output): void {
  if (plan.staging) {
    const { listing, bucket, prefix } = plan.staging;
    const bytes = listing.files.reduce((sum, file) => sum + file.size, 0);
    const folder = `gs://${bucket}/${prefix}/`;
    output.status(`Would upload ${listing.files.length} file(s) (${bytes} bytes) from [${listing.origin}] to [${folder}]:`);
    for (const file of listing.files) output.status(`  ${file.relPath} -> ${folder}${file.relPath} (${file.size} bytes)`);
  }
  output.status(`Would POST ${plan.url}`);
  output.result(`${JSON.stringify(plan.body, null, 2)}\n`);
  output.status('Dry run: nothing was uploaded or sent.');
}
