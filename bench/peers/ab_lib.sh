# Shared by bench/peers/ab_*.sh: time one run of a binary, and the medians at the end.
# shellcheck shell=bash

declare -A AB_WALLS

# ab_time BINARY ARGS...: runs it (stdout dropped), prints binary, wall, user, sys, RSS.
ab_time() {
  local bin=$1 line wall user sys rss
  line=$(/usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1)
  read -r wall user sys rss <<<"$line"
  printf '%s\twall %s s\tuser %s s\tsys %s s\tRSS %s KiB\n' "$bin" "$wall" "$user" "$sys" "$rss"
  AB_WALLS[$bin]+="$wall "
}

# ab_medians BINARY...: the median wall time of each binary's runs.
ab_medians() {
  local bin
  for bin in "$@"; do
    # shellcheck disable=SC2086
    printf '%s\tmedian wall %s s\n' "$bin" "$(printf '%s\n' ${AB_WALLS[$bin]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  done
}
