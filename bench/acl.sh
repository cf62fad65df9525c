#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/acl.sh [BUILD_DIR]: per-frame cost of the access list (10 and 5,000
# entries, a frame matching none and one matching only the last entry) and of
# the packet parser, from bench_acl in BUILD_DIR (default build; a Release
# build gives the meaningful numbers).  Prints "case  ns/frame" lines; no root.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [ ! -x "$build/bench_acl" ]; then
	echo "no $build/bench_acl: cmake --build $build --target bench_acl" >&2
	exit 1
fi
echo "# $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $build"
"$build/bench_acl"
