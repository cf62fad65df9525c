#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, as README command (2) and .ci/run run it: installs
# dependencies, runs the linters (scripts/lint.sh: clang-format, cppcheck,
# clang-tidy, checkpatch on kmod/, the include graph), then builds and runs
# tests/run three times: a Release build,
# an ASan+UBSan build and a TSan build; then the libFuzzer targets, time-boxed
# (FUZZ_SECONDS each, default 60); then tests/kmod/run (vpnlan.ko built per
# Debian kernel ABI and tested under qemu); then tests/system (the .debs
# installed and driven with systemctl in a Debian 12 qemu guest with systemd
# as PID 1).  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces, TAP devices)" >&2; exit 2; }
scripts/install-deps.sh || exit 1
total_pass=0
total_fail=0
failures=$(mktemp)
# note SECTION OUTPUT: keeps OUTPUT's failed checks for the summary at the end.
note() {
	grep "^not ok - " <<<"$2" | sed "s/^not ok - /not ok - [$1] /" >>"$failures"
}
# The system test's guest root file system (debootstrap: mostly downloads and
# unpacking, about 8 minutes when not cached) is built meanwhile.
mkdir -p build-test-system
tests/system/mkroot.sh build-test-system >build-test-system/mkroot.out 2>&1 &
mkroot_pid=$!
echo "=== lint"
section=lint
out=$(scripts/lint.sh build-test-lint 2>&1)
echo "$out"
note "${section:-}" "$out"
total_pass=$((total_pass + $(grep -c '^ok - ' <<<"$out")))
total_fail=$((total_fail + $(grep -c '^not ok - ' <<<"$out")))
for kind in release asan tsan; do
	dir=build-test-$kind
	echo "=== $kind build"
	if ! scripts/build.sh "$dir" "$kind"; then
		echo "not ok - $kind build failed"
		echo "not ok - [$kind] build failed" >>"$failures"
		total_fail=$((total_fail + 1))
		continue
	fi
	log=$(mktemp)
	tests/run "$dir" 2>&1 | tee "$log"
	read -r p _ f _ <<<"$(tail -n 1 "$log")"
	sed -n '/^== failed in /,$p' "$log" | grep "^not ok - " | sed "s/^not ok - /not ok - [$kind] /" >>"$failures"
	rm -f "$log"
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-1}))
done
echo "=== fuzz targets (${FUZZ_SECONDS:-60} s each)"
section=fuzz
if scripts/build.sh build-test-fuzz fuzz; then
	out=$(tests/fuzz/run build-test-fuzz "${FUZZ_SECONDS:-60}")
	echo "$out"
	note fuzz "$out"
	total_pass=$((total_pass + $(grep -c '^ok - ' <<<"$out")))
	total_fail=$((total_fail + $(grep -c '^not ok - ' <<<"$out")))
else
	echo "not ok - fuzz build failed"
	echo "not ok - [fuzz] build failed" >>"$failures"
	total_fail=$((total_fail + 1))
fi
echo "=== vpnlan.ko: module builds and qemu (TCG) guest tests"
section=kmod
out=$(VPN_BUILD=build-test-release tests/kmod/run build-test-kmod 2>&1)
echo "$out"
note "${section:-}" "$out"
total_pass=$((total_pass + $(grep -c '^ok - ' <<<"$out")))
total_fail=$((total_fail + $(grep -c '^not ok - ' <<<"$out")))
echo "=== Debian packages under a real systemd (tests/system, qemu TCG guest)"
section=system
wait "$mkroot_pid" || cat build-test-system/mkroot.out
out=$(tests/system/run build-test-system 2>&1)
echo "$out"
note "${section:-}" "$out"
total_pass=$((total_pass + $(grep -c '^ok - ' <<<"$out")))
total_fail=$((total_fail + $(grep -c '^not ok - ' <<<"$out")))
if [ -s "$failures" ]; then
	echo "=== failed checks, all sections"
	cat "$failures"
fi
rm -f "$failures"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
