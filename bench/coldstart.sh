#!/usr/bin/env bash
# Cold start: a fresh directory to /graphql answering with the demo district,
# with the binary built (docs/benchmarks.md, "Cold start").
#
#   go build -o /tmp/tongxing ./cmd/tongxing && bash bench/coldstart.sh /tmp/tongxing 5
set -euo pipefail
bin=$(realpath "$1"); runs=${2:-5}; port=${PORT:-18555}
query='{"query":"{ organizations(first: 1, where: {nameContains: \"孝慈\"}) { edges { node { name } } } }"}'
for _ in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  (cd "$dir" && TONGXING_ADDR=127.0.0.1:$port exec "$bin" serve >/dev/null 2>&1) &
  pid=$!
  until curl -s -X POST -H 'Content-Type: application/json' -d "$query" "http://127.0.0.1:$port/graphql" 2>/dev/null | grep -q 孝慈; do
    sleep 0.02
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  echo "$(( (end - start) / 1000000 )) ms"
done
