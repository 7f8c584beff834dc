// The staging prefix: gcloud names the upload folder after a sha256 of the model's bytes, so the
// same model always lands in the same place.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { compareRelPaths, gcloudLocalPath, unreadableFileError, type DirectoryListing } from './walk';

const READ_BUFFER_BYTES = 1024 * 1024;

/**
 * Hex sha256 of all files' contents concatenated in sorted relative-path order. (gcloud uses
 * os.walk order, which is readdir order and differs between machines; sorted is stable.)
 * Files are streamed through one reused buffer, so memory stays flat for big models.
 */
export async function computeStagingPrefix(listing: DirectoryListing): Promise<string> {
  const files = [...listing.files].sort((a, b) => compareRelPaths(a.relPath, b.relPath));
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  for (const file of files) {
    try {
      const handle = await fs.open(file.absPath, 'r');
      try {
        let bytesRead: number;
        while ((bytesRead = (await handle.read(buffer, 0, buffer.length, null)).bytesRead) > 0) {
          hash.update(buffer.subarray(0, bytesRead));
        }
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw unreadableFileError(gcloudLocalPath(listing.origin, file.relPath), err);
    }
  }
  return hash.digest('hex');
}
