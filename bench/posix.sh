#!/usr/bin/env bash
# POSIX personality: per-call cost on umol4 (both platforms) next to the
# same program run natively and to the trap round trip on umol4 (a raw
# system call the emulation answers at once), all in this run.
cd "$(dirname "$0")/.." || exit 1
B=build
n=${POSIX_BENCH_N:-20000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/tmp"
(cd "$dir" && "$OLDPWD/$B/bench/posix-native/calls" "$n") >"$dir/native" || { echo "native run failed"; exit 1; }
for p in seccomp ptrace; do
	"$B/umol4" --platform=$p --module="$B/bench/posix/calls=calls" run "$B/umol4-moe" --init=rom/calls -- "$n" 2>&1 |
		sed -n 's/^calls   | \([a-z_0-9]* [0-9]*\)$/\1/p' >"$dir/$p"
done
echo "POSIX calls, ns per call ($n calls each; trap = a raw system call the emulation answers at once)"
printf '%-14s %8s %10s %8s %8s %10s %8s %8s\n' call native seccomp x-native x-trap ptrace x-native x-trap
trap_s=$(awk '$1 == "trap" { print $2 }' "$dir/seccomp")
trap_p=$(awk '$1 == "trap" { print $2 }' "$dir/ptrace")
while read -r name nat; do
	s=$(awk -v n="$name" '$1 == n { print $2 }' "$dir/seccomp")
	t=$(awk -v n="$name" '$1 == n { print $2 }' "$dir/ptrace")
	awk -v name="$name" -v nat="$nat" -v s="$s" -v t="$t" -v ts="$trap_s" -v tp="$trap_p" 'BEGIN {
		printf "%-14s %8d %10d %7.1fx %7.2fx %10d %7.1fx %7.2fx\n", name, nat, s, (nat ? s / nat : 0), (ts ? s / ts : 0),
			t, (nat ? t / nat : 0), (tp ? t / tp : 0) }'
done <"$dir/native"
