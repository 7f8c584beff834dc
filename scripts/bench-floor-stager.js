// The floor peer of `npm run bench -- --floor` for the scenarios with a local origin (c, e): the
// least a gcloud-compatible stager can do on this machine, bundled by scripts/bench.mjs as
// gcloud-aip is and run with gcloud's arguments (`... versions create NAME --model M --origin DIR
// --staging-bucket gs://B`). What it must do, and nothing else:
// - read every file once for the sha256 of all the bytes in sorted order, one chained stream (it
//   names the folder, so no object name is known before the last byte is hashed, and the stream
//   cannot be split over cores), read synchronously from the page cache; each file's
//   crc32c on the second core, read again through a small buffer on a worker thread (the CPU's
//   CRC32C instruction when @node-rs/crc32 has a binary here): on a quiet machine that costs less
//   wall time than taking it from the pass's bytes on the main thread (issue 29, session 7);
// - one request per object (uploadType=media, ifGenerationMatch=0, the crc32c in X-Goog-Hash so the
//   server checks the bytes), two at once, each read synchronously through two reused buffers,
//   through undici;
// - the create, answered as with --async.
// No retries, no resumable sessions, no listing, no progress, no checks beyond the status codes:
// it only times the work, it is not a stager anyone should use.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Pool = require('undici/lib/dispatcher/pool.js');
// Only undici's request API, not the whole library (the fetch, cache and mock code gcloud-aip leaves out too).
Object.assign(require('undici/lib/dispatcher/dispatcher.js').prototype, { request: require('undici/lib/api/api-request.js') });
const { nativeCrc32cModule } = require('../src/checksum/crc32c');
const { Crc32cWorker } = require('../src/upload/checksum-worker');

const BUFFER_BYTES = 512 * 1024;
const UPLOADS_AT_ONCE = 2;

main(process.argv.slice(2)).catch((err) => {
  console.error(`floor stager: ${err.stack}`);
  process.exit(1);
});

async function main(argv) {
  const arg = (name) => argv[argv.indexOf(name) + 1];
  const version = argv[argv.indexOf('create') + 1];
  const origin = path.resolve(arg('--origin'));
  const bucket = arg('--staging-bucket')
    .replace(/^gs:\/\//, '')
    .replace(/\/$/, '');
  const files = walk(origin, '').sort((a, b) => (a.rel < b.rel ? -1 : 1));

  const crcs = new Crc32cWorker(
    files.map((file) => file.abs),
    nativeCrc32cModule(),
  ).crc32cs;
  const sha256 = createHash('sha256');
  // gcloud-aip's V8 settings for staging (src/upload/v8-tuning.ts, src/net/dispatchers.ts: undici's
  // parser on WebAssembly's baseline tier, ~35 MB less): the floor differs in work only.
  for (const flag of ['--no-turbofan', '--semi-space-growth-factor=1', '--liftoff-only']) require('node:v8').setFlagsFromString(flag);
  const buffers = [Buffer.allocUnsafe(BUFFER_BYTES), Buffer.allocUnsafe(BUFFER_BYTES)];
  for (const file of files) for (const chunk of fileChunks(file.abs, buffers)) sha256.update(chunk);
  const prefix = sha256.digest('hex');
  const crcOf = await Promise.all(crcs);

  const token = process.env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE
    ? fs.readFileSync(process.env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE, 'utf8').trim()
    : '';
  const auth = token ? { authorization: `Bearer ${token}` } : {};
  const storage = new URL(process.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE);
  const pool = new Pool(storage.origin, { connections: UPLOADS_AT_ONCE });
  const uploadPath = `${storage.pathname.replace(/storage\/v1\/$/, '')}upload/storage/v1/b/${encodeURIComponent(bucket)}/o`;
  let next = 0;
  const uploader = async (buffers) => {
    while (next < files.length) {
      const i = next++;
      const name = `${prefix}/${files[i].rel}`;
      const { statusCode, body } = await pool.request({
        method: 'POST',
        path: `${uploadPath}?uploadType=media&ifGenerationMatch=0&name=${encodeURIComponent(name)}`,
        headers: {
          ...auth,
          'content-type': 'application/octet-stream',
          'content-length': String(files[i].size),
          'x-goog-hash': `crc32c=${crcOf[i]}`,
        },
        body: fileChunks(files[i].abs, buffers),
      });
      const text = await body.text();
      if (statusCode !== 200) throw new Error(`upload of ${name}: HTTP ${statusCode} ${text}`);
    }
  };
  await Promise.all(
    Array.from({ length: UPLOADS_AT_ONCE }, (_, i) =>
      uploader(i ? [Buffer.allocUnsafe(BUFFER_BYTES), Buffer.allocUnsafe(BUFFER_BYTES)] : buffers),
    ),
  );
  await pool.close();

  const ml = new URL(process.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_ML);
  const api = new Pool(ml.origin, { connections: 1 });
  const { statusCode, body } = await api.request({
    method: 'POST',
    path: `${ml.pathname}v1/projects/${process.env.CLOUDSDK_CORE_PROJECT}/models/${arg('--model')}/versions`,
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: version, deploymentUri: `gs://${bucket}/${prefix}/` }),
  });
  const answer = await body.text();
  if (statusCode !== 200) throw new Error(`create: HTTP ${statusCode} ${answer}`);
  process.stdout.write(`${answer}\n`);
  process.exit(0);
}

/**
 * A file's bytes through two reused buffers, read synchronously (the files are in the page cache:
 * an async read's hop to libuv's thread pool costs more, as in staging). A chunk is valid until the
 * one after next is asked for (a request body's last piece may still be on its way).
 */
function* fileChunks(file, buffers) {
  const fd = fs.openSync(file, 'r');
  try {
    for (let which = 0, bytesRead; (bytesRead = fs.readSync(fd, buffers[which], 0, BUFFER_BYTES, null)) > 0; which ^= 1) {
      yield buffers[which].subarray(0, bytesRead);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function walk(root, rel) {
  const found = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...walk(root, child));
    else found.push({ rel: child, abs: path.join(root, child), size: fs.statSync(path.join(root, child)).size });
  }
  return found;
}
