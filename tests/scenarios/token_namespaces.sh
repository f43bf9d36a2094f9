#!/usr/bin/env bash
# Repository commands with an API token (ARBOR_TOKEN) reach a namespace through the
# catalog. Two tenants, each with a share and a snapshot in one repository folder:
# tenant A's token cannot snapshots/ls/restore/verify/forget (nor any other repository
# command) tenant B's namespace, by name or by id, and gets exactly the message a name or
# id that does not exist gets (exit 15); it reaches its own by name or id. An operator
# token reaches both; a revoked or wrong token is refused (exit 16). Without a token,
# --tenant/--share name the folder's namespaces as before.
source "$(dirname "$0")/lib.sh"
export ARBOR_CATALOG="$WORK/catalog.db"
REPO="$WORK/repo"
unset ARBOR_REPO  # with a token the share's repository comes from the catalog

ids() { python3 -c "import json,sys; [print(x['$1']) for x in json.load(sys.stdin)]"; }
json_id() { python3 -c "import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])['id'])"; }

step "operator: tenants acme and globex, a share 'docs' in each, a snapshot of each"
# The jobs make encrypted namespaces with each tenant's repository password (here the
# scenario password, so the repository commands below open them).
export ARBOR_CATALOG_KEY=$(openssl rand -hex 32)
for t in acme globex; do
  "$ARBOR" tenant add "$t" >/dev/null
  "$ARBOR" tenant set-password "$t" --kdf-memory 1 --kdf-iterations 1 >/dev/null
done
TENANT_A=$("$ARBOR" tenant list --json | python3 -c "import json,sys; print([t['id'] for t in json.load(sys.stdin) if t['name']=='acme'][0])")
TENANT_B=$("$ARBOR" tenant list --json | python3 -c "import json,sys; print([t['id'] for t in json.load(sys.stdin) if t['name']=='globex'][0])")
mkdir -p "$WORK/acme" "$WORK/globex"
echo "acme secret" >"$WORK/acme/a.txt"
echo "globex secret" >"$WORK/globex/b.txt"
SA=$("$ARBOR" -r "$REPO" share add docs --tenant acme --path "$WORK/acme" --json | json_id)
SB=$("$ARBOR" -r "$REPO" share add docs --tenant globex --path "$WORK/globex" --json | json_id)
TA=$("$ARBOR" token create --tenant acme)
TB=$("$ARBOR" token create --tenant globex)
TOP=$("$ARBOR" token create --operator)
ARBOR_TOKEN=$TA "$ARBOR" job submit backup --share docs --run >/dev/null
ARBOR_TOKEN=$TB "$ARBOR" job submit backup --share docs --run >/dev/null
[[ -d "$REPO/$TENANT_A/$SA" && -d "$REPO/$TENANT_B/$SB" ]] || fail "namespaces are {tenant id}/{share id}"

# The repository commands, each with NS (namespace options) before the subcommand.
# run CMD NS...: one command; the restore target is $WORK/out-CMD-<n>.
N=0
run() {
  local cmd=$1
  shift
  N=$((N + 1))
  case $cmd in
    snapshots) "$ARBOR" "$@" snapshots ;;
    ls) "$ARBOR" "$@" ls latest ;;
    restore) "$ARBOR" "$@" restore latest --target "$WORK/out-$N" ;;
    verify) "$ARBOR" "$@" verify --read-data ;;
    forget) "$ARBOR" "$@" forget --keep-last 1 ;;
    prune) "$ARBOR" "$@" prune ;;
    diff) "$ARBOR" "$@" diff latest latest ;;
    stats) "$ARBOR" "$@" stats ;;
    find) "$ARBOR" "$@" find '*.txt' ;;
    du) "$ARBOR" "$@" du ;;
    changes) "$ARBOR" "$@" changes latest latest ;;
    dupes) "$ARBOR" "$@" dupes ;;
    backup) "$ARBOR" "$@" backup -q "$WORK/acme" ;;
    init) "$ARBOR" "$@" init ;;
  esac
}
REFUSED_COMMANDS="snapshots ls restore verify forget prune diff stats find du changes dupes backup init"
OWN_COMMANDS="snapshots ls restore verify forget prune diff stats find du changes dupes"

