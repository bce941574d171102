#!/bin/sh
# Baseline: the sqlite3 shell's .import of an OD_FIRME file into a bare table (fresh file).
# Usage: bench/firme_sqlite3.sh OD_FIRME.CSV [WORKDIR]
set -e
work=${2:-bench/out/firme}
mkdir -p "$work" && rm -f "$work/baseline.sqlite3"
sqlite3 "$work/baseline.sqlite3" ".mode ascii" ".separator ^ \n" ".import $1 t" 2>/dev/null
