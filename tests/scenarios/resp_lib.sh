# Helpers for the RESP scenarios: start and stop `arbor serve --resp` on a loopback port
# it picks, and run redis-cli against it. Source after lib.sh.
export ARBOR_CATALOG="$WORK/catalog.db"
RESP_PORT=""
RESP_PID=""
RESP_STARTS=0
RESP_CLI_TLS=()  # redis-cli's TLS options (--tls --cacert ...) when the server speaks TLS

resp_start() {  # resp_start [extra serve options]: waits until it answers (at most 20 s)
  # The server picks a free port itself and prints it: a port chosen here could be taken
  # by a test running beside this one before the server binds it.
  local log="$WORK/serve.$((++RESP_STARTS)).log"
  # Made here: the background job opens it only when it gets to run, and a sed of a log
  # that is not there yet fails the scenario (set -e).
  : >"$log"
  "$ARBOR" serve --resp "127.0.0.1:0" --resp-data "$WORK/resp" "$@" >"$log" 2>&1 &
  RESP_PID=$!
  for _ in $(seq 200); do
    RESP_PORT=$(sed -n 's/^arbor serve: RESP on 127.0.0.1:\([0-9]*\)$/\1/p' "$log")
    if [[ -n "$RESP_PORT" ]] && redis-cli "${RESP_CLI_TLS[@]}" -p "$RESP_PORT" PING 2>/dev/null | grep -q -e PONG -e NOAUTH; then
      return 0
    fi
    kill -0 "$RESP_PID" 2>/dev/null || { cat "$log" >&2; fail "arbor serve --resp exited"; }
    sleep 0.1
  done
  cat "$log" >&2
  fail "arbor serve --resp did not answer"
}

resp_stop() {  # SIGTERM, then wait for the process (exit 0 expected)
  kill -TERM "$RESP_PID"
  wait "$RESP_PID" || { cat "$WORK"/serve.*.log >&2; fail "arbor serve exited non-zero"; }
  RESP_PID=""
}

resp_kill9() {
  kill -9 "$RESP_PID"
  wait "$RESP_PID" 2>/dev/null || true
  RESP_PID=""
}

rcli() { redis-cli "${RESP_CLI_TLS[@]}" --no-auth-warning -p "$RESP_PORT" "$@"; }

want() {  # want EXPECTED redis-cli-args...: the command's output (stdout+stderr), exactly
  local expected=$1
  shift
  local got
  got=$(rcli "$@" 2>&1) || true
  [[ "$got" == "$expected" ]] || fail "redis-cli $*: expected [$expected], got [$got]"
}

trap 'if [[ -n "$RESP_PID" ]]; then kill -9 "$RESP_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
