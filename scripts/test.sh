#!/usr/bin/env bash
# `make test`: the suite on SQLite and, when TEST_POSTGRES_URL is set (.ci/run sets it), at the same
# time on PostgreSQL. Both in parallel (pytest-xdist) and in random order with a seed of their own,
# printed first; RANDOM_ORDER_SEED repeats an order. See docs/development.md.
#
# The browser tests run once, on SQLite: what they check (what a person sees and can click) does not
# depend on the database, and the layers beneath them run on both. Running them on PostgreSQL as well
# would double the suite's longest part (the CI time is in the closing notes of issue 19).
set -uo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=klynge.settings_test
read -r -a args <<<"${PYTEST_ARGS:--n auto --dist worksteal --durations=15}"
pytest=(.venv/bin/pytest -q "${args[@]}")
sqlite_seed=${RANDOM_ORDER_SEED:-$RANDOM$RANDOM}
postgres_seed=${RANDOM_ORDER_SEED:-$RANDOM$RANDOM}

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true but TEST_POSTGRES_URL is not set: the suite must also run on PostgreSQL" >&2
    exit 1
  fi
  echo "== SQLite, random order seed $sqlite_seed =="
  exec "${pytest[@]}" --random-order-seed="$sqlite_seed"
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
echo "== SQLite (every test) and PostgreSQL (every test but the browser tests) side by side =="
"${pytest[@]}" --random-order-seed="$sqlite_seed" >"$logs/sqlite" 2>&1 &
sqlite_pid=$!
DATABASE_URL="$TEST_POSTGRES_URL" "${pytest[@]}" -m "not e2e" --random-order-seed="$postgres_seed" \
  >"$logs/postgres" 2>&1 &
postgres_pid=$!
wait "$sqlite_pid"
sqlite_status=$?
wait "$postgres_pid"
postgres_status=$?
echo "== SQLite, random order seed $sqlite_seed: exit $sqlite_status =="
cat "$logs/sqlite"
echo "== PostgreSQL, random order seed $postgres_seed: exit $postgres_status =="
cat "$logs/postgres"
[ "$sqlite_status" -eq 0 ] && [ "$postgres_status" -eq 0 ]
