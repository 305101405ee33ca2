#!/usr/bin/env bash
# `make cluster-test`: the portal as docs/deployment.md deploys it on several app servers, on this
# one machine, with the guide's own files and commands:
#   - a throwaway PostgreSQL 15 (the guide's step 2 makes a database the same way);
#   - the local S3 server (scripts/s3-server.sh) with a private bucket, for the guide's object
#     storage: STORAGE_URL and the AWS_* keys;
#   - the environment file rendered from deploy/cil.env.example (only the site's values
#     changed), read as systemd reads EnvironmentFile= and given to every process with nothing
#     else from this shell (env -i), as systemd does;
#   - the guide's step 5 commands (check --deploy, migrate, createcachetable, collectstatic,
#     vc_create_key), run as its cil-manage helper runs them;
#   - two gunicorn instances started with cil-web.service's ExecStart= and two workers with
#     cil-worker.service's, from the units' WorkingDirectory= (this checkout);
#   - nginx with deploy/nginx/cil.conf, only the lines marked "site:" changed;
# then the tests in tests/cluster/, through nginx. Everything lives in one temporary folder and
# is stopped and removed on exit, whatever happens; on failure every log is printed (its last
# lines) and kept in test-artifacts/cluster/.
#
# Step 3 of the guide (the release) is this checkout: `make cluster-test` first runs
# `make dev-setup`, which installs requirements-dev.txt (requirements.txt and the test tools)
# into .venv, runs `make assets` and compiles the messages with the guide's command.
#
# Arguments go to pytest (`make cluster-test CLUSTER_ARGS="-k lockout"`).
# CLUSTER_TIMEOUT (seconds, default 1200) bounds the tests' run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
NGINX=/usr/sbin/nginx
ARTIFACTS=$ROOT/test-artifacts/cluster
[[ -x $NGINX ]] || scripts/system-deps.sh cluster

