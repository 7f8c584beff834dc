// CRC32C (Castagnoli), the checksum Cloud Storage reports as `crc32c`: the emulator computes it
// for every object, and staging checks every file by it. Node has no built-in for it: the CPU's
// own instruction is used through @node-rs/crc32 where it has a prebuilt binary, and otherwise this
// is slicing-by-16 (sixteen 256-entry tables, four 32-bit words per step) as a tiny WebAssembly
// function. WebAssembly rather than JS because staging runs with V8's optimizing JS compiler off
// and WebAssembly on its baseline compiler only (both in runtime/v8-flags.ts): under
// those settings the same loop in JS costs ~11 s per GiB here, this ~0.6 s (md5 ~1.5 s, sha256 ~0.65 s).

/** `update(crc, data)` continues `crc` (start with 0) over `data`; returns the unsigned 32-bit value. */
export type Crc32cUpdate = (crc: number, data: Uint8Array) => number;

/**
 * Builds a CRC32C updater. It refers to nothing outside itself, so a worker thread can run it from
 * its source text (upload/checksum-worker.ts): that is why it is long, holding the module's
 * instructions and their assembly in one function.
 */
export function makeCrc32cUpdater(): Crc32cUpdate {
  const TABLES_BYTES = 16 * 256 * 4;
  const WINDOW_BYTES = 256 * 1024; // data is copied into the module's memory this much at a time
  const PAGES = Math.ceil((TABLES_BYTES + WINDOW_BYTES) / 65536);

  // The module, assembled from its instructions: one function crc(c, p, n) over memory[p, p+n),
  // with table t (the CRC of one byte followed by t zero bytes) at t * 1024.
  const leb = (value: number, signed: boolean): number[] => {
    const out: number[] = [];
    for (;;) {
      const low = value & 0x7f;
      value = signed ? value >> 7 : value >>> 7;
      const done = signed ? (value === 0 && !(low & 0x40)) || (value === -1 && low & 0x40) : value === 0;
      out.push(done ? low : low | 0x80);
      if (done) return out;
    }
  };
  const vector = (items: number[][]): number[] => [...leb(items.length, false), ...items.flat()];
  const section = (id: number, items: number[][]): number[] => {
    const body = vector(items);
    return [id, ...leb(body.length, false), ...body];
  };
  const name = (text: string): number[] => [text.length, ...Array.from(text, (ch) => ch.charCodeAt(0))];
  const I32 = 0x7f;
  const get = (local: number) => [0x20, local];
  const set = (local: number) => [0x21, local];
  const konst = (value: number) => [0x41, ...leb(value, true)];
  const load = (offset: number) => [0x28, 2, ...leb(offset, false)];
  const [XOR, AND, ADD, SHL, SHR_U, GE_U, LOAD8_U] = [0x73, 0x71, 0x6a, 0x74, 0x76, 0x4f, 0x2d];
  const [BLOCK, LOOP, BR, BR_IF, END, EMPTY] = [0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x40];
  // Locals: 0 c, 1 p, 2 n (parameters); 3 end of the 16-byte steps; 4-7 the step's words; 8 end.
  const lookup = (word: number, shift: number, table: number) => [
    ...get(word),
    ...(shift ? [...konst(shift), SHR_U] : []),
    ...(shift < 24 ? [...konst(0xff), AND] : []),
    ...konst(2),
    SHL,
    ...load(table * 1024),
  ];
  const step: number[] = [];
  for (let w = 0; w < 4; w++) {
    for (let b = 0; b < 4; b++) step.push(...lookup(4 + w, 8 * b, 15 - 4 * w - b), ...(w || b ? [XOR] : []));
  }
  // biome-ignore format: one instruction group per line reads as the loop it is
  const body = [
    ...[1, 6, I32], // six more i32 locals
    ...get(0), ...konst(-1), XOR, ...set(0),
    ...get(1), ...get(2), ADD, ...set(8),
    ...get(1), ...get(2), ...konst(-16), AND, ADD, ...set(3),
    BLOCK, EMPTY, LOOP, EMPTY,
    ...get(1), ...get(3), GE_U, BR_IF, 1,
    ...get(1), ...load(0), ...get(0), XOR, ...set(4),
    ...get(1), ...load(4), ...set(5),
    ...get(1), ...load(8), ...set(6),
    ...get(1), ...load(12), ...set(7),
    ...step, ...set(0),
    ...get(1), ...konst(16), ADD, ...set(1),
    BR, 0, END, END,
    BLOCK, EMPTY, LOOP, EMPTY, // the last bytes, one at a time
    ...get(1), ...get(8), GE_U, BR_IF, 1,
    ...get(0), ...get(1), LOAD8_U, 0, 0, XOR, ...konst(0xff), AND, ...konst(2), SHL, ...load(0),
    ...get(0), ...konst(8), SHR_U, XOR, ...set(0),
    ...get(1), ...konst(1), ADD, ...set(1),
    BR, 0, END, END,
    ...get(0), ...konst(-1), XOR,
    END,
  ];
  const bytes = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [[0x60, ...vector([[I32], [I32], [I32]]), ...vector([[I32]])]]),
    ...section(3, [[0]]),
    ...section(5, [[0x00, ...leb(PAGES, false)]]),
    ...section(7, [
      [...name('crc'), 0x00, 0],
      [...name('memory'), 0x02, 0],
    ]),
    ...section(10, [[...leb(body.length, false), ...body]]),
  ]);
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const crc = exports.crc as (c: number, p: number, n: number) => number;
  const memory = exports.memory as WebAssembly.Memory;

  const tables = new Int32Array(memory.buffer, 0, 16 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    tables[n] = c;
  }
  for (let t = 1; t < 16; t++) {
    for (let n = 0; n < 256; n++) tables[t * 256 + n] = (tables[(t - 1) * 256 + n] >>> 8) ^ tables[tables[(t - 1) * 256 + n] & 0xff];
  }
  const window = new Uint8Array(memory.buffer, TABLES_BYTES, WINDOW_BYTES);
  return (c, data) => {
    for (let at = 0; at < data.length; at += WINDOW_BYTES) {
      const part = data.subarray(at, at + WINDOW_BYTES);
      window.set(part);
      c = crc(c, TABLES_BYTES, part.length);
    }
    return c >>> 0;
  };
}

