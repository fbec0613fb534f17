#!/bin/sh
# One backup of Tandem's SQLite store into BACKUP_DIR as tandem-<UTC time>.sqlite, then only the newest
# BACKUP_KEEP backups are kept. Run by tandem-backup.service; by hand: DATA_DIR=… BACKUP_DIR=… deploy/tandem-backup.sh
# A backup is written under a temporary name and renamed once complete, so a crash never leaves a
# partial file among the backups (nor counts one toward BACKUP_KEEP).
set -eu

: "${DATA_DIR:?DATA_DIR must name the data directory}"
: "${BACKUP_DIR:?BACKUP_DIR must name where backups go}"
KEEP="${BACKUP_KEEP:-14}"
TANDEM="${TANDEM:-/opt/tandem/apps/sync-server/dist/main.js}"
NODE="${NODE:-node}"

case "$KEEP" in
  ''|*[!0-9]*) echo "tandem-backup: BACKUP_KEEP must be a whole number, not \"$KEEP\"" >&2; exit 2 ;;
esac
[ "$KEEP" -ge 1 ] || { echo "tandem-backup: BACKUP_KEEP must be at least 1" >&2; exit 2; }

mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$BACKUP_DIR/tandem-$stamp.sqlite"
partial="$BACKUP_DIR/.tandem-$stamp.sqlite.partial"
trap 'rm -f "$partial"' EXIT
"$NODE" "$TANDEM" backup --data-dir "$DATA_DIR" "$partial"
mv "$partial" "$final"
trap - EXIT
echo "tandem-backup: wrote $final"

# Rotation: names sort by time; everything older than the newest KEEP goes.
ls -1 "$BACKUP_DIR" | grep -E '^tandem-[0-9]{8}T[0-9]{6}Z\.sqlite$' | sort -r | tail -n +"$((KEEP + 1))" | while read -r old; do
  rm -f "$BACKUP_DIR/$old"
  echo "tandem-backup: removed $BACKUP_DIR/$old"
done