WORK=$(mktemp -d /tmp/cil-cluster.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/home"
pids=()
names=()

# --- Stopping everything, whatever happens ------------------------------------------------------
stop_cluster() {
  local status=$?
  trap - EXIT INT TERM
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # gunicorn and the workers finish what they are doing on TERM; nothing should be running.
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 ]]; then
    [[ -n ${PG_DIR:-} && -f $PG_DIR/log ]] && cp "$PG_DIR/log" "$WORK/postgresql.log"
    rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"
    for log in "$WORK"/*.log; do
      [[ -f $log ]] || continue
      echo "== $(basename "$log") (last lines)"
      tail -n 40 "$log"
      cp "$log" "$ARTIFACTS/"
    done
    echo "== cluster-test failed (status $status); the logs are in $ARTIFACTS" >&2
  fi
  declare -F stop_s3_server >/dev/null && stop_s3_server
  declare -F stop_throwaway_pg >/dev/null && [[ -n ${PG_DIR:-} ]] && stop_throwaway_pg
  rm -rf "$WORK"
  exit "$status"
}
# The helpers sourced below set EXIT traps of their own; this one stops them too.
take_exit() { trap stop_cluster EXIT; }
take_exit
trap 'exit 130' INT
trap 'exit 143' TERM

# Four distinct free ports at once (all held open while chosen, so they differ).
read -r WEB1 WEB2 PROXY S3_PORT < <("$BIN/python" -c '
import socket
held = [socket.socket() for _ in range(4)]
for s in held:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in held))')

# --- PostgreSQL, and the S3 server ----------------------------------------------------------------
# shellcheck source=scripts/throwaway-pg.sh
source scripts/throwaway-pg.sh
start_throwaway_pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off
take_exit
# Step 2 of the guide: `createdb --owner cil cil`; here the superuser owns it (trust, socket).
"${as_pg[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -U postgres cil

S3_BUCKET=cil-files S3_LOG=$WORK/s3.log
# shellcheck source=scripts/s3-server.sh
source scripts/s3-server.sh
start_s3_server # exports STORAGE_URL and the AWS_* keys for the environment file below
take_exit
# Ours answered (not some other S3 server that took the port first).
kill -0 "$S3_PID"

# --- The environment file: deploy/cil.env.example with this site's values ------------------------
# Each value below replaces the example's line for it (commented out or not); a name the example
# lacks stops the test, so the example and this script cannot drift apart.
SECRET=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
mkdir -p "$WORK/media" "$WORK/static" "$WORK/vc-keys"
site=(
  "DJANGO_SECRET_KEY=$SECRET"
  "SITE_URL=http://127.0.0.1:$PROXY"
  "DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost"
  "DATABASE_URL=postgres://postgres@/cil?host=$PG_DIR"
  # Plain HTTP on 127.0.0.1: TLS is the site's nginx's (the guide's step 7), not tested here.
  "DJANGO_SECURE_SSL_REDIRECT=false"
  "DJANGO_SECURE_COOKIES=false"
  "DJANGO_HSTS_SECONDS=0"
  # Two small app servers on a machine of two cores.
  "GUNICORN_WORKERS=2"
  "GUNICORN_THREADS=2"
  "STATIC_ROOT=$WORK/static"
  # Unused with object storage; the tests check that nothing is written here.
  "MEDIA_ROOT=$WORK/media"
  "STORAGE_URL=$STORAGE_URL"
  "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID"
  "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY"
  # No mail server here: mail is accepted and dropped.
  "EMAIL_URL=dummymail://"
  "CIL_VC_KEYS_DIR=$WORK/vc-keys"
  # The tests sign staff in without a second factor (it has its own tests in the main suite).
  "CIL_MFA_REQUIRED_FOR_STAFF=false"
)
# What the TLS lines above change; the deploy check runs without them (see below).
PLAIN_HTTP='^(DJANGO_SECURE_SSL_REDIRECT|DJANGO_SECURE_COOKIES|DJANGO_HSTS_SECONDS)='

"$BIN/python" - deploy/cil.env.example "$WORK/cil.env" "${site[@]}" <<'PY'
import re, sys

example, target, *pairs = sys.argv[1:]
values = dict(pair.split("=", 1) for pair in pairs)
lines, used = [], set()
for line in open(example, encoding="utf-8").read().splitlines():
    match = re.match(r"^#?([A-Z][A-Z0-9_]*)=", line)
    if match and match[1] in values:
        if match[1] in used:
            sys.exit(f"deploy/cil.env.example has two lines for {match[1]}")
        used.add(match[1])
        line = f"{match[1]}={values[match[1]]}"
    lines.append(line)
if missing := sorted(set(values) - used):
    sys.exit(f"deploy/cil.env.example has no line for {', '.join(missing)}")
with open(target, "w", encoding="utf-8") as out:
    out.write("\n".join(lines) + "\n")
PY
chmod 0640 "$WORK/cil.env"

# The file as systemd reads EnvironmentFile=: NAME=value lines, the rest of the line the value.
env_file=()
while IFS= read -r line; do
  [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] && env_file+=("$line")
done <"$WORK/cil.env"
# systemd starts a service with a bare environment: PATH, LANG, HOME (the cil user's), and the
# file. Nothing of this shell's (a developer's DJANGO_DEBUG, CACHE_URL, TASKS_BACKEND) leaks in.
base_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "HOME=$WORK/home")
as_service() { env -i "${base_env[@]}" "${env_file[@]}" "$@"; }

# --- The guide's step 5, as cil-manage runs it ----------------------------------------------------
echo "== check --deploy, migrate, createcachetable, collectstatic, vc_create_key"
# The deploy check sees the site's settings with TLS (the defaults), as a real site has them;
# only this test's transport is plain HTTP.
tls_env=()
for line in "${env_file[@]}"; do [[ $line =~ $PLAIN_HTTP ]] || tls_env+=("$line"); done
env -i "${base_env[@]}" "${tls_env[@]}" "$BIN/python" manage.py check --deploy --fail-level WARNING
as_service "$BIN/python" manage.py migrate --noinput -v 0
as_service "$BIN/python" manage.py createcachetable
as_service "$BIN/python" manage.py collectstatic --noinput -v 0
as_service "$BIN/python" manage.py vc_create_key >/dev/null
# (The guide's createsuperuser is interactive; the tests make their own users.)

# --- The units ------------------------------------------------------------------------------------
# Their ExecStart= and WorkingDirectory=, with the release folder (/srv/cil/current) being this
# checkout; their EnvironmentFile= must be the guide's /etc/cil/cil.env (here $WORK/cil.env).
unit_field() { sed -n "s/^$2=//p" "deploy/systemd/$1" | sed "s#/srv/cil/current#$ROOT#g"; }
for unit in cil-web.service cil-worker.service; do
  if [[ $(unit_field $unit EnvironmentFile) != /etc/cil/cil.env || $(unit_field $unit WorkingDirectory) != "$ROOT" ]]; then
    echo "deploy/systemd/$unit: EnvironmentFile= or WorkingDirectory= is not what this script assumes" >&2
    exit 1
  fi
done
read -r -a web_command <<<"$(unit_field cil-web.service ExecStart)"
read -r -a worker_command <<<"$(unit_field cil-worker.service ExecStart)"

start() { # start NAME COMMAND...: in the background, its output in $WORK/NAME.log
  local name=$1
  shift
  # exec: the background job becomes the server itself, so $! is its pid and stopping the
  # cluster stops it (a function run with & is a subshell that would be stopped instead,
  # leaving the server running).
  (exec env -i "${base_env[@]}" "${env_file[@]}" "$@") >"$WORK/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}
echo "== two app servers on :$WEB1 and :$WEB2, two workers, S3 on :$S3_PORT"
# Each app server's file differs only in GUNICORN_BIND and CIL_INSTANCE_NAME (the guide's
# "Several app servers"); later values win in env.
start web1 env GUNICORN_BIND=127.0.0.1:$WEB1 CIL_INSTANCE_NAME=web1 "${web_command[@]}"
start web2 env GUNICORN_BIND=127.0.0.1:$WEB2 CIL_INSTANCE_NAME=web2 "${web_command[@]}"
start worker1 "${worker_command[@]}"
start worker2 "${worker_command[@]}"

# --- nginx ----------------------------------------------------------------------------------------
echo "== nginx on :$PROXY"
# The shipped file must pass nginx -t as it is, and again as the test renders it.
cat >"$WORK/nginx-shipped.conf" <<EOF
pid $WORK/nginx-shipped.pid;
error_log stderr;
events {}
http { include /etc/nginx/mime.types; include $ROOT/deploy/nginx/cil.conf; }
EOF
"$NGINX" -q -t -c "$WORK/nginx-shipped.conf"
sed -e "s#127\.0\.0\.1:8001 \(.*\);  \# site: app server#127.0.0.1:$WEB1 \1;#" \
  -e "s#127\.0\.0\.1:8002 \(.*\);  \# site: app server#127.0.0.1:$WEB2 \1;#" \
  -e "s#^\( *\)listen 80;  \# site: listen#\1listen 127.0.0.1:$PROXY;#" \
  -e "/listen \[::\]:80;  # site: listen/d" \
  -e "s#/srv/cil/static/;  \# site: STATIC_ROOT#$WORK/static/;#" \
  -e "s#/var/log/nginx/cil\.\([a-z]*\)\.log\(.*\);  \# site: log#$WORK/nginx-\1.log\2;#" \
  deploy/nginx/cil.conf >"$WORK/cil.conf"
if grep -n "# site:" "$WORK/cil.conf"; then
  echo "deploy/nginx/cil.conf: the lines above no longer match what this script renders" >&2
  exit 1
fi
mkdir -p "$WORK/nginx-temp"
# The guide puts the site into Debian's /etc/nginx/nginx.conf (sites-enabled/); that file and
# its pid, logs and temporary folders belong to the system's nginx, so this one has its own
# main file around the same site, with everything else in $WORK.
# As root, nginx's workers would run as www-data, which may not read this folder's files.
as_user=""
if [[ $(id -u) -eq 0 ]]; then as_user="user root;"; fi
cat >"$WORK/nginx.conf" <<EOF
$as_user
pid $WORK/nginx.pid;
error_log $WORK/nginx-main.log warn;
events {}
http {
  include /etc/nginx/mime.types;
  client_body_temp_path $WORK/nginx-temp/body;
  proxy_temp_path $WORK/nginx-temp/proxy;
  fastcgi_temp_path $WORK/nginx-temp/fastcgi;
  uwsgi_temp_path $WORK/nginx-temp/uwsgi;
  scgi_temp_path $WORK/nginx-temp/scgi;
  include $WORK/cil.conf;
}
EOF
"$NGINX" -q -t -c "$WORK/nginx.conf"
"$NGINX" -c "$WORK/nginx.conf"

# --- Ready: each app server and nginx answer /healthz (the workers need no port) -----------------
wait_for() { # wait_for URL SECONDS
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    for i in "${!pids[@]}"; do
      if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        echo "${names[$i]} stopped before the cluster was ready (log below)" >&2
        exit 1
      fi
    done
    if "$BIN/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "$1 did not answer within $2 s" >&2
  exit 1
}
for url in "http://127.0.0.1:$WEB1/healthz" "http://127.0.0.1:$WEB2/healthz" "http://127.0.0.1:$PROXY/healthz"; do
  wait_for "$url" 120
done

# --- The tests ------------------------------------------------------------------------------------
echo "== pytest tests/cluster through http://127.0.0.1:$PROXY"
# The tests use the cluster's database and bucket directly for their set-up and checks: they get
# the same file (with this shell's PATH and HOME, for Chromium). CLUSTER_TIMEOUT bounds them
# (--foreground: Ctrl-C still reaches pytest).
passed=("PATH=$PATH" "HOME=${HOME:-$WORK/home}" LANG=C.UTF-8)
for name in TMPDIR CHROMIUM_PATH; do [[ -n ${!name:-} ]] && passed+=("$name=${!name}"); done
env -i "${passed[@]}" "${env_file[@]}" \
  CIL_CLUSTER_URL="http://127.0.0.1:$PROXY" \
  timeout --foreground --kill-after=30 "${CLUSTER_TIMEOUT:-1200}" \
  "$BIN/python" -m pytest -p no:cacheprovider tests/cluster "$@"
