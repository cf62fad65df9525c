#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The linters, as tests/run-all.sh (and so .ci/run) runs them: clang-format
# on every C file (kmod/ with its kernel-style .clang-format), cppcheck and
# clang-tidy (.cppcheck-suppressions, .clang-tidy: zero findings), the
# kernel's checkpatch.pl --strict on kmod/ (from Debian's linux-source-6.1),
# the include graph's rules (scripts/lint-includes.py) and the atomics'
# named pairs (scripts/lint-atomics.py).  Prints
# "ok - ..." / "not ok - ..." with the findings under each failing check,
# then "N passed, N failed".  Usage: scripts/lint.sh [DIR]  (default
# build-lint: the compile database and the extracted checkpatch.pl).
set -u
cd "$(dirname "$0")/.."
dir=$(realpath -m "${1:-build-lint}")
mkdir -p "$dir"
pass=0
fail=0
result() { # result NAME FINDINGS-FILE: ok when the file is empty
	if [ -s "$2" ]; then
		echo "not ok - $1"
		sed 's/^/#   /' "$2" | head -n 200
		fail=$((fail + 1))
	else
		echo "ok - $1"
		pass=$((pass + 1))
	fi
}
out=$dir/findings
mapfile -t cfiles < <(git ls-files '*.c' '*.h' 2>/dev/null)
[ "${#cfiles[@]}" -gt 0 ] || mapfile -t cfiles < <(find src tests bench kmod -name '*.[ch]' | sort)

# clang-format: the nearest .clang-format (kmod/ has the kernel's indents)
clang-format --dry-run -Werror "${cfiles[@]}" > "$out" 2>&1
result "clang-format --dry-run -Werror on ${#cfiles[@]} C files" "$out"

# The compile database: every CMake target (the fuzz targets need clang)
# plus the qemu guest program that tests/kmod/run builds with gcc by hand.
db=$dir/cmake
if CC=clang cmake -S . -B "$db" -DFUZZ=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON > "$out" 2>&1; then
	python3 - "$db/compile_commands.json" "$PWD" <<-'EOF'
		import json, sys
		path, root = sys.argv[1], sys.argv[2]
		db = json.load(open(path))
		guest = ["tests/kmod/guest_util.c", "tests/kmod/wire.c", "tests/kmod/vpnlan_test.c",
		         "tests/kmod/underlay.c", "bench/kmod/bench.c"]
		flags = "-std=gnu11 -Wall -Wextra -pthread -Ikmod -Isrc/client -Itests/kmod"
		db = [e for e in db if not e["file"].startswith(root + "/tests/kmod/")]
		db += [{"directory": root, "file": f"{root}/{f}", "command": f"cc {flags} -c {f}"}
		       for f in guest]
		json.dump(db, open(path, "w"), indent=1)
	EOF
	ntu=$(grep -c '"file"' "$db/compile_commands.json")
	cppcheck --project="$db/compile_commands.json" --enable=warning,style,performance,portability \
		--suppressions-list=.cppcheck-suppressions --inline-suppr -j"$(nproc)" --quiet \
		--error-exitcode=1 --template='{file}:{line}: {severity}: {message} [{id}]' \
		2>&1 | sed "s|^$PWD/||" > "$out"
	result "cppcheck on $ntu translation units" "$out"
	run-clang-tidy -p "$db" -j"$(nproc)" -quiet 2>&1 | sed 's/\x1b\[[0-9;]*m//g' |
		grep -E '(warning|error): ' | grep -v '^Error while processing' | sed "s|^$PWD/||" |
		sort -u > "$out"
	result "clang-tidy (.clang-tidy) on $ntu translation units" "$out"
else
	result "cmake configure for the compile database" "$out"
fi

# checkpatch.pl and its data files, extracted once from Debian's kernel source
src_tar=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null | head -n 1)
cp_dir=$dir/checkpatch
if [ -z "$src_tar" ]; then
	echo "/usr/src/linux-source-6.1.tar.xz missing: install linux-source-6.1" > "$out"
	result "checkpatch.pl --strict on kmod/" "$out"
else
	stamp="$src_tar $(stat -c %Y "$src_tar")"
	if [ "$(cat "$cp_dir/stamp" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$cp_dir" && mkdir -p "$cp_dir"
		tar -xJf "$src_tar" -C "$cp_dir" --strip-components=2 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' && echo "$stamp" > "$cp_dir/stamp"
	fi
	perl "$cp_dir/checkpatch.pl" --no-tree --strict --terse --show-types -f \
		kmod/*.c kmod/*.h kmod/Kbuild kmod/Makefile > "$out" 2>&1
	result "checkpatch.pl --strict on kmod/ ($(basename "$src_tar"))" "$out"
fi

# The include graph and the atomics' pairs: each prints its own ok / not ok lines
for script in scripts/lint-includes.py scripts/lint-atomics.py; do
	python3 "$script" . > "$out" 2>&1
	cat "$out"
	pass=$((pass + $(grep -c '^ok - ' "$out")))
	fail=$((fail + $(grep -c '^not ok - ' "$out")))
	grep -q '^ok - \|^not ok - ' "$out" || { echo "not ok - $script printed no result"; fail=$((fail + 1)); }
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
