// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Cloud Storage reports as
// `crc32c`. Node has no built-in for it, so this is a table-driven slicing-by-8 implementation:
// eight bytes per step keeps large uploads from being bottlenecked on the checksum.

const POLYNOMIAL = 0x82f63b78;

function makeTables(): Int32Array[] {
  const first = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    first[n] = c;
  }
  const tables = [first];
  for (let t = 1; t < 8; t++) {
    const previous = tables[t - 1];
    const table = new Int32Array(256);
    for (let n = 0; n < 256; n++) table[n] = (previous[n] >>> 8) ^ first[previous[n] & 0xff];
    tables.push(table);
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = makeTables();

/** Continues a CRC32C over `data`; start with 0. Returns the unsigned 32-bit value. */
export function crc32cUpdate(crc: number, data: Uint8Array): number {
  let c = ~crc;
  const n = data.length;
  const end8 = n - (n & 7);
  let i = 0;
  for (; i < end8; i += 8) {
    const lo = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) ^ c;
    const hi = data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24);
    c =
      T7[lo & 0xff] ^
      T6[(lo >>> 8) & 0xff] ^
      T5[(lo >>> 16) & 0xff] ^
      T4[lo >>> 24] ^
      T3[hi & 0xff] ^
      T2[(hi >>> 8) & 0xff] ^
      T1[(hi >>> 16) & 0xff] ^
      T0[hi >>> 24];
  }
  for (; i < n; i++) c = T0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32c(data: Uint8Array): number {
  return crc32cUpdate(0, data);
}

/** The form Cloud Storage uses in object metadata and X-Goog-Hash: base64 of the big-endian value. */
export function crc32cBase64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}
