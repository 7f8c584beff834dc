// `npm run bench`: gcloud-aip against its own emulator, side by side with the real gcloud when it is
// installed (skipped, and said so, when it is not). Runs interleave (A B A B) so a noisy machine
// hurts both alike; the table gives medians and the ratios A/B (wall, CPU, peak RSS).
//
//   npm run bench                          all scenarios, 3 runs each
//   npm run bench -- --only d,d20 --runs 5
//   npm run bench -- --big-mib 1024        the size of the one-big-file scenario
//   npm run bench -- --only a --floor      scenario a beside its floor (below)
//   npm run bench -- --only c,e --floor --big-mib 1024 --mid-files 64   c and e beside theirs, at ../shared/bench's sizes
//   npm run bench -- --keep-env NODE_EXTRA_CA_CERTS   pass variables through (runs get a clean env)
//   npm run bench -- --only va,vb,vd --runs 7   the Vertex AI target beside `gcloud ai` (below)
//
// Scenarios: a gs:// origin, --async (start-up); d 1000 files of 8 KiB in nested directories;
// c one big file; e 16 files of 16 MiB (--mid-files); d20 as d with 20 ms added to every emulator response;
// r a re-deploy of d's model into the same bucket (gcloud-aip uploads nothing; gcloud all again);
// m a realistic model: 300 files, 200 MiB, six of them 3-10 MiB, the rest 16 KiB to 1.1 MiB.
// va, vb, vd: GCLOUD_AIP_TARGET=vertex-ai beside `gcloud ai models upload` + `gcloud ai endpoints
// deploy-model` (gs:// origin with --async; waiting; 1000 x 8 KiB staged): see the Vertex block.
// Every upload run gets a fresh bucket, so nothing is skipped unless the scenario says so.
// --floor adds two peers to scenario a, to show what start-up any Node CLI on this machine pays: an
// empty Node script, and the least a CLI held to one undici client can do, one POST of the create
// through undici's Client, bundled, minified and code-cached as gcloud-aip is, nothing else.
// For c and e it adds the least a gcloud-compatible stager can do (scripts/bench-floor-stager.js:
// one read of every file for the sha256 and each file's crc32c, then one request per object with
// its crc32c), built into node_modules/.cache/bench-floor/ (kept, so ../shared/bench/bench.sh can
// run it too: `--vs 'node node_modules/.cache/bench-floor/stager.js ai-platform versions create'`).
// The emulator checks every byte it receives (md5 and crc32c), on the same cores: for c and e
// ../shared/bench/bench.sh's sink, which does not, shows the clients' own costs more clearly.
// Not part of `npm test`: these are measurements, nothing asserts a duration.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUNDLE_WRAPPER } from './bundle-wrapper.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const only = option('--only', 'a,d,c,e,d20,r,m,va,vb,vd').split(',');
const runs = Number(option('--runs', '3'));
const bigMiB = Number(option('--big-mib', '256'));
const midFiles = Number(option('--mid-files', '16'));
const keptEnv = Object.fromEntries(
  option('--keep-env', '')
    .split(',')
    .filter((name) => name && process.env[name] !== undefined)
    .map((name) => [name, process.env[name]]),
);
const root = path.resolve(new URL('..', import.meta.url).pathname);
const work = mkdtempSync(path.join(tmpdir(), 'gcloud-aip-bench-'));
const dataRoot = path.join(tmpdir(), 'gcloud-aip-bench-data');

const peers = [{ label: 'gcloud-aip', command: [process.execPath, path.join(root, 'bin/gcloud-aip.js')] }];
if (onPath('gcloud')) peers.push({ label: 'gcloud', command: ['gcloud'] });
else console.error('gcloud is not installed: timing gcloud-aip alone (no ratios).');
const floorPeers = args.includes('--floor') ? await buildFloorPeers() : [];
const stagerFloorPeers = args.includes('--floor') ? [await buildFloorStager()] : [];
const timeTool = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
if (!timeTool) console.error('/usr/bin/time not found: wall time only.');

