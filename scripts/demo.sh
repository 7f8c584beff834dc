#!/usr/bin/env bash
# The README's quick start: start the embedded emulator, deploy the fixture model from a local
# --origin through a staging bucket, wait for the operation to reach READY, and show the result;
# then run the README's whole deploy script (scripts/deploy.sh) to replace that version with v2;
# then deploy the same model to Vertex AI with the same command lines (GCLOUD_AIP_TARGET=vertex-ai).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
export CLOUDSDK_CONFIG="$work/config" CLOUDSDK_CORE_PROJECT=demo-project
cli() { node bin/gcloud-aip.js "$@"; }

node bin/gcloud-aip.js emulators ai-platform start --host-port=127.0.0.1:0 --data-dir "$work/emulator" --operation-delay 1500 --buckets=demo-staging &
emulator=$!
trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null; rm -rf "$work"' EXIT
eval "$(cli emulators ai-platform env-init --data-dir "$work/emulator")"

set -x
cli ai-platform models create iris --regions us-central1
cli ai-platform versions create v1 --model iris \
  --origin fixtures/models/tf-saved-model --staging-bucket gs://demo-staging \
  --runtime-version 2.11 --python-version 3.7 --labels team=ml --format yaml

# The whole deploy script, unchanged from gcloud, with v1's staged model as v2's origin.
staged=$(cli ai-platform versions describe v1 --model iris --format='value(deploymentUri)')
GCLOUD="node bin/gcloud-aip.js" MODEL=iris VERSION=v2 ORIGIN="$staged" bash scripts/deploy.sh

# AI Platform Prediction (ml.googleapis.com) was shut down on 2025-01-31. The same command lines
# deploy to Vertex AI with one variable: the model becomes an endpoint plus a registry model, the
# version a registry version deployed to it; the result prints in AI Platform's shape.
export GCLOUD_AIP_TARGET=vertex-ai
cli ai-platform models create iris --region us-central1
cli ai-platform versions create v1 --model iris --region us-central1 \
  --origin fixtures/models/tf-saved-model --staging-bucket gs://demo-staging \
  --runtime-version 2.11 --python-version 3.7 --labels team=ml --format yaml
cli ai-platform versions list --model iris --region us-central1
