#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/build-debs.sh OUT: the Debian packages of this checkout (vpnhub,
# vpnclient, vpnlan-dkms), built by "dpkg-buildpackage -b -us -uc" in a
# clean copy (the files git tracks plus new ones it does not ignore, as a
# clone would have them) in OUT/src/vpnhub, so nothing lands beside the
# checkout.  The .debs end up in OUT/debs (debug symbol packages in
# OUT/dbgsym), the build log in OUT/build.log, the .changes in OUT/src.
# DEB_BUILD_OPTIONS passes through (nocheck skips the unit tests).
#
# scripts/build-debs.sh OUT VERSION FROM: version VERSION of the packages
# built in FROM by a previous run: one more debian/changelog entry, then
# dpkg-buildpackage -b -nc in FROM's tree (no clean: the compiled objects
# are reused, the packages are made again).  tests/system upgrades so.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1")
version=${2:-}
rm -rf "$out" && mkdir -p "$out/debs" "$out/dbgsym"
buildflags=()
if [ -z "$version" ]; then
	src=$out/src/vpnhub
	mkdir -p "$src"
	git ls-files -co --exclude-standard | grep -v '^build' | tar -cf - -T - | tar -xf - -C "$src"
else
	from=$(realpath "$3")
	src=$from/src/vpnhub
	mkdir -p "$out/src"
	{
		printf 'vpnhub (%s) unstable; urgency=medium\n\n' "$version"
		printf '  * Rebuild as version %s.\n\n' "$version"
		printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l "$src/debian/changelog" -S Maintainer)" \
			"$(date -R)"
		cat "$src/debian/changelog"
	} >"$out/changelog" && mv "$out/changelog" "$src/debian/changelog"
	buildflags=(-nc)
fi
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} parallel=$(nproc)"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc "${buildflags[@]}") >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "dpkg-buildpackage failed: $out/build.log" >&2
	exit 1
fi
mv "$(dirname "$src")"/*-dbgsym_*.deb "$out/dbgsym/"
mv "$(dirname "$src")"/*.deb "$out/debs/"
[ -z "$version" ] || mv "$(dirname "$src")/vpnhub_${version}"_*.changes \
	"$(dirname "$src")/vpnhub_${version}"_*.buildinfo "$out/src/"
ls "$out"/debs/*.deb
