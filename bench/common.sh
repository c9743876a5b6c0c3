# Sourced by the bench scripts: the table they print and how they run an
# L4 benchmark program on one platform.
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
