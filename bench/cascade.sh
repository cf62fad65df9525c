#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Cascade benchmark: client-to-client throughput, CPU per GB and RTT across one
# cascade hop, beside the same kind of pair on one hub, in the same run (rounds
# interleaved, so background noise hits both paths alike).
#
#   c1 --TLS--.                                    .-- c3
#   c2 --TLS--+- hub A ==cascade (TLS, veth l1)== hub B
#
#   path "single":  c1 -> c2   both on hub A (one hub on the path)
#   path "cascade": c1 -> c3   hub A, the cascade, hub B (two hubs, one link)
#
# Each round and path: iperf3 one TCP stream for DURATION s; CPU = utime+stime of
# both hubs and both vpnclients of the pair around the run, per GB of payload; RTT =
# median of 20 pings (idle).  Medians over REPEAT rounds.  Target: cascade
# throughput >= 80 % of single (a cascade hop costs about one extra hub).
# PROFILE=1: then one more run of each path with perf (cpu-clock) on both hubs, each
# hub's CPU s/GB split into costs by bench/perfcat.py (needs perf).
# MACHINE_CPU=CORES: each hub and each client (with its iperf3 and ping) runs in a
# cgroup of its own limited to CORES (cgroup v1 cpu.cfs_quota_us), as if each were a
# machine of its own, as sites and their users are; without it all share this
# machine's cores, and a second hub on the path takes CPU from the first.
# Environment: DURATION (3), REPEAT (3), BUILD (build), P (vcb$$), PROFILE,
# MACHINE_CPU.  Needs root.
# This is a benchmark: nothing is asserted about the numbers.
set -uo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-3}
REPEAT=${REPEAT:-3}
P=${P:-vcb$$}
source tests/e2e/lib.sh
source tests/e2e/cascade_lib.sh
[ "$(id -u)" = 0 ] || { log "must run as root (network namespaces)"; exit 2; }
CLK_TCK=$(getconf CLK_TCK)
CG=/sys/fs/cgroup/cpu/$P
# machines_down: the cgroups go once their processes have.
machines_down() {
	local d
	[ -d "$CG" ] || return 0
	for d in "$CG"/*/; do rmdir "$d" 2>/dev/null; done
	rmdir "$CG" 2>/dev/null
}
trap 'mh_down; machines_down' EXIT

cpu_ticks() {
	local s
	s=$(<"/proc/$1/stat")
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo $((${12} + ${13}))
}
sum_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(cpu_ticks "$p"))); done; echo "$t"; }

mh_hub_folder
mh_hub A
mh_hub B
mh_client 1 A
mh_client 2 A
mh_client 3 B
mh_link 1 A B
mh_start A
mh_start B
mh_cascade A toB 10.198.1.2 B >/dev/null
wait_for "link up" 15 mh_state_is A toB established
for i in 1 2; do mh_client_start "$i" A; done
mh_client_start 3 B
for i in 1 2 3; do wait_connected "$i"; done
wait_for "c1 reaches c3" 15 ping_ok c1 10.77.0.3 1 >/dev/null
wait_for "c1 reaches c2" 15 ping_ok c1 10.77.0.2 1 >/dev/null
for i in 2 3; do ns "c$i" iperf3 -s -D -p 5201 --pidfile "$WORK/iperf3-c$i.pid" >/dev/null; done
sleep 0.5

# machine NAME PID...: the processes run on machine NAME (a cgroup of MACHINE_CPU cores).
machine() {
	local name=$1 pid
	shift
	[ -n "${MACHINE_CPU:-}" ] || return 0
	mkdir -p "$CG/$name"
	echo "$(python3 -c "print(int($MACHINE_CPU * 100000))")" >"$CG/$name/cpu.cfs_quota_us"
	for pid in "$@"; do echo "$pid" >"$CG/$name/cgroup.procs"; done
}
# on NAME CMD...: runs CMD in namespace NAME, on machine NAME.
on() {
	local name=$1
	shift
	if [ -n "${MACHINE_CPU:-}" ]; then
		bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG/$name" \
			ip netns exec "$P-$name" "$@"
	else
		ns "$name" "$@"
	fi
}
if [ -n "${MACHINE_CPU:-}" ]; then
	[ -w /sys/fs/cgroup/cpu ] || { log "MACHINE_CPU needs cgroup v1's cpu controller"; exit 2; }
	machine hubA "${HPID[A]}"
	machine hubB "${HPID[B]}"
	machine c1 "${CLIENT_PID[1]}"
	for i in 2 3; do machine "c$i" "${CLIENT_PID[$i]}" "$(<"$WORK/iperf3-c$i.pid")"; done
	log "each hub and client on a machine of $MACHINE_CPU cores"
fi

declare -A GBPS CPU RTT
run() { # run PATH DST_INDEX
	local path=$1 dst=$2 t0 t1 bytes secs
	t0=$(sum_ticks "${HPID[A]}" "${HPID[B]}" "${CLIENT_PID[1]}" "${CLIENT_PID[$dst]}")
	on c1 iperf3 -c "10.77.0.$dst" -p 5201 -t "$DURATION" -J >"$WORK/ip.json" 2>/dev/null
	t1=$(sum_ticks "${HPID[A]}" "${HPID[B]}" "${CLIENT_PID[1]}" "${CLIENT_PID[$dst]}")
	read -r bytes secs < <(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]["sum_received"]; print(e["bytes"], e["seconds"])' "$WORK/ip.json")
	GBPS[$path]+="$(python3 -c "print($bytes*8/$secs/1e9)") "
	CPU[$path]+="$(python3 -c "print(($t1-$t0)/$CLK_TCK/($bytes/1e9))") "
	RTT[$path]+="$(on c1 ping -c 20 -i 0.05 -q "10.77.0.$dst" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p') "
}
for ((r = 1; r <= REPEAT; r++)); do
	run single 2
	run cascade 3
done
median() { python3 -c 'import statistics,sys; print("%.3f" % statistics.median(map(float, sys.argv[1:])))' "$@"; }
printf '%-8s %12s %14s %10s\n' path Gbit/s "CPU s/GB" "RTT ms"
for p in single cascade; do
	# shellcheck disable=SC2086
	printf '%-8s %12s %14s %10s\n' "$p" "$(median ${GBPS[$p]})" "$(median ${CPU[$p]})" "$(median ${RTT[$p]})"
done
# shellcheck disable=SC2086
echo "cascade/single throughput: $(python3 -c "print('%.2f' % ($(median ${GBPS[cascade]}) / $(median ${GBPS[single]})))") (target >= 0.80)"

[ "${PROFILE:-0}" = 1 ] || exit 0
# profile PATH DST: one more run with perf on both hubs; each hub's costs per GB
profile() {
	local path=$1 dst=$2 k bytes pids=()
	declare -A T0 T1
	for k in A B; do
		perf record -q -e cpu-clock -F 999 -g -p "${HPID[$k]}" -o "$WORK/$path-$k.data" \
			>/dev/null 2>&1 &
		pids+=($!)
	done
	sleep 0.5
	for k in A B; do T0[$k]=$(cpu_ticks "${HPID[$k]}"); done
	ns c1 iperf3 -c "10.77.0.$dst" -p 5201 -t "$DURATION" -J >"$WORK/ip.json" 2>/dev/null
	for k in A B; do T1[$k]=$(cpu_ticks "${HPID[$k]}"); done
	kill -INT "${pids[@]}"
	wait "${pids[@]}"
	bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"])' "$WORK/ip.json")
	for k in A B; do
		perf report -i "$WORK/$path-$k.data" --no-children --sort dso,sym -g none --stdio -q \
			2>/dev/null >"$WORK/$path-$k.txt"
		python3 bench/perfcat.py "$path: hub $k" \
			"$(python3 -c "print(($((T1[$k] - T0[$k])))/$CLK_TCK/($bytes/1e9))")" <"$WORK/$path-$k.txt"
	done
}
profile single 2
profile cascade 3
