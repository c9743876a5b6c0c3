#!/usr/bin/env bash
# bench/boot: time from starting umol4 to the first log line of the first
# program and to its exit, for a minimal scenario (moe starting hello from
# rom/), and the memory (PSS) of an idle booted instance: the kernel, its
# stubs and all tasks.  Beside each: the same program run natively (static
# musl, bench/host/boot.c measures both the same way), and the ratio.
cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
M="$B/bench/host/boot"
N=${RUNS:-5}
native=$("$M" time "$N" Hello "$B/bench/native/hello")
nat() { awk -v n="$1" '$1 == n {print $2}' <<<"$native"; }
header
for p in $platforms; do
	# the kernel, sigma0 and one root task
	while read -r name value; do
		row "$p:run_hello_$name" "$value" "$(nat "$name")"
	done < <("$M" time "$N" Hello "$B/umol4" --platform="$p" run "$B/examples/hello")
	# moe as root task loading hello from rom/ with the launcher
	while read -r name value; do
		row "$p:moe_hello_$name" "$value" "$(nat "$name")"
	done < <("$M" time "$N" Hello "$B/umol4" --platform="$p" --module="$B/examples/hello=hello" \
		run "$B/umol4-moe" --init=rom/hello)
done
nat_pss=$("$M" pss looping "$B/bench/native/loop" | awk '$1 == "pss_kib" {print $2}')
printf '%-38s %12s %12s %8s\n' "memory" "PSS KiB" "native KiB" "ratio"
for p in $platforms; do
	out=$("$M" pss looping "$B/umol4" --platform="$p" --module="$B/tests/l4/loop=loop" run "$B/umol4-moe" --init=rom/loop)
	kib=$(awk '$1 == "pss_kib" {print $2}' <<<"$out")
	n=$(awk '$1 == "processes" {print $2}' <<<"$out")
	[ -n "$kib" ] && row "$p:idle_moe+loop ($n processes)" "$kib" "$nat_pss"
done
echo "time: median of $N runs from fork to the first line containing 'Hello' and to exit;"
echo "native = the same C program built with musl-gcc -static, run directly."
echo "memory: PSS of umol4 and every process below it, with moe and one spinning program"
echo "booted; native = PSS of that program run directly."
