# Sourced by the Azure benchmarks: arbor's Azure Files emulator on a free port of
# 127.0.0.1, serving a data folder the caller may have seeded with --populate.
#
#   start_emulator EMU DIR    sets ENDPOINT (http://127.0.0.1:PORT/devstoreaccount1),
#                             BASE (without the account, for /__emulator/...) and EMU_PID
#   stop_emulator             for the caller's EXIT trap
start_emulator() {
  local emu=$1 dir=$2 _
  "$emu" --port 0 --data "$dir/emu" --threads 256 > "$dir/emu.out" 2> "$dir/emu.err" &
  EMU_PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$dir/emu.out" && break; sleep 0.1; done
  ENDPOINT=$(grep -o 'http://[^ ]*' "$dir/emu.out") || { echo "emulator did not start: $(cat "$dir/emu.err")" >&2; return 1; }
  BASE=${ENDPOINT%/devstoreaccount1}
}

stop_emulator() {
  if [ -n "${EMU_PID:-}" ]; then kill "$EMU_PID" 2> /dev/null || true; wait "$EMU_PID" 2> /dev/null || true; fi
  EMU_PID=
}
