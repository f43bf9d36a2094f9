#!/usr/bin/env bash
# Backing up into remote stores: arbor and restic against the same s3rver (S3) and the same
# sshd (SFTP), started here on loopback, with the floor for each: the time to upload the
# same bytes as one stream (tar | rclone rcat) to the same server. Two more rows: arbor's
# own RESP server (`arbor backup --remote resp://...`: the client chunks, `arbor serve
# --resp` stores; restic has no such server) and a local repository on the same disk, for
# both tools (the baseline a remote backup is compared with).
#
#   ./bench/stores/run.sh [--files N] [--mib M] [--work DIR] [--tools "arbor restic"]
#                         [--servers "s3 sftp resp local"] [--datasets "small large"]
#
# Datasets: N small files (bench/peers/make_datasets.py, default 20,000) and large files:
# four random files of M/4 MiB (default M = 512) and an edited copy of one. For each server, dataset and tool: a first backup with the
# page cache dropped before it (cold: the source is read from disk), a first backup into a
# fresh repository with the source cached (warm), then a restore of it. restic comes from
# apt-get when absent. Both tools encrypt (arbor's default with ARBOR_PASSWORD; restic
# always). Prints a markdown table (also
# WORK/results.md) with wall times, MB/s, arbor's ratio to restic and to the floor, and
# arbor's store requests (ARBOR_STORE_STATS). restic's S3 server is a second s3rver
# serving https (see below): the same program, plus TLS on loopback. Needs root for drop_caches (else the cold
# rows are skipped and say so).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FILES=20000
MIB=512
TOOLS="arbor restic"
SERVERS="s3 sftp resp local"
DATASETS="small large"
WORK="${TMPDIR:-/tmp}/arbor-bench-stores"
while [[ $# -gt 0 ]]; do
  case $1 in
    --files) FILES=$2; shift 2 ;;
    --mib) MIB=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --datasets) DATASETS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
ARBOR="${ARBOR:-$ROOT/build/src/cli/arbor}"
[[ -x "$ARBOR" ]] || { echo "build arbor first ($ARBOR)" >&2; exit 1; }
if [[ " $TOOLS " == *" restic "* ]] && ! command -v restic >/dev/null; then
  apt-get install -y -qq restic >/dev/null || { echo "restic is not installed and apt-get failed" >&2; exit 1; }
fi
command -v rclone >/dev/null || apt-get install -y -qq rclone >/dev/null
rm -rf "$WORK/servers" "$WORK/sftp" "$WORK/resp" "$WORK/local" "$WORK/restores"  # an earlier run's; data stays
mkdir -p "$WORK/servers"
DATA="$WORK/data"
REAL_WORK="$WORK"
WORK="$WORK/servers"  # servers.sh keeps its data and $HOME under $WORK
source "$ROOT/tests/support/servers.sh"
trap 'stop_servers' EXIT
export RESTIC_PASSWORD=bench RESTIC_CACHE_DIR="$REAL_WORK/restic-cache" ARBOR_PASSWORD=bench
start_s3rver bench
start_sshd
# arbor's RESP server: each backup gets a fresh repository as its own database
# (`DB.CREATE name storage`, below); `default` sits on a repository of its own.
RESP_PORT=$(free_port)
"$ARBOR" -r "$WORK/resp-default" init -q >/dev/null
"$ARBOR" serve --resp "127.0.0.1:$RESP_PORT" --resp-data "$WORK/resp-data" -r "$WORK/resp-default" \
  2>"$WORK/resp.log" &
SERVER_PIDS+=($!)
wait_port "$RESP_PORT" "$WORK/resp.log"
# restic's S3 client (minio-go) sends bodies over plain http as aws-chunked streams, which
# s3rver stores undecoded; over https it sends plain bodies. So restic gets a second
# s3rver, the same program, serving https with a throwaway certificate.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.crt" -days 1 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
TLS_PORT=$(free_port)
node --openssl-legacy-provider "$SERVERS_JS/node_modules/s3rver/bin/s3rver.js" -d "$WORK/s3data-tls" -a 127.0.0.1 \
  -p "$TLS_PORT" --key "$WORK/tls.key" --cert "$WORK/tls.crt" --configure-bucket bench >>"$WORK/s3rver-tls.log" 2>&1 &
SERVER_PIDS+=($!)
wait_port "$TLS_PORT" "$WORK/s3rver-tls.log"
RESTIC_S3="https://127.0.0.1:$TLS_PORT"
RESTIC_TLS=(--cacert "$WORK/tls.crt")
WORK="$REAL_WORK"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
: >"$WORK/requests.txt"