const SCENARIOS = {
  a: { what: 'gs:// origin, --async (start-up)', latency: 0, origin: () => 'gs://bench-models/model/' },
  d: { what: '1000 x 8 KiB, nested', latency: 0, origin: () => makeFiles('small1000', 1000, 8 << 10, 10) },
  c: { what: `1 x ${bigMiB} MiB`, latency: 0, origin: () => makeFiles(`big${bigMiB}`, 1, bigMiB << 20, 1) },
  e: { what: `${midFiles} x 16 MiB`, latency: 0, origin: () => makeFiles(`mid${midFiles}`, midFiles, 16 << 20, 1) },
  d20: { what: '1000 x 8 KiB, +20 ms per response', latency: 20, origin: () => makeFiles('small1000', 1000, 8 << 10, 10) },
  r: { what: 're-deploy of d into the same bucket', latency: 0, sameBucket: true, origin: () => makeFiles('small1000', 1000, 8 << 10, 10) },
  m: {
    what: 'realistic: 300 files, 200 MiB, a few of 3-10 MiB',
    latency: 0,
    origin: () => makeModel('realistic300', realisticSizes(), 12),
  },
};

/** 300 sizes adding up to 200 MiB: six files of 3-10 MiB, the rest spread from 16 KiB to ~1.1 MiB. */
function realisticSizes() {
  const big = [3, 4, 5, 6, 8, 10].map((mib) => mib << 20);
  const rest = (200 << 20) - big.reduce((a, b) => a + b, 0);
  const weights = Array.from({ length: 300 - big.length }, (_, i) => 1 + ((i * 37) % 70));
  const total = weights.reduce((a, b) => a + b, 0);
  const small = weights.map((w) => Math.floor((rest * w) / total));
  small[0] += rest - small.reduce((a, b) => a + b, 0); // exactly 200 MiB in all
  return [...big, ...small];
}

// --- Vertex AI scenarios (issue 25): `versions create` with GCLOUD_AIP_TARGET=vertex-ai beside the
// gcloud commands a script runs for the same deployment, `gcloud ai models upload` then `gcloud ai
// endpoints deploy-model`, both in one `sh -c` timed as a whole. Same emulator (operation delay 0).
// Each side deploys to its own endpoint, made (and, for gcloud-aip, the registry model given a first
// version) before the timed runs, as `gcloud ai endpoints create` would be once. Each gcloud run
// uploads a new registry model (`--model-id`); each gcloud-aip run a version of one (`parentModel`):
// one POST and one operation either way.
// Polling: gcloud ai sleeps 1 s before its first poll of each operation (its waiter's start delay),
// and with delay 0 that poll finds it done; gcloud-aip polls at once. The second ratio table takes
// those two fixed seconds off gcloud's wall, so the comparison does not rest on that policy.
// gcloud ai has no --async: va's gcloud side is vb's (both commands wait); va measures what
// --async leaves to the script. vd: gcloud ai stages nothing; the only gcloud command that stages a
// local directory against this emulator (`gcloud storage cp` needs storageLayout, which it does not
// serve) is `gcloud ai-platform versions create --async` (ml v1: its staging, then one POST of
// a version), whose deploymentUri feeds the same two `gcloud ai` commands.
const VERTEX_REGION = 'us-central1';
const VERTEX_GS_ORIGIN = 'gs://bench-models/model/';
const VERTEX_SCENARIOS = {
  va: { what: 'Vertex AI: gs:// origin, --async', async: true, origin: () => VERTEX_GS_ORIGIN },
  vb: { what: 'Vertex AI: gs:// origin, waiting for the deploy', origin: () => VERTEX_GS_ORIGIN },
  vd: { what: 'Vertex AI: 1000 x 8 KiB staged, then deployed', origin: () => makeVertexFiles() },
};
/** gcloud ai's fixed sleep before the first poll of each operation it waits for (two per run). */
const GCLOUD_AI_PRE_POLL_S = 2 * 1.0;

/**
 * The AI Platform command line of the Vertex scenarios: a runtime whose prebuilt container reads
 * saved_model.pb. `region`: global for gcloud's ml v1 staging run (its default endpoint).
 */
function vertexVersionFlags(version, model, origin, bucket, region = VERTEX_REGION) {
  return [
    ...['ai-platform', 'versions', 'create', version, '--model', model, '--region', region, '--origin', origin],
    ...['--runtime-version', '2.11', '--framework', 'tensorflow', '--python-version', '3.7'],
    ...(region === VERTEX_REGION ? ['--machine-type', 'n1-standard-2'] : []),
    ...(origin.startsWith('gs://') ? [] : ['--staging-bucket', `gs://${bucket}`]),
  ];
}

/** 999 files of 8 KiB in 10 directories and a saved_model.pb (the file the TensorFlow container loads). */
function makeVertexFiles() {
  const dir = makeFiles('vertex999', 999, 8 << 10, 10);
  const model = path.join(dir, 'saved_model.pb');
  if (!existsSync(model)) writeFileSync(model, Buffer.alloc(8 << 10, 1));
  return dir;
}

