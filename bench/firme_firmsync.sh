#!/bin/sh
# firmsync's import of an OD_FIRME file into a fresh SQLite register (indexes included).
# Usage: bench/firme_firmsync.sh OD_FIRME.CSV [WORKDIR]
set -e
work=${2:-bench/out/firme}
mkdir -p "$work" && rm -rf "$work/register" && mkdir "$work/register"
FIRMSYNC_DATA_DIR="$work/register" FIRMSYNC_REGISTER_URL="sqlite:///$(cd "$work/register" && pwd)/registry.sqlite3" \
  "$(dirname "$0")/../.venv/bin/firmsync" registry import "$1" >/dev/null