# expect_refused NS...: every command fails with 15 and the one message, with the names
# and ids given replaced by NAME; returns that message in $REFUSAL.
expect_refused() {
  local c msg
  for c in $REFUSED_COMMANDS; do
    expect_exit 15 run "$c" "$@"
    expect_stderr "not found for this API token"
    [[ ! -e "$WORK/out-$N" ]] || fail "$c $*: restored into $WORK/out-$N"
    msg=$(sed -e "s/$SB/NAME/g; s/$TENANT_B/NAME/g; s/$TENANT_A/NAME/g; s/$SA/NAME/g; s/0123456789abcdef/NAME/g" \
      -e "s/globex/NAME/g; s/acme/NAME/g; s/nosuch/NAME/g; s/docs/NAME/g; s/ of tenant NAME//" "$WORK/last.err")
    [[ -z ${REFUSAL:-} || $msg == "$REFUSAL" ]] || fail "$c $*: message '$msg' differs from '$REFUSAL'"
    REFUSAL=$msg
  done
}

# expect_own FILE SECRET NS...: every command works on the namespace, which holds FILE
# (containing SECRET) and nothing of the other tenant's.
expect_own() {
  local file=$1 secret=$2 c
  shift 2
  for c in $OWN_COMMANDS; do
    expect_exit 0 run "$c" "$@"
  done
  expect_exit 0 run ls "$@"
  grep -q "/$file\$" "$WORK/last.out" || { cat "$WORK/last.out"; fail "ls $*: $file missing"; }
  expect_exit 0 run restore "$@"
  [[ $(grep -rh "secret" "$WORK/out-$N") == "$secret" ]] || fail "restore $*: not just '$secret'"
  expect_exit 0 run find "$@"
  [[ $(head -1 "$WORK/last.out") == */$file ]] || fail "find $*: $(cat "$WORK/last.out")"
}

step "tenant A's token: its own share, by name or id, with or without --tenant (name or id)"
export ARBOR_TOKEN=$TA
expect_own a.txt "acme secret" --share docs
expect_own a.txt "acme secret" --share "$SA"
expect_own a.txt "acme secret" --tenant acme --share docs
expect_own a.txt "acme secret" --tenant "$TENANT_A" --share "$SA"
expect_own a.txt "acme secret" -r "$REPO" --share docs

step "tenant A's token: B's namespace by id or name is refused like one that does not exist"
REFUSAL=""
expect_refused --tenant "$TENANT_B" --share "$SB"   # the ids that open B's files without a token
expect_refused --share "$SB"
expect_refused -r "$REPO" --tenant "$TENANT_B" --share "$SB"
expect_refused --tenant globex --share docs
expect_refused --tenant globex --share "$SB"
expect_refused --tenant "$TENANT_A" --share "$SB"
expect_refused --tenant acme --share "$SB"
expect_refused --share 0123456789abcdef                    # does not exist
expect_refused --tenant nosuch --share docs                # does not exist
expect_refused --tenant 0123456789abcdef --share 0123456789abcdef
step "the one refusal: '$REFUSAL'"
expect_exit 1 run snapshots
expect_stderr "with an API token, name the share: --share"
[[ $(ls "$REPO") == "$(printf '%s\n' "$TENANT_A" "$TENANT_B" | sort)" ]] || fail "a refused command wrote to the repository"

step "a revoked or wrong token is refused (exit 16)"
TA2=$(unset ARBOR_TOKEN; "$ARBOR" token create --tenant acme --name second)
TA2_ID=$(unset ARBOR_TOKEN; "$ARBOR" token list --json | python3 -c "import json,sys; print([t['id'] for t in json.load(sys.stdin) if t['name']=='second'][0])")
(unset ARBOR_TOKEN; "$ARBOR" token revoke "$TA2_ID" >/dev/null)
for tok in "$TA2" "arbor_$(printf '0%.0s' {1..64})" "not-a-token"; do
  export ARBOR_TOKEN=$tok
  for c in snapshots restore verify; do
    expect_exit 16 run "$c" --share docs
    expect_stderr "invalid or revoked API token"
  done
done

step "tenant B's token: its own, not A's"
export ARBOR_TOKEN=$TB
expect_own b.txt "globex secret" --share docs
REFUSAL=""
expect_refused --share "$SA"
expect_refused --tenant "$TENANT_A" --share "$SA"

step "an operator token reaches both tenants' shares, by id or by tenant and name"
export ARBOR_TOKEN=$TOP
expect_own a.txt "acme secret" --share "$SA"
expect_own a.txt "acme secret" --tenant acme --share docs
expect_own b.txt "globex secret" --tenant "$TENANT_B" --share "$SB"
expect_exit 1 run snapshots --share docs
expect_stderr "exists in several tenants"

step "no token: the folder's namespaces by their names, as before"
unset ARBOR_TOKEN
"$ARBOR" -r "$REPO" --tenant "$TENANT_B" --share "$SB" ls latest | grep -q b.txt || fail "no-token ls"
expect_exit 10 "$ARBOR" -r "$REPO" snapshots   # default/default was never created
echo "PASS"
