#!/usr/bin/env bash
# bench/ipc: L4 IPC round trips between two tasks and thread/task creation,
# each beside the host limit measured in the same run, with the ratio.
# Prints figures only; it never fails on a slow result.
cd "$(dirname "$0")/.." || exit 1
B=build
platforms=${PLATFORMS:-seccomp}
limit=$("$B/bench/host/futex" | awk '/futex_handoff_ns/ {print $2}')
spawn=$("$B/bench/host/spawn" "$B/umol4-stub")
host_thread=$(awk '/host_thread_ns/ {print $2}' <<<"$spawn")
host_process=$(awk '/host_process_ns/ {print $2}' <<<"$spawn")
row() { # name value limit
	awk -v n="$1" -v v="$2" -v l="$3" 'BEGIN { printf "%-38s %10d %12d %7.2fx\n", n, v, l, v / l }'
}
printf '%-38s %10s %12s %8s\n' "figure" "ns" "host limit" "ratio"
for p in $platforms; do
	"$B/umol4" --platform="$p" run "$B/bench/l4/ipc" >"$B/bench/ipc.$p.out" 2>&1 ||
		{ echo "bench/ipc on $p failed:"; cat "$B/bench/ipc.$p.out"; continue; }
	while read -r name value; do
		case "$name" in
		ipc_roundtrip_*) row "$p:$name" "$value" "$limit" ;;
		thread_*) row "$p:$name" "$value" "$host_thread" ;;
		task_*) row "$p:$name" "$value" "$host_process" ;;
		esac
	done < <(grep '_ns ' "$B/bench/ipc.$p.out")
done
echo "host limits, measured in the same run on one CPU: IPC = futex hand-off between two processes"
echo "(bench/host/futex.c); thread = pthread create+join; task = fork+exec of a static program+wait"
echo "(bench/host/spawn.c)."