async function benchVertex(name) {
  const scenario = VERTEX_SCENARIOS[name];
  const url = await emulator(0);
  const env = { ...runEnv(url), CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM: url };
  const origin = scenario.origin();
  await createBucket(url, 'bench-models');
  await putObject(url, 'bench-models', 'model/saved_model.pb', Buffer.alloc(8 << 10, 1));
  const [ours, gcloud] = peers;
  const model = `vm_${name}`;
  const ourRun = (version, bucket) => [
    ...ours.command.slice(1),
    ...vertexVersionFlags(version, model, origin, bucket),
    ...(scenario.async ? ['--async'] : []),
  ];
  const oursEnv = { ...env, GCLOUD_AIP_TARGET: 'vertex-ai' };
  // Set-up, not timed: our endpoint and registry model (a first version), gcloud's endpoint.
  const setUp = (argv) =>
    execFileSync(ours.command[0], [...ours.command.slice(1), ...argv], { env: oursEnv, stdio: ['ignore', 'pipe', 'ignore'] });
  setUp(['ai-platform', 'models', 'create', model, '--region', VERTEX_REGION]);
  setUp(vertexVersionFlags('warm', model, VERTEX_GS_ORIGIN));
  // gcloud is given the container gcloud-aip maps the runtime to (read from the upload body).
  const dryRun = setUp([...vertexVersionFlags('dry', model, VERTEX_GS_ORIGIN), '--dry-run']).toString();
  const image = /"imageUri": "([^"]+)"/.exec(dryRun)[1];
  const endpoint = `g-${name}`;
  if (gcloud) {
    execFileSync(
      'gcloud',
      ['ai', 'endpoints', 'create', '--region', VERTEX_REGION, '--display-name', endpoint, '--endpoint-id', endpoint],
      { env, stdio: 'ignore' },
    );
  }
  const results = new Map(peers.map((p) => [p.label, []]));
  for (let run = 0; run < runs; run++) {
    for (const peer of peers) {
      const bucket = `bench-${peer.label}-${name}-${run}`;
      if (!origin.startsWith('gs://')) await createBucket(url, bucket);
      const version = `${name}r${run}`;
      const measured =
        peer === ours
          ? timed(`gcloud-aip ${version}`, ours.command[0], ourRun(version, bucket), oursEnv)
          : timed(`gcloud ${version}`, 'sh', ['-c', gcloudVertexScript({ name, run, origin, bucket, image, endpoint })], env);
      results.get(peer.label).push(measured);
      console.error(
        `  ${name} ${peer.label} run ${run + 1}: wall ${measured.wall.toFixed(2)}s cpu ${measured.cpu.toFixed(2)}s rss ${measured.rssMiB} MiB`,
      );
    }
  }
  return { name, what: scenario.what, results, vertex: true };
}

/** gcloud's side of one run, as one shell script: [stage with ml v1 --async,] upload, deploy. */
function gcloudVertexScript({ name, run, origin, bucket, image, endpoint }) {
  const quote = (arg) => `'${String(arg).replace(/'/g, "'\\''")}'`;
  const line = (argv) => argv.map(quote).join(' ');
  const modelId = `g-${name}-r${run}`;
  const staged = origin.startsWith('gs://')
    ? `uri=${quote(origin)}`
    : `uri=$(${line(['gcloud', ...vertexVersionFlags(`g_${name}_r${run}`, 'm', origin, bucket, 'global'), '--async', '--format=value(metadata.version.deploymentUri)'])})`;
  const upload = line([
    'gcloud',
    'ai',
    'models',
    'upload',
    '--region',
    VERTEX_REGION,
    '--display-name',
    modelId,
    '--container-image-uri',
    image,
    '--model-id',
    modelId,
  ]);
  const deploy = line([
    'gcloud',
    'ai',
    'endpoints',
    'deploy-model',
    endpoint,
    '--region',
    VERTEX_REGION,
    '--model',
    modelId,
    '--display-name',
    `${name}r${run}`,
    '--machine-type',
    'n1-standard-2',
    '--min-replica-count',
    '1',
  ]);
  return `${staged} && ${upload} --artifact-uri="$uri" && ${deploy}`;
}

