#!/usr/bin/env bash
# `make cluster-test`: the portal as deployed on several app servers, on this one machine.
# A throwaway PostgreSQL 15, two gunicorn instances started with cil-web.service's command
# line, two workers with cil-worker.service's, nginx in front with deploy/nginx/cil.conf (only
# the addresses and paths marked "site:" changed), then the tests in tests/cluster/ through
# nginx. Everything lives in one temporary folder and is stopped and removed on exit.
#
# The cluster runs with CIL_MFA_REQUIRED_FOR_STAFF=false: its tests sign in staff without a
# second factor (the second factor has its own tests in the main suite).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
NGINX=/usr/sbin/nginx

# shellcheck source=scripts/throwaway-pg.sh
source scripts/throwaway-pg.sh
start_throwaway_pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off
"${as_pg[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -U postgres cil

WORK=$(mktemp -d /tmp/cil-cluster.XXXXXX)
chmod 755 "$WORK"
pids=()
stop_cluster() {
  local status=$?
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 ]]; then
    for log in "$WORK"/*.log; do echo "== $log (last lines)"; tail -n 30 "$log"; done
  fi
  rm -rf "$WORK"
  stop_throwaway_pg
}
trap stop_cluster EXIT

free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
WEB1=$(free_port) WEB2=$(free_port) PROXY=$(free_port)

# The settings every instance shares, as /etc/cil/cil.env would hold them.
mkdir -p "$WORK/media" "$WORK/static" "$WORK/vc-keys"
export DATABASE_URL="postgres://postgres@/cil?host=$PG_DIR"
export DJANGO_SECRET_KEY="cluster-test-only-$(free_port)-$RANDOM$RANDOM"
export SITE_URL="http://127.0.0.1:$PROXY"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_BEHIND_PROXY=true DJANGO_TRUSTED_PROXY_COUNT=1
# Plain HTTP on localhost (TLS is the site's nginx's).
export DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_HSTS_SECONDS=0
export MEDIA_ROOT=$WORK/media STATIC_ROOT=$WORK/static CIL_VC_KEYS_DIR=$WORK/vc-keys
export EMAIL_URL=dummymail:// CIL_MFA_REQUIRED_FOR_STAFF=false
export GUNICORN_WORKERS=2 GUNICORN_THREADS=2
unset TASKS_BACKEND CACHE_URL

echo "== migrate, createcachetable, collectstatic, vc_create_key"
"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py createcachetable
"$BIN/python" manage.py collectstatic --noinput -v 0
"$BIN/python" manage.py vc_create_key >/dev/null

# The units' own command lines, with the release folder (/srv/cil/current) being this checkout.
unit_command() { sed -n 's/^ExecStart=//p' "deploy/systemd/$1" | sed "s#/srv/cil/current#$ROOT#g"; }
read -r -a web_command <<<"$(unit_command cil-web.service)"
read -r -a worker_command <<<"$(unit_command cil-worker.service)"

echo "== two app servers on :$WEB1 and :$WEB2, two workers"
for n in 1 2; do
  port_var=WEB$n
  CIL_INSTANCE_NAME=web$n GUNICORN_BIND=127.0.0.1:${!port_var} "${web_command[@]}" \
    >"$WORK/web$n.log" 2>&1 &
  pids+=($!)
  "${worker_command[@]}" >"$WORK/worker$n.log" 2>&1 &
  pids+=($!)
done

echo "== nginx on :$PROXY"
[[ -x $NGINX ]] || scripts/system-deps.sh cluster
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

# Ready when each app server and nginx answer /healthz (the workers need no port).
for url in "http://127.0.0.1:$WEB1/healthz" "http://127.0.0.1:$WEB2/healthz" "$SITE_URL/healthz"; do
  for _ in $(seq 120); do
    if "$BIN/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" "$url" 2>/dev/null; then
      continue 2
    fi
    sleep 0.5
  done
  echo "$url did not answer within a minute" >&2
  exit 1
done

echo "== pytest tests/cluster through $SITE_URL"
CIL_CLUSTER_URL=$SITE_URL "$BIN/python" -m pytest -p no:cacheprovider tests/cluster "$@"
