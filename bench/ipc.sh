#!/usr/bin/env bash
# bench/ipc: L4 IPC round trips between two tasks and thread/task creation,
# each beside the host limit measured in the same run, with the ratio;
# then both platforms side by side, the ptrace round trips against the
# ptrace design's own limit (two raw PTRACE_SYSEMU stops, registers read
# and written at each, measured in the same run).
# Prints figures only; it never fails on a slow result.
cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
limit=$("$B/bench/host/futex" | awk '/futex_handoff_ns/ {print $2}')
spawn=$("$B/bench/host/spawn" "$B/umol4-stub")
host_thread=$(awk '/host_thread_ns/ {print $2}' <<<"$spawn")
host_process=$(awk '/host_process_ns/ {print $2}' <<<"$spawn")
# A round trip is at least two stops on ptrace: the call and the reply.
stop=$("$B/bench/host/ptrace_limit" | awk '/ptrace_sysemu_stop_ns/ {print $2}')
header
for p in $platforms; do
	while read -r name value; do
		case "$name" in
		ipc_roundtrip_*) figure "$p" "$name" "$value" "$limit"
			[ -n "$stop" ] && ptrace_limit[$name]=$((2 * stop)) ;;
		thread_*) figure "$p" "$name" "$value" "$host_thread" ;;
		task_*) figure "$p" "$name" "$value" "$host_process" ;;
		esac
	done < <(run_l4 ipc "$p")
done
side_by_side
echo "host limits, measured in the same run on one CPU: IPC = futex hand-off between two processes"
echo "(bench/host/futex.c); thread = pthread create+join; task = fork+exec of a static program+wait"
echo "(bench/host/spawn.c); * = the ptrace design's own limit: two PTRACE_SYSEMU stops, each with"
echo "PTRACE_GETREGS and PTRACE_SETREGS (bench/host/ptrace_limit.c: ${stop:-?} ns a stop)."