/** One object, uploaded through the emulator's JSON API (media upload). */
async function putObject(url, bucket, name, data) {
  const res = await fetch(`${url}upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    body: data,
  });
  if (!res.ok) throw new Error(`could not upload gs://${bucket}/${name}: ${res.status} ${await res.text()}`);
}

/** The Vertex rows' wall ratios pair by pair (min / median / max), and against gcloud less its fixed pre-poll sleeps. */
function printVertexRatios(rows) {
  const vertexRows = rows.filter((row) => row.vertex);
  if (!vertexRows.length || peers.length < 2) return;
  const [a, b] = peers.map((p) => p.label);
  const spread = (ratios) => [Math.min(...ratios), median(ratios), Math.max(...ratios)].map((r) => r.toFixed(3)).join(' / ');
  console.log(
    `\n| scenario | wall ${a}/${b} min / median / max | wall ${a}/(${b} - ${GCLOUD_AI_PRE_POLL_S} s of pre-poll sleeps) |\n|---|---|---|`,
  );
  for (const { name, results } of vertexRows) {
    const mine = results.get(a);
    const theirs = results.get(b);
    const plain = mine.map((m, i) => m.wall / theirs[i].wall);
    const adjusted = mine.map((m, i) => m.wall / (theirs[i].wall - GCLOUD_AI_PRE_POLL_S));
    console.log(`| ${name} | ${spread(plain)} | ${spread(adjusted)} |`);
  }
}

const emulators = new Map(); // latency -> { url, child }
try {
  const rows = [];
  for (const name of only) {
    if (VERTEX_SCENARIOS[name]) {
      rows.push(await benchVertex(name));
      continue;
    }
    const scenario = SCENARIOS[name];
    if (!scenario)
      throw new Error(`unknown scenario ${name}; known: ${[...Object.keys(SCENARIOS), ...Object.keys(VERTEX_SCENARIOS)].join(', ')}`);
    const origin = scenario.origin();
    const url = await emulator(scenario.latency);
    const runners = name === 'a' ? [...peers, ...floorPeers] : name === 'c' || name === 'e' ? [...peers, ...stagerFloorPeers] : peers;
    const results = new Map(runners.map((p) => [p.label, []]));
    for (let run = 0; run < runs; run++) {
      for (const peer of runners) {
        const bucket = scenario.sameBucket ? `bench-${peer.label}-redeploy` : `bench-${peer.label}-${name}-${run}`;
        await createBucket(url, bucket);
        if (scenario.sameBucket && run === 0) invoke(peer, url, origin, bucket, `warm${name}`); // the first deploy
        const measured = invoke(peer, url, origin, bucket, `${name}${run}`);
        results.get(peer.label).push(measured);
        console.error(
          `  ${name} ${peer.label} run ${run + 1}: wall ${measured.wall.toFixed(2)}s cpu ${measured.cpu.toFixed(2)}s rss ${measured.rssMiB} MiB`,
        );
      }
    }
    rows.push({ name, what: scenario.what, results });
  }
  printTable(rows);
  printVertexRatios(rows);
  for (const row of rows) if (row.results.size > peers.length && runs > 0) printFloor(row);
} finally {
  for (const { child } of emulators.values()) child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

function onPath(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `count` files of `size` bytes under `dirs` subdirectories, made once and kept for later runs. */
function makeFiles(name, count, size, dirs) {
  return makeModel(
    name,
    Array.from({ length: count }, () => size),
    dirs,
  );
}

/** One file per entry of `sizes` (bytes) under `dirs` subdirectories, made once and kept for later runs. */
function makeModel(name, sizes, dirs) {
  const dir = path.join(dataRoot, name);
  const marker = `${dir}.complete`; // beside the directory: a file inside it would be uploaded too
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (const [i, size] of sizes.entries()) {
    const sub = path.join(dir, `d${i % dirs}`);
    mkdirSync(sub, { recursive: true });
    const data = Buffer.alloc(size);
    for (let at = 0; at < size; at += 4096) data.writeUInt32LE((i * 2654435761 + at) >>> 0, at); // distinct content
    writeFileSync(path.join(sub, `f${String(i).padStart(4, '0')}.bin`), data);
  }
  writeFileSync(marker, '');
  return dir;
}

/** Our emulator on a free port, with `latency` ms added to every response, and a model `m` in it. */
async function emulator(latency) {
  if (emulators.has(latency)) return emulators.get(latency).url;
  const dataDir = path.join(work, `emulator-${latency}`);
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'bin/gcloud-aip.js'),
      'emulators',
      'ai-platform',
      'start',
      '--host-port',
      '127.0.0.1:0',
      '--data-dir',
      dataDir,
      '--operation-delay',
      '0',
      '--latency',
      String(latency),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (chunk) => {
      text += chunk;
      const match = /listening on (\S+)/.exec(text);
      if (match) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`the emulator did not start:\n${text}`)));
  });
  emulators.set(latency, { url, child });
  const created = await fetch(`${url}v1/projects/bench/models`, {
    method: 'POST',
    body: JSON.stringify({ name: 'm' }),
    headers: { 'Content-Type': 'application/json' },
  });
  if (!created.ok) throw new Error(`could not create the model: ${created.status} ${await created.text()}`);
  return url;
}

