# Real storage servers for shell tests and benchmarks, each on a free loopback port with
# its data under $WORK (which the caller owns and removes): Azurite (Azure Blob), s3rver
# (S3) and Debian's OpenSSH sshd (SFTP). Source after setting WORK; call stop_servers in
# the caller's EXIT trap. The npm servers come from tests/js/node_modules (npm ci there).
# A test that kills a server mid-operation restarts it on the same port and data with
# run_azurite / run_s3rver / run_sshd (its pid in AZURITE_PID / S3RVER_PID / SSHD_PID)
# and kills it with kill_server PID [SIGNAL].
SERVERS_JS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../js" && pwd)"
SERVER_PIDS=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_port() {  # wait_port PORT LOG: until something listens on PORT (60 s)
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$2" >&2
  echo "FAIL: no server on port $1 (see $2)" >&2
  exit 1
}

# Azurite on $AZURITE_PORT (data under $WORK/azurite): starts it and waits for it.
run_azurite() {
  mkdir -p "$WORK/azurite"
  "$SERVERS_JS/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" \
    --location "$WORK/azurite" --skipApiVersionCheck --loose --disableTelemetry --silent >>"$WORK/azurite.log" 2>&1 &
  AZURITE_PID=$!
  SERVER_PIDS+=($AZURITE_PID)
  wait_port "$AZURITE_PORT" "$WORK/azurite.log"
}

# Azurite with the well-known development account (its key in AZURITE_KEY); exports
# AZURE_STORAGE_CONNECTION_STRING and makes container $1. Location: azblob://devstoreaccount1/$1[/PREFIX].
start_azurite() {
  AZURITE_PORT=$(free_port)
  run_azurite
  AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;"
  node "$SERVERS_JS/azblob_tool.mjs" mkcontainer "$1" >/dev/null
}

# s3rver on $S3RVER_PORT with bucket $S3RVER_BUCKET (data under $WORK/s3data).
run_s3rver() {
  # --openssl-legacy-provider: s3rver makes continuation tokens with DES.
  node --openssl-legacy-provider "$SERVERS_JS/node_modules/s3rver/bin/s3rver.js" -d "$WORK/s3data" -a 127.0.0.1 \
    -p "$S3RVER_PORT" --configure-bucket "$S3RVER_BUCKET" >>"$WORK/s3rver.log" 2>&1 &
  S3RVER_PID=$!
  SERVER_PIDS+=($S3RVER_PID)
  wait_port "$S3RVER_PORT" "$WORK/s3rver.log"
}

# s3rver with bucket $1; exports the AWS_* credentials s3rver accepts and
# ARBOR_S3_ENDPOINT. Data under $WORK/s3data. Location: s3://$1[/PREFIX].
start_s3rver() {
  S3RVER_PORT=$(free_port)
  S3RVER_BUCKET=$1
  run_s3rver
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
  export ARBOR_S3_ENDPOINT="http://127.0.0.1:$S3RVER_PORT" S3_ENDPOINT_URL="http://127.0.0.1:$S3RVER_PORT"
}

# sshd with a throwaway host key, accepting a fresh user key put in $HOME/.ssh (HOME is
# moved to $WORK/home, and the host key is added to its known_hosts). setup_sshd writes
# the keys and config under SSHD_DIR=$WORK/sshd and exports SFTP_USER_AT
# (USER@127.0.0.1:PORT) and SFTP_PORT; start_sshd also runs it. Location:
# sftp://$SFTP_USER_AT/ABSOLUTE-PATH.
setup_sshd() {
  local d="$WORK/sshd"
  SSHD_DIR=$d
  mkdir -p "$d" /run/sshd "$WORK/home/.ssh"
  chmod 700 "$WORK/home/.ssh"
  export HOME="$WORK/home"
  unset SSH_AUTH_SOCK
  ssh-keygen -q -t ed25519 -N '' -C arbor-test -f "$d/host"
  ssh-keygen -q -t ed25519 -N '' -C arbor-test -f "$HOME/.ssh/id_ed25519"
  cp "$HOME/.ssh/id_ed25519.pub" "$d/authorized_keys"
  SFTP_PORT=$(free_port)
  cat >"$d/sshd_config" <<EOF
Port $SFTP_PORT
ListenAddress 127.0.0.1
HostKey $d/host
AuthorizedKeysFile $d/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
PidFile $d/sshd.pid
MaxStartups 100
EOF
  echo "[127.0.0.1]:$SFTP_PORT $(cut -d' ' -f1,2 "$d/host.pub")" >"$HOME/.ssh/known_hosts"
  export SFTP_PORT SFTP_USER_AT="$(id -un)@127.0.0.1:$SFTP_PORT"
}

# The sshd set up by setup_sshd, started (again) on $SFTP_PORT.
run_sshd() {
  /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" 2>>"$SSHD_DIR/sshd.log" &
  SSHD_PID=$!
  SERVER_PIDS+=($SSHD_PID)
  wait_port "$SFTP_PORT" "$SSHD_DIR/sshd.log"
}

start_sshd() {
  setup_sshd
  run_sshd
}

kill_server() {  # kill_server PID [SIGNAL]: default KILL, as when its machine dies (the wait's 137 is no failure)
  kill "-${2:-KILL}" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

stop_servers() {  # the servers started here, by their own pids (sshd's sessions end with it)
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
}
