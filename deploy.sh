#!/usr/bin/env bash
# Deploy one stage of customer-ids to AWS (backend/deploy/DEPLOY.md explains it step by step).
#
#   ./deploy.sh [--stage dev|prod] [--dry-run]        (make deploy STAGE=prod)
#
# Order: templates built and linted -> cursor secret -> supporting stack (tables, workflow, alarms)
# -> chalice deploy -> gateway responses -> console build with this stage's API URL -> edge stack
# (API key, usage plan, bucket, CloudFront) -> console release: uploaded to its own prefix, smoke
# test, then CloudFront switched to it (make rollback-console STAGE=... switches back).
# --dry-run does everything that needs no AWS account (build, lint, chalice package) and stops.
# Every step records what the next needs in .deploy/<stage>/; no step prints a secret.
set -euo pipefail
cd "$(dirname "$0")"

stage=dev
dry_run=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --stage) stage="${2:?--stage needs a value}"; shift 2 ;;
    --stage=*) stage="${1#--stage=}"; shift ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "deploy.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

die() { echo "deploy.sh: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

python="${PYTHON:-.venv/bin/python}"
[[ -x "$python" ]] || die "no Python at $python: create the venv first (see backend/deploy/DEPLOY.md), or set PYTHON"
[[ -x "$(dirname "$python")/chalice" ]] || die "chalice is not installed next to $python: pip install -r requirements-dev.txt"
deploy() { "$python" -m backend.deploy "$@" --stage "$stage"; }

step "Checking stage $stage"
if $dry_run; then
  deploy check --offline
else
  command -v npm >/dev/null || die "npm is not installed: the console is built with Node 20+ and npm"
  deploy check
fi

step "Building and linting templates"
deploy build
deploy package

if $dry_run; then
  step "Dry run: templates are in .deploy/$stage/ (package/sam.json is the single-stack template); nothing was deployed"
  exit 0
fi

step "Cursor secret"
deploy ensure-secret

step "Supporting stack"
deploy deploy-infra

step "API and Lambdas (chalice deploy)"
deploy chalice-state pull
"$python" -m backend.deploy.edge_swagger deploy --stage "$stage"  # chalice deploy, the edge's Swagger
deploy chalice-state push
deploy gateway-responses

step "Console build"
api_url="$(deploy output api_url)"
make --no-print-directory frontend/node_modules/.synced  # the pinned pnpm, from frontend/pnpm-lock.yaml
(
  cd frontend
  # People sign in (GET /auth/config says where): the bundle holds the API's URL and no key.
  VITE_API_BASE_URL="$api_url" npm run build
)

step "Edge stack (API key, usage plan, console hosting)"
deploy deploy-edge --build-dir frontend/dist

step "Console release (new prefix, smoke test, CloudFront switch)"
deploy publish --build-dir frontend/dist

step "Done"
deploy summary
