#!/usr/bin/env bash
# Installs the system C libraries DepotTwin binds (Lua 5.4, SQLite, libedit) when pkg-config
# cannot find them. As root it runs apt-get; otherwise it prints the exact line to run and stops.
set -euo pipefail
packages="liblua5.4-dev libsqlite3-dev libedit-dev pkg-config"
missing=0
if ! command -v pkg-config >/dev/null 2>&1; then
  missing=1
else
  for module in lua5.4 sqlite3 libedit; do
    pkg-config --exists "$module" || missing=1
  done
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "ensure-deps: swift is not on PATH; install the Swift 6 toolchain from swift.org first." >&2
  exit 1
fi
[ "$missing" = 0 ] && exit 0
apt_line="apt-get install -y $packages"
if [ "$(id -u)" != 0 ]; then
  echo "ensure-deps: missing system libraries. Run as root, then try again:" >&2
  echo "  sudo apt-get update && sudo $apt_line" >&2
  exit 1
fi
echo "ensure-deps: installing $packages" >&2
export DEBIAN_FRONTEND=noninteractive
$apt_line >/dev/null 2>&1 || { apt-get update >/dev/null && $apt_line >/dev/null; }
