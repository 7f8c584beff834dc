// `npm pack` / `npm publish` lifecycle helper: the packed package.json must not carry the `prepare`
// script. `prepare` builds dist/ for a clone (`npm ci`) and for a git-URL install (npm runs it in
// its clone), but a tarball ships dist/ already and not scripts/, so an installed tarball that
// declares `prepare` makes npm warn about an install script the package cannot run.
//   strip:   (prepack)  keep package.json aside, write it without scripts.prepare
//   restore: (postpack) put the kept package.json back
// A pack that fails between the two leaves the stripped file; the next `strip` restores it first.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const manifest = path.join(root, 'package.json');
const kept = path.join(root, '.package.json.prepack');

function restore() {
  if (fs.existsSync(kept)) fs.renameSync(kept, manifest);
}

const action = process.argv[2];
if (action === 'strip') {
  restore();
  const text = fs.readFileSync(manifest, 'utf8');
  const json = JSON.parse(text);
  fs.writeFileSync(kept, text);
  delete json.scripts.prepare;
  fs.writeFileSync(manifest, `${JSON.stringify(json, null, 2)}\n`);
} else if (action === 'restore') {
  restore();
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
