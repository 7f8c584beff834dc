// Incremental checksums of bytes as they stream by: the md5Hash/crc32c Cloud Storage reports, and
// the sha256 the request log uses to identify bodies without storing them.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { crc32cBase64, crc32cUpdate } from '../../checksum/crc32c';

export interface ObjectChecksums {
  size: number;
  md5Hash: string;
  crc32c: string;
}

export class ObjectDigest {
  size = 0;
  private readonly md5: Hash = createHash('md5');
  private crc = 0;

  update(chunk: Uint8Array): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    this.crc = crc32cUpdate(this.crc, chunk);
  }

  result(): ObjectChecksums {
    return { size: this.size, md5Hash: this.md5.digest('base64'), crc32c: crc32cBase64(this.crc) };
  }
}

/** {size, sha256} of a body, the request log's stand-in for bytes. */
export class BodyFingerprint {
  size = 0;
  private readonly sha256: Hash = createHash('sha256');

  update(chunk: Uint8Array): void {
    this.size += chunk.length;
    this.sha256.update(chunk);
  }

  result(): { size: number; sha256: string } {
    return { size: this.size, sha256: this.sha256.digest('hex') };
  }
}

/** Checksums of the first `length` bytes of a file (used when no running digest survived). */
export async function digestFile(path: string, length: number): Promise<ObjectChecksums> {
  const digest = new ObjectDigest();
  if (length > 0) {
    for await (const chunk of createReadStream(path, { start: 0, end: length - 1 })) digest.update(chunk as Buffer);
  }
  return digest.result();
}