SSH_OPTS="-p $SFTP_PORT -i $HOME/.ssh/id_ed25519 -o UserKnownHostsFile=$HOME/.ssh/known_hosts -o BatchMode=yes"
# rclone, configured from the environment (no config file): the same servers, same keys.
export RCLONE_CONFIG_S3R_TYPE=s3 RCLONE_CONFIG_S3R_PROVIDER=Other RCLONE_CONFIG_S3R_ENDPOINT="$ARBOR_S3_ENDPOINT"
export RCLONE_CONFIG_S3R_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" RCLONE_CONFIG_S3R_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
export RCLONE_CONFIG_S3R_FORCE_PATH_STYLE=true
export RCLONE_CONFIG_SF_TYPE=sftp RCLONE_CONFIG_SF_HOST=127.0.0.1 RCLONE_CONFIG_SF_PORT="$SFTP_PORT"
export RCLONE_CONFIG_SF_USER="$(id -un)" RCLONE_CONFIG_SF_KEY_FILE="$HOME/.ssh/id_ed25519"
export RCLONE_CONFIG_SF_KNOWN_HOSTS_FILE="$HOME/.ssh/known_hosts"

dataset() {  # dataset NAME: made once
  local dir="$DATA/$1"
  [[ -f "$dir.done" ]] && return
  rm -rf "$dir"
  if [[ $1 == small ]]; then python3 "$ROOT/bench/peers/make_datasets.py" small "$dir" --count "$FILES"
  else  # 4 random files of M/4 MiB and a copy of the first with its middle 1/16 rewritten
    python3 - "$dir" "$MIB" <<'PY'
import os, random, sys
root, mib = sys.argv[1], int(sys.argv[2])
os.makedirs(root)
rng = random.Random(1)
size = max(1, mib // 4) << 20
for i in range(4):
    with open(os.path.join(root, f"disk{i}.img"), "wb") as f:
        f.write(rng.randbytes(size))
data = bytearray(open(os.path.join(root, "disk0.img"), "rb").read())
data[size // 2:size // 2 + size // 16] = rng.randbytes(size // 16)
open(os.path.join(root, "disk0-v2.img"), "wb").write(data)
PY
  fi
  touch "$dir.done"
}

CAN_DROP=1
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || CAN_DROP=0; }

# timed SERVER DATASET TOOL STEP cmd...: appends "server dataset tool step seconds" to RESULTS.
timed() {
  local server=$1 ds=$2 tool=$3 step=$4; shift 4
  local log="$WORK/log-$server-$ds-$tool-$step.txt" start end
  start=$(date +%s.%N)
  "$@" >"$log" 2>&1 || { tail -20 "$log" >&2; echo "$tool $server $ds $step failed" >&2; exit 1; }
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\t%s\t%s\n' "$server" "$ds" "$tool" "$step" "$(python3 -c "print(round($end - $start, 2))")" >>"$RESULTS"
  echo "$server $ds $tool $step: $(tail -1 "$RESULTS" | cut -f5)s" >&2
}

repo_url() {  # repo_url TOOL SERVER NAME
  case $1-$2 in
    arbor-s3) echo "s3://bench/$3" ;;
    arbor-sftp) echo "sftp://$SFTP_USER_AT$WORK/sftp/$3" ;;
    arbor-resp) echo "$WORK/resp/$3" ;;  # the served database's storage
    *-local) echo "$WORK/local/$3" ;;
    restic-s3) echo "s3:$RESTIC_S3/bench/$3" ;;
    restic-sftp) echo "sftp:$(id -un)@127.0.0.1:$WORK/sftp/$3" ;;
  esac
}

backup() {  # backup TOOL SERVER REPO-NAME SOURCE
  local url
  url=$(repo_url "$1" "$2" "$3")
  case $1-$2 in
    arbor-resp)  # the server stores into a fresh repository, as a database of its own
      "$ARBOR" -r "$url" init -q >/dev/null
      [[ $(redis-cli -p "$RESP_PORT" DB.CREATE "$3" "$url") == OK ]]
      "$ARBOR" -q backup --remote "resp://127.0.0.1:$RESP_PORT/$3" "$4" ;;
    arbor-*)
      "$ARBOR" -r "$url" init -q >/dev/null
      ARBOR_STORE_STATS=1 "$ARBOR" -r "$url" -q backup --no-index "$4" ;;
    restic-*)
      restic "${RESTIC_TLS[@]}" -r "$url" -o sftp.command="ssh $SSH_OPTS $(id -un)@127.0.0.1 -s sftp" init -q >/dev/null
      restic "${RESTIC_TLS[@]}" -r "$url" -o sftp.command="ssh $SSH_OPTS $(id -un)@127.0.0.1 -s sftp" -q backup "$4" ;;
  esac
}