let updater: Crc32cUpdate | undefined;
let native: boolean | undefined;

/** Continues a CRC32C over `data`; start with 0. Returns the unsigned 32-bit value. */
export function crc32cUpdate(crc: number, data: Uint8Array): number {
  updater ??= makeCrc32cUpdater();
  return updater(crc, data);
}

/**
 * Switches crc32cUpdate to the CPU's CRC32C instruction, through @node-rs/crc32's prebuilt binary
 * (~0.15-0.2 s per GiB here against the WebAssembly loop's ~0.55 s), when it has one for this
 * platform and is installed; returns whether it did. Loading it costs ~3 MB of memory, so it is
 * worth it only for many bytes: the emulator asks (staging takes big files' on its worker).
 * `GCLOUD_AIP_NO_NATIVE_CRC32C` refuses it (tests prove both give the same values).
 */
export function preferNativeCrc32c(): boolean {
  if (native === undefined) {
    const fast = nativeCrc32cUpdater();
    native = fast !== undefined;
    if (fast) updater = fast;
  }
  return native;
}

/** The native updater, or undefined where @node-rs/crc32 cannot be loaded (or is refused: nativeCrc32cModule). */
export function nativeCrc32cUpdater(): Crc32cUpdate | undefined {
  const modulePath = nativeCrc32cModule();
  if (modulePath === undefined) return undefined;
  let instruction: (data: Uint8Array, initial?: number) => number;
  try {
    ({ crc32c: instruction } = require(modulePath) as typeof import('@node-rs/crc32'));
  } catch {
    return undefined;
  }
  return (c, data) => instruction(data, c) >>> 0;
}

/**
 * Where @node-rs/crc32 resolves (or undefined: not installed, or refused), for a worker thread to
 * load it from there; not loaded here, so this thread does not pay its ~3 MB.
 */
export function nativeCrc32cModule(): string | undefined {
  if (process.env.GCLOUD_AIP_NO_NATIVE_CRC32C) return undefined;
  try {
    return require.resolve('@node-rs/crc32');
  } catch {
    return undefined;
  }
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
