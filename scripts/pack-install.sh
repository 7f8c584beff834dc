#!/usr/bin/env bash
# Packs gcloud-aip from a clean copy of this checkout (no dist/: `prepack` must build it), installs
# the tarball with `npm install -g` into an empty prefix, runs the installed command, and reports
# what a user downloads and installs. Dependencies come from the npm cache when it has them
# (--prefer-offline), else from the registry.
# Output: human-readable lines, then one JSON line (`{"tarballBytes":…}`) for tests.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The files a fresh clone has (tracked, plus new ones not ignored), and the dev dependencies to build.
mkdir "$work/clone"
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$work/clone"
rm -rf "$work/clone/dist"
ln -s "$repo/node_modules" "$work/clone/node_modules"

tarball=$(cd "$work/clone" && npm pack --silent --pack-destination "$work" | tail -n 1)
npm install -g --prefix "$work/prefix" --prefer-offline --no-audit --no-fund --loglevel=error "$work/$tarball" >/dev/null

installed="$work/prefix/lib/node_modules/gcloud-aip"
version=$(env -i PATH="$PATH" HOME="$work" "$work/prefix/bin/gcloud-aip" --version | head -n 1)
# A command that loads the one library left outside the bundle (google-auth-library): impersonation
# through an IAM endpoint that cannot be a URL (so nothing is sent or retried) must end in gcloud's
# impersonation error, not "Cannot find module".
set +e
credentials=$(env -i PATH="$PATH" HOME="$work" CLOUDSDK_CONFIG="$work/config" CLOUDSDK_AUTH_ACCESS_TOKEN=test-token \
  CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS='http://no host/' \
  "$work/prefix/bin/gcloud-aip" ai-platform models list --project=p --region=global \
  --impersonate-service-account=nobody@p.iam.gserviceaccount.com 2>&1)
credentials_exit=$?
set -e
# The native crc32c (an optional dependency outside the bundle) must be found from the bundle's folder.
crc32c=$(cd "$installed/dist" && node -e "require.resolve('@node-rs/crc32'); console.log(require('@node-rs/crc32').crc32c('123456789') === 0xe3069283 ? 'native' : 'wrong')" 2>/dev/null || echo missing)

files=$(tar tzf "$work/$tarball" | grep -c -v '/$')
tarball_bytes=$(stat -c %s "$work/$tarball")
# Package roots: node_modules/NAME/package.json or node_modules/@SCOPE/NAME/package.json (+ gcloud-aip).
packages=$(( $(find "$installed" -name package.json | grep -cE 'node_modules/(@[^/]+/)?[^/@]+/package\.json$') + 1 ))
installed_kib=$(du -sk "$work/prefix" | cut -f1)

echo "packed:    $tarball, $tarball_bytes bytes, $files files:"
tar tzf "$work/$tarball" | sed 's/^/             /'
echo "installed: $packages packages, $installed_kib KiB under the prefix"
echo "runs:      $version"
echo "           google-auth-library: exit $credentials_exit, $(echo "$credentials" | grep -m1 "^ERROR:")"
echo "           crc32c: $crc32c"
node -e 'console.log(JSON.stringify({ tarballBytes: +process.argv[1], files: +process.argv[2], packages: +process.argv[3], installedKiB: +process.argv[4],
  version: process.argv[5], credentialsExit: +process.argv[6], credentials: process.argv[7], contents: process.argv[8].split("\n"), crc32c: process.argv[9] }))' \
  "$tarball_bytes" "$files" "$packages" "$installed_kib" "$version" "$credentials_exit" "$credentials" "$(tar tzf "$work/$tarball")" "$crc32c"
