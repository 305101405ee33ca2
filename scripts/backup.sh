#!/usr/bin/env bash
# Back up the portal into a folder: the database (pg_dump, custom format) and the file store
# (manage.py export_files: a tar made through Django's storage API, so the same command serves
# a local folder and S3). See docs/deployment.md, "Backups and restore".
#
#   scripts/backup.sh /var/backups/cil/2026-11-30
#
# Reads the portal's own environment (DATABASE_URL, MEDIA_ROOT or the S3 settings). The
# database is dumped first: a file written after the dump is an unused extra in the archive,
# while a row written after the file copy would point at a file it lacks.
set -euo pipefail

dest=${1:?usage: scripts/backup.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must be set (a postgres:// address pg_dump understands)}"
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
# pg_dump must be at least the server's version; PG_BIN picks one (/usr/lib/postgresql/15/bin).
pg_dump=${PG_BIN:+$PG_BIN/}pg_dump

mkdir -p "$dest"
umask 077  # the backup holds every student's files and the whole database
"$pg_dump" --format=custom --no-owner --no-privileges --file "$dest/database.dump" "$DATABASE_URL"
"$python" "$here/manage.py" export_files "$dest/files.tar"
(cd "$dest" && sha256sum database.dump files.tar > SHA256SUMS)
echo "Backup written to $dest"
