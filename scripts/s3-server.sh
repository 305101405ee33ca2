#!/usr/bin/env bash
# A local S3-compatible server (moto, a dev dependency) with one private bucket, for trying the
# portal on object storage and for tests that need a store several processes share (several
# gunicorns behind nginx). moto keeps everything in memory: stopping it loses every file.
#
# Run it:    scripts/s3-server.sh            (port 9000, bucket cil-files; Ctrl-C stops it)
#            S3_PORT=9100 S3_BUCKET=other scripts/s3-server.sh
# Source it: . scripts/s3-server.sh; start_s3_server   (in the background, stopped at exit;
#            sets and exports STORAGE_URL and the AWS_* keys for what the script starts next;
#            S3_LOG names a file for the server's log, /dev/null by default)
#
# The portal then stores its files there with:
#   STORAGE_URL="s3://cil-files?endpoint_url=http://127.0.0.1:9000&region_name=us-east-1"
#   AWS_ACCESS_KEY_ID=local-test AWS_SECRET_ACCESS_KEY=local-test   (moto takes any keys)
S3_HOST=127.0.0.1
S3_PORT=${S3_PORT:-9000}
S3_BUCKET=${S3_BUCKET:-cil-files}
S3_BIN=${S3_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv/bin}

_s3_wait_and_create_bucket() {
  # Waits for the server, then creates the bucket, private (no public ACL), if it is not there.
  "$S3_BIN/python" - "$S3_HOST" "$S3_PORT" "$S3_BUCKET" <<'PY'
import sys, time
import boto3
from botocore.exceptions import ClientError, EndpointConnectionError

host, port, bucket = sys.argv[1], sys.argv[2], sys.argv[3]
client = boto3.client(
    "s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
    aws_access_key_id="local-test", aws_secret_access_key="local-test",  # moto takes any
)
# moto takes a few seconds to import, longer on a busy machine.
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        client.create_bucket(Bucket=bucket, ACL="private")
        break
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            break
        raise
    except EndpointConnectionError:
        time.sleep(0.1)
else:
    sys.exit(f"the S3 server on {host}:{port} did not start")
PY
}

_s3_exports() {
  export STORAGE_URL="s3://$S3_BUCKET?endpoint_url=http://$S3_HOST:$S3_PORT&region_name=us-east-1"
  export AWS_ACCESS_KEY_ID=local-test AWS_SECRET_ACCESS_KEY=local-test
}

start_s3_server() {
  echo "== starting a local S3 server (moto) on $S3_HOST:$S3_PORT, bucket $S3_BUCKET"
  "$S3_BIN/moto_server" -H "$S3_HOST" -p "$S3_PORT" >"${S3_LOG:-/dev/null}" 2>&1 &
  S3_PID=$!
  trap stop_s3_server EXIT
  _s3_wait_and_create_bucket
  _s3_exports
}

stop_s3_server() {
  if [[ -n "${S3_PID:-}" ]]; then
    kill "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
    S3_PID=
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  start_s3_server
  echo "STORAGE_URL=\"$STORAGE_URL\""
  echo "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY"
  echo "(Ctrl-C stops the server and forgets every file)"
  wait "$S3_PID"
fi