restore() {  # restore TOOL SERVER REPO-NAME TARGET
  local url
  url=$(repo_url "$1" "$2" "$3")
  case $1-$2 in
    arbor-resp) "$ARBOR" -q restore --remote "resp://127.0.0.1:$RESP_PORT/$3" latest --target "$4" ;;
    arbor-*) "$ARBOR" -r "$url" -q restore latest --target "$4" ;;
    restic-*)
      restic "${RESTIC_TLS[@]}" -r "$url" -o sftp.command="ssh $SSH_OPTS $(id -un)@127.0.0.1 -s sftp" -q \
        restore latest --target "$4" ;;
  esac
}

floor() {  # floor SERVER DATASET: the dataset's bytes as one tar stream, uploaded by rclone
  local dest
  if [[ $1 == local ]]; then  # the same stream written to the same disk, fsync'd
    tar cf - -C "$DATA" "$2" | dd of="$WORK/local/floor-$2.tar" bs=1M conv=fsync status=none
    return
  fi
  [[ $1 == s3 ]] && dest="s3r:bench/floor-$2.tar" || dest="sf:$WORK/sftp/floor-$2.tar"
  # rclone's AWS SDK cannot load a custom CA bundle over its own transport (plain http here).
  tar cf - -C "$DATA" "$2" | env -u AWS_CA_BUNDLE rclone rcat "$dest"
}

mkdir -p "$WORK/sftp" "$WORK/resp" "$WORK/local"
for ds in $DATASETS; do
  dataset "$ds"
  for server in $SERVERS; do
    if [[ $server != resp ]]; then  # no stream to compare with: the RESP server has no plain upload
      drop_caches
      timed "$server" "$ds" floor cold floor "$server" "$ds"
      timed "$server" "$ds" floor warm floor "$server" "$ds"
      rm -f "$WORK/local/floor-$ds.tar" "$WORK/sftp/floor-$ds.tar"  # its size is all it was for
    fi
    for tool in $TOOLS; do
      [[ $server == resp && $tool != arbor ]] && continue  # restic has no RESP client
      drop_caches
      timed "$server" "$ds" "$tool" cold backup "$tool" "$server" "$tool-$ds-cold" "$DATA/$ds"
      timed "$server" "$ds" "$tool" warm backup "$tool" "$server" "$tool-$ds-warm" "$DATA/$ds"
      # Each restore into a folder of its own, deleted only after the dataset: on ext4 files
      # made just after an `rm -rf` of many files pay for the freed inodes (up to ~13x
      # slower restores of small files, see docs/benchmarks.md, "Restores measured after a
      # deletion"), which a restore right after deleting the last one measured.
      target="$WORK/restores/$server-$tool"
      mkdir -p "$target"
      timed "$server" "$ds" "$tool" restore restore "$tool" "$server" "$tool-$ds-warm" "$target"
      restored="$target$DATA/$ds"
      [[ $server == resp ]] && restored="$target"  # one folder is the snapshot's root
      diff -r --no-dereference "$DATA/$ds" "$restored" >/dev/null ||
        { echo "$tool restore of $ds from $server differs" >&2; exit 1; }
      if [[ $tool == arbor ]]; then
        grep -h "^store requests" "$WORK/log-$server-$ds-arbor-warm.txt" |
          sed "s|^|$server\t$ds\t|" >>"$WORK/requests.txt" || true
      fi
      # A 1M-file run keeps ~9 GB per tool and server (a repository and a restore): free it
      # before the next pair (s3rver's objects stay), then wait out the deleted inodes' penalty
      # (up to ~35 s) so the next restore does not pay for it.
      if [[ $server != s3 ]]; then
        rm -rf "$WORK/$server/$tool-$ds-cold" "$WORK/$server/$tool-$ds-warm" "$target"
        [[ $ds == small ]] && sleep 40
      fi
    done
  done
  rm -rf "$WORK/restores"
  [[ $ds == small ]] && sleep 40
done
python3 "$ROOT/bench/stores/report.py" "$RESULTS" "$DATA" "$FILES" "$CAN_DROP" "$WORK/requests.txt" |
  tee "$WORK/results.md"
