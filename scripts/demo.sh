#!/usr/bin/env bash
# Runs Resonance on its embedded default: SQLite in ./data, in-process cache and jobs,
# the Spotify sandbox, the backend API and the Next.js web app. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
export RESONANCE_DATA_DIR="${RESONANCE_DATA_DIR:-$ROOT/data}"
mkdir -p "$RESONANCE_DATA_DIR"

SANDBOX_PORT="${RESONANCE_SANDBOX_PORT:-8765}"
API_PORT="${RESONANCE_PORT:-8000}"
WEB_PORT="${WEB_PORT:-3000}"

# Secrets for this machine, generated once and kept out of the repository.
secret() {
  local file="$RESONANCE_DATA_DIR/$1"
  [ -s "$file" ] || "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$file"
  chmod 600 "$file"
  cat "$file"
}
export RECOMMENDER_SERVICE_TOKEN="$(secret service-token)"
export SESSION_SECRET="${SESSION_SECRET:-$(secret session-secret)}"
export RESONANCE_LOG_FORMAT="${RESONANCE_LOG_FORMAT:-text}"

# Demo mode: Spotify is the local sandbox.
export RESONANCE_DEMO_MODE=true
export RESONANCE_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"
export SPOTIFY_CLIENT_ID="${SPOTIFY_CLIENT_ID:-resonance-sandbox}"
export SPOTIFY_REDIRECT_URI="http://127.0.0.1:$WEB_PORT/callback"
export SPOTIFY_ACCOUNTS_URL="$RESONANCE_SANDBOX_URL"
export BACKEND_URL="http://127.0.0.1:$API_PORT"

# The web app: install and build once (again when its sources change).
FRONTEND=$ROOT/frontend
if [ ! -d "$FRONTEND/node_modules" ] || [ "$FRONTEND/package-lock.json" -nt "$FRONTEND/node_modules/.package-lock.json" ]; then
  echo "Installing the web app's packages…"
  (cd "$FRONTEND" && npm ci --no-audit --no-fund)
fi
if [ ! -f "$FRONTEND/.next/BUILD_ID" ] || [ -n "$(find "$FRONTEND/app" "$FRONTEND/components" "$FRONTEND/lib" -newer "$FRONTEND/.next/BUILD_ID" -type f | head -1)" ]; then
  echo "Building the web app…"
  (cd "$FRONTEND" && NEXT_TELEMETRY_DISABLED=1 npm run build)
fi
# The build is `output: "standalone"` (as in the container): its server needs the static
# assets and public files beside it, as the Dockerfile copies them.
rm -rf "$FRONTEND/.next/standalone/.next/static" "$FRONTEND/.next/standalone/public"
cp -r "$FRONTEND/.next/static" "$FRONTEND/.next/standalone/.next/static"
cp -r "$FRONTEND/public" "$FRONTEND/.next/standalone/public"

"$BIN/resonance" db upgrade

PIDS=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
# Ctrl-C is how the demo is meant to end: stop everything and exit 0, so make reports no error.
trap 'cleanup; exit 0' INT TERM

wait_for() {  # url name
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not start (waited for $1)" >&2
  exit 1
}

"$BIN/resonance" sandbox --port "$SANDBOX_PORT" &
PIDS+=($!)
"$BIN/resonance" serve --no-migrate --port "$API_PORT" &
PIDS+=($!)
(cd "$FRONTEND/.next/standalone" && NEXT_TELEMETRY_DISABLED=1 HOSTNAME=127.0.0.1 PORT="$WEB_PORT" exec node server.js) &
PIDS+=($!)

wait_for "$RESONANCE_SANDBOX_URL/_sandbox/switches" "The sandbox"
wait_for "$BACKEND_URL/v1/health" "The API"
wait_for "http://127.0.0.1:$WEB_PORT/api/health" "The web app"

cat <<MSG

  Resonance is running:  http://127.0.0.1:$WEB_PORT
  (sign in through the sandbox's consent page; API docs at $BACKEND_URL/docs)

  Ctrl-C stops everything.
MSG
# A process that stops on its own is a failure: say which, and exit with its status.
status=0
wait -n "${PIDS[@]}" || status=$?
echo "A Resonance process stopped (exit $status); stopping the others." >&2
exit "$status"
