# Sourced by the bench scripts: the table they print, how they run an L4
# benchmark program on one platform, and the side-by-side block that sets
# the platforms' figures of one run against each other.
B=build
platforms=${PLATFORMS:-seccomp ptrace}
row() { # name value limit
	awk -v n="$1" -v v="$2" -v l="$3" 'BEGIN { printf "%-38s %12d %12d %7.2fx\n", n, v, l, v / l }'
}
header() { printf '%-38s %12s %12s %8s\n' "figure" "ns" "host limit" "ratio"; }
# run_l4 NAME PLATFORM: run build/bench/l4/NAME, print its "name value"
# figures; on failure say so and print nothing else.
run_l4() {
	local out="$B/bench/$1.$2.out"
	"$B/umol4" --platform="$2" run "$B/bench/l4/$1" >"$out" 2>&1 ||
		{ echo "bench/$1 on $2 failed:" >&2; cat "$out" >&2; return; }
	grep '_ns ' "$out"
}

# Every figure printed by figure() is kept, so that side_by_side can set
# the platforms against each other with numbers of this run only.
declare -A fig_value fig_limit ptrace_limit
fig_names=()
figure() { # platform name value limit
	row "$1:$2" "$3" "$4"
	[ -n "${fig_limit[$2]+set}" ] || fig_names+=("$2")
	fig_value[$1:$2]=$3
	fig_limit[$2]=$4
}
# side_by_side: per figure, seccomp and ptrace and ptrace/seccomp; then the
# limit that bounds the ptrace figure (ptrace_limit[name] where the ptrace
# design has its own, e.g. two raw PTRACE_SYSEMU stops per IPC round
# trip, marked *; else the host limit of the rows above) and ptrace/limit.
side_by_side() {
	printf '\n%-30s %10s %10s %8s %12s %8s\n' "figure (ns)" "seccomp" "ptrace" "p/s" "limit" "p/limit"
	local n s p l
	for n in "${fig_names[@]}"; do
		s=${fig_value[seccomp:$n]:-}
		p=${fig_value[ptrace:$n]:-}
		l=${ptrace_limit[$n]:-${fig_limit[$n]}}
		awk -v n="$n" -v s="$s" -v p="$p" -v l="$l" -v own="${ptrace_limit[$n]:+*}" 'BEGIN {
			printf "%-30s %10s %10s %8s %11d%1s %8s\n", n, s == "" ? "-" : s, p == "" ? "-" : p,
				s == "" || p == "" ? "-" : sprintf("%.2fx", p / s), l, own,
				p == "" ? "-" : sprintf("%.2fx", p / l) }'
	done
}