/** Buckets exist in the emulator once created (an existing one answers 409, which is fine here). */
async function createBucket(url, bucket) {
  const res = await fetch(`${url}storage/v1/b?project=bench`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: bucket }),
  });
  if (!res.ok && res.status !== 409) throw new Error(`could not create bucket ${bucket}: ${res.status} ${await res.text()}`);
}

/** One timed `versions create` (ml v1). */
function invoke(peer, url, origin, bucket, version) {
  const commandArgs = [
    ...peer.command.slice(1),
    'ai-platform',
    'versions',
    'create',
    `${version}_${peer.label.replace(/\W/g, '')}`,
    '--model',
    'm',
    '--region',
    'global',
    '--origin',
    origin,
    '--async',
    ...(origin.startsWith('gs://') ? [] : ['--staging-bucket', `gs://${bucket}`]),
  ];
  return timed(`${peer.label} (${version})`, peer.command[0], commandArgs, runEnv(url));
}

/** The clean environment every run gets: gcloud's config pointed at the emulator, no credentials. */
function runEnv(url) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CLOUDSDK_CONFIG: path.join(work, 'config'),
    CLOUDSDK_CORE_PROJECT: 'bench',
    CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: url,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `${url}storage/v1/`,
    ...keptEnv,
  };
}

/** One timed command; wall/CPU in seconds, peak RSS of the process tree in MiB. */
function timed(what, command, commandArgs, env) {
  const timeFile = path.join(work, 'time.txt');
  const [file, argv] = timeTool ? [timeTool, ['-f', '%e %U %S %M', '-o', timeFile, command, ...commandArgs]] : [command, commandArgs];
  const started = process.hrtime.bigint();
  try {
    execFileSync(file, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`${what} failed:\n${err.stderr}`);
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (!timeTool) return { wall, cpu: NaN, rssMiB: NaN };
  const [elapsed, user, sys, rssKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { wall: elapsed, cpu: user + sys, rssMiB: Math.round(rssKiB / 1024) };
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

function printTable(rows) {
  const [a, b] = peers.map((p) => p.label);
  const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
  console.log(
    `\n| scenario | what | ${a} wall s | ${a} cpu s | ${a} peak MiB |${b ? ` ${b} wall s | ${b} cpu s | ${b} peak MiB | wall A/B | cpu A/B | peak A/B |` : ''}`,
  );
  console.log(`|---|---|---|---|---|${b ? '---|---|---|---|---|---|' : ''}`);
  for (const { name, what, results } of rows) {
    const mine = results.get(a);
    const cells = [fmt(median(mine.map((m) => m.wall))), fmt(median(mine.map((m) => m.cpu))), fmt(median(mine.map((m) => m.rssMiB)), 0)];
    if (b) {
      const theirs = results.get(b);
      cells.push(
        fmt(median(theirs.map((m) => m.wall))),
        fmt(median(theirs.map((m) => m.cpu))),
        fmt(median(theirs.map((m) => m.rssMiB)), 0),
      );
      // Ratios pair by pair (run i of A against run i of B), then the median.
      for (const key of ['wall', 'cpu', 'rssMiB']) cells.push(fmt(median(mine.map((m, i) => m[key] / theirs[i][key])), 3));
    }
    console.log(`| ${name} | ${what} | ${cells.join(' | ')} |`);
  }
}

/**
 * The floor peers of scenario a: an empty script, and one POST of the create through undici's Client
 * (the create's name and origin read from the same argv), built like gcloud-aip: one minified
 * bundle, undici's parser beside it, loaded through the same code-cache loader, the same V8 flag.
 */
async function buildFloorPeers() {
  const dir = path.join(work, 'floor');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'empty.js'), '');
  writeFileSync(
    path.join(dir, 'entry.js'),
    `const Client = require('undici/lib/dispatcher/client.js');
exports.main = (argv) => {
  if (process.env.FLOOR_WARM_CACHE) return; // writes the code cache, as the build's run does
  require('node:v8').setFlagsFromString('--liftoff-only');
  const url = new URL(process.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_ML);
  const body = JSON.stringify({ name: argv[argv.indexOf('create') + 1], deploymentUri: argv[argv.indexOf('--origin') + 1] });
  const client = new Client(url.origin, { maxHeaderSize: 16384 });
  const chunks = [];
  let status = 0;
  client.dispatch(
    { method: 'POST', path: url.pathname + 'v1/projects/bench/models/m/versions', headers: { 'content-type': 'application/json' }, body },
    {
      onConnect() {},
      onHeaders(code) { status = code; return true; },
      onData(chunk) { chunks.push(chunk); return true; },
      onError(err) { console.error(err.message); process.exit(1); },
      onComplete() {
        const answer = JSON.parse(Buffer.concat(chunks).toString());
        process.stdout.write(JSON.stringify(answer) + '\\n');
        process.exit(status === 200 ? 0 : 1);
      },
    },
  );
};
`,
  );
  await bundleBesideParser(dir, {
    entryPoints: [path.join(dir, 'entry.js')],
    outfile: path.join(dir, 'bundle.js'),
    banner: { js: BUNDLE_WRAPPER[0] },
    footer: { js: BUNDLE_WRAPPER[1] },
    nodePaths: [path.join(root, 'node_modules')],
  });
  copyFileSync(path.join(root, 'scripts/cli-loader.cjs'), path.join(dir, 'cli.js'));
  writeFileSync(path.join(dir, 'run.js'), "require('./cli.js').main(process.argv.slice(2));\n");
  execFileSync(process.execPath, [path.join(dir, 'run.js')], { env: { ...process.env, FLOOR_WARM_CACHE: '1' } });
  return [
    { label: 'empty-node-script', command: [process.execPath, path.join(dir, 'empty.js')] },
    { label: 'undici-one-post', command: [process.execPath, path.join(dir, 'run.js')] },
  ];
}

/** A scenario's peers beside gcloud and beside the floor (the last peer), pair by pair. */
function printFloor({ name, results }) {
  const baseline = results.get('gcloud');
  const floor = [...results.values()].at(-1);
  const ratio = (measured, to, key) => (to ? median(measured.map((m, i) => m[key] / to[i][key])).toFixed(3) : '-');
  console.log(
    `\n| scenario ${name} | wall s | cpu s | peak MiB | wall / gcloud | wall / floor | cpu / floor | peak / gcloud |\n|---|---|---|---|---|---|---|---|`,
  );
  for (const [label, measured] of results) {
    const med = (key, digits) => median(measured.map((m) => m[key])).toFixed(digits);
    console.log(
      `| ${label} | ${med('wall', 3)} | ${med('cpu', 2)} | ${med('rssMiB', 0)} | ${ratio(measured, baseline, 'wall')} | ${ratio(measured, floor, 'wall')} | ${ratio(measured, floor, 'cpu')} | ${ratio(measured, baseline, 'rssMiB')} |`,
    );
  }
}

/**
 * A floor peer bundled into `dir` as scripts/build.mjs bundles the CLI (minified CJS for node20), with
 * undici's WebAssembly parser as files beside it rather than inside.
 */
async function bundleBesideParser(dir, options) {
  const { build } = await import('esbuild');
  await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
    ...options,
    plugins: [
      {
        name: 'llhttp-beside',
        setup: (b) =>
          b.onResolve({ filter: /^\.\.\/llhttp\/llhttp(_simd)?-wasm\.js$/ }, (a) => ({
            path: `./${path.basename(a.path)}`,
            external: true,
          })),
      },
    ],
  });
  for (const file of ['llhttp-wasm.js', 'llhttp_simd-wasm.js'])
    copyFileSync(path.join(root, 'node_modules/undici/lib/llhttp', file), path.join(dir, file));
}

/** The floor peer of c and e (see the top of this file), bundled as gcloud-aip is and kept for bench.sh. */
async function buildFloorStager() {
  const dir = path.join(root, 'node_modules/.cache/bench-floor');
  mkdirSync(dir, { recursive: true });
  await bundleBesideParser(dir, {
    entryPoints: [path.join(root, 'scripts/bench-floor-stager.js')],
    outfile: path.join(dir, 'stager.js'),
    external: ['@node-rs/crc32'],
  });
  return { label: 'floor', command: [process.execPath, path.join(dir, 'stager.js')] };
}
