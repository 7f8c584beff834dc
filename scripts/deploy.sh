#!/usr/bin/env bash
# A whole CI deploy of one model version, written for gcloud and run unchanged by gcloud-aip:
#   GCLOUD=gcloud-aip MODEL=iris VERSION=v2 ORIGIN=gs://bucket/model/ scripts/deploy.sh
# Makes sure the model exists, creates the version without waiting, waits for its operation, makes
# it the default, shows what is deployed and deletes the versions it replaces.
set -euo pipefail
GCLOUD=${GCLOUD:-gcloud}
MODEL=${MODEL:?set MODEL} VERSION=${VERSION:?set VERSION} ORIGIN=${ORIGIN:?set ORIGIN}

$GCLOUD ai-platform models describe "$MODEL" >/dev/null 2>&1 ||
  $GCLOUD ai-platform models create "$MODEL" --regions=us-central1 --enable-logging

operation=$($GCLOUD ai-platform versions create "$VERSION" --model="$MODEL" --origin="$ORIGIN" \
  --runtime-version=2.11 --python-version=3.7 --framework=tensorflow --async --format='value(name)')
$GCLOUD ai-platform operations wait "$operation"

$GCLOUD ai-platform versions set-default "$VERSION" --model="$MODEL" --format='value(name,state,isDefault)'
$GCLOUD ai-platform versions list --model="$MODEL"

for old in $($GCLOUD ai-platform versions list --model="$MODEL" --filter="name.basename()!=$VERSION" --format='value(name.basename())'); do
  $GCLOUD ai-platform versions delete "$old" --model="$MODEL" --quiet
done
$GCLOUD ai-platform models list
