#!/usr/bin/env bash
# bench/ipc: L4 IPC round trips between two tasks and thread/task creation,
# each beside the host limit measured in the same run, with the ratio.
# Prints figures only; it never fails on a slow result.
cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
limit=$("$B/bench/host/futex" | awk '/futex_handoff_ns/ {print $2}')
spawn=$("$B/bench/host/spawn" "$B/umol4-stub")
host_thread=$(awk '/host_thread_ns/ {print $2}' <<<"$spawn")
host_process=$(awk '/host_process_ns/ {print $2}' <<<"$spawn")
header
for p in $platforms; do
	while read -r name value; do
		case "$name" in
		ipc_roundtrip_*) row "$p:$name" "$value" "$limit"
			[ "$name" = ipc_roundtrip_0w_ns ] && eval "rt0_$p=$value" ;;
		thread_*) row "$p:$name" "$value" "$host_thread" ;;
		task_*) row "$p:$name" "$value" "$host_process" ;;
		esac
	done < <(run_l4 ipc "$p")
done
# The ptrace design's own limit: two PTRACE_SYSEMU stops per round trip.
stop=$("$B/bench/host/ptrace_limit" | awk '/ptrace_sysemu_stop_ns/ {print $2}')
if [ -n "$stop" ] && [ -n "${rt0_ptrace:-}" ]; then
	row "ptrace:ipc_roundtrip_0w vs 2 raw stops" "$rt0_ptrace" $((2 * stop))
fi
if [ -n "${rt0_ptrace:-}" ] && [ -n "${rt0_seccomp:-}" ]; then
	awk -v p="$rt0_ptrace" -v s="$rt0_seccomp" 'BEGIN { printf "seccomp is %.2fx faster than ptrace for a 0-word round trip\n", p / s }'
fi
echo "host limits, measured in the same run on one CPU: IPC = futex hand-off between two processes"
echo "(bench/host/futex.c); thread = pthread create+join; task = fork+exec of a static program+wait"
echo "(bench/host/spawn.c)."
