#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an EMPTY file store,
# then check every stored file against the database (manage.py check_integrity).
#
#   createdb cil_restored
#   DATABASE_URL=postgres://.../cil_restored MEDIA_ROOT=/srv/cil/media-restored \
#       scripts/restore.sh /var/backups/cil/2026-11-30
#
# Reads the portal's own environment (DATABASE_URL, MEDIA_ROOT or the S3 settings); the
# database must exist and be empty. See docs/deployment.md, "Backups and restore".
set -euo pipefail

src=${1:?usage: scripts/restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must be set (a postgres:// address pg_restore understands)}"
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
pg_restore=${PG_BIN:+$PG_BIN/}pg_restore

(cd "$src" && sha256sum --check --quiet SHA256SUMS)
"$pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname "$DATABASE_URL" "$src/database.dump"
"$python" "$here/manage.py" import_files "$src/files.tar"
# Any migration the restored code has and the backup had not.
"$python" "$here/manage.py" migrate --noinput
"$python" "$here/manage.py" check_integrity
echo "Restored from $src"
