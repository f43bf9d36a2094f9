# Helpers for arbor's Azure Files scenario tests: the emulator as a child of the test
# (free port, fresh data directory, stopped on exit), Microsoft's SDK through
# tests/js/azfiles_tool.mjs for filling and checking shares, and the emulator's control
# endpoints for faults and counters.
source "$(dirname "${BASH_SOURCE[0]}")/../../scenarios/lib.sh"

EMU_BIN="${ARBOR_AZFILES_EMULATOR:?set ARBOR_AZFILES_EMULATOR to the emulator binary}"
NODE="${NODE:-node}"
JS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../js" && pwd)"
ACCOUNT=devstoreaccount1
DEV_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export AZURE_STORAGE_ACCOUNT="$ACCOUNT" AZURE_STORAGE_KEY="$DEV_KEY"
unset AZURE_STORAGE_CONNECTION_STRING AZURE_STORAGE_SAS_TOKEN
EMU_PID=""

stop_emulator() {
  if [[ -n "$EMU_PID" ]]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
  EMU_PID=""
}
trap 'stop_emulator; rm -rf "$WORK"' EXIT

# start_emulator [EXTRA ARGS]: sets ENDPOINT (http://127.0.0.1:PORT/ACCOUNT) and EMU_BASE.
start_emulator() {
  mkdir -p "$WORK/emu"
  : > "$WORK/emu.out"
  "$EMU_BIN" --port 0 --data "$WORK/emu" "$@" > "$WORK/emu.out" 2> "$WORK/emu.err" &
  EMU_PID=$!
  for _ in $(seq 100); do
    grep -q "listening on" "$WORK/emu.out" && break
    sleep 0.1
  done
  ENDPOINT=$(grep -o 'http://[^ ]*' "$WORK/emu.out") || fail "emulator did not start: $(cat "$WORK/emu.err")"
  EMU_BASE="${ENDPOINT%/$ACCOUNT}"
}

sdk() { "$NODE" "$JS_DIR/azfiles_tool.mjs" "$ENDPOINT" "$@"; }
faults() { curl -sf -X PUT --data '' "$EMU_BASE/__emulator/faults?$1" > /dev/null || fail "setting faults $1"; }
reset_stats() { curl -sf -X PUT --data '' "$EMU_BASE/__emulator/stats/reset" > /dev/null; }
emu_stat() {  # emu_stat KEY: one top-level number of /__emulator/stats
  curl -sf "$EMU_BASE/__emulator/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}
# arbor against the emulator (credentials from the environment above).
az_arbor() { "$ARBOR" "$@" --endpoint "$ENDPOINT"; }
az_json() { "$ARBOR" --json -q "$@" --endpoint "$ENDPOINT"; }
