#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/build.sh DIR [release|debug|asan|tsan|fuzz]: configure and build into DIR.
set -euo pipefail
dir=${1:-build}
kind=${2:-release}
case $kind in
release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
debug) args=(-DCMAKE_BUILD_TYPE=Debug) ;;
asan) args=(-DCMAKE_BUILD_TYPE=Debug -DSANITIZE=address) ;;
tsan) args=(-DCMAKE_BUILD_TYPE=Debug -DSANITIZE=thread) ;;
fuzz) export CC=clang; args=(-DCMAKE_BUILD_TYPE=Debug -DSANITIZE=address -DFUZZ=ON) ;;
*) echo "unknown build kind $kind" >&2; exit 2 ;;
esac
cmake -S "$(dirname "$0")/.." -B "$dir" "${args[@]}" >/dev/null
targets=()
[ "$kind" = fuzz ] && targets=(--target fuzz_proto fuzz_profile fuzz_cfg fuzz_packet fuzz_proxy fuzz_control fuzz_sewire fuzz_login)
cmake --build "$dir" -j"$(nproc)" "${targets[@]}"
