#!/usr/bin/env bash
# Runs Resonance on its embedded default: SQLite in ./data, in-process cache and jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export RESONANCE_DATA_DIR="${RESONANCE_DATA_DIR:-$PWD/data}"
mkdir -p "$RESONANCE_DATA_DIR"

# A service token for this machine, generated once and kept out of the repository.
TOKEN_FILE="$RESONANCE_DATA_DIR/service-token"
[ -s "$TOKEN_FILE" ] || $BIN/python -c 'import secrets; print(secrets.token_urlsafe(32))' >"$TOKEN_FILE"
chmod 600 "$TOKEN_FILE"
export RECOMMENDER_SERVICE_TOKEN="$(cat "$TOKEN_FILE")"
export RESONANCE_LOG_FORMAT="${RESONANCE_LOG_FORMAT:-text}"

$BIN/resonance db upgrade
echo "Resonance API on http://127.0.0.1:${RESONANCE_PORT:-8000} (docs at /docs, health at /v1/health)"
exec $BIN/resonance serve --no-migrate
