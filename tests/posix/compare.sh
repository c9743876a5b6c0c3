#!/usr/bin/env bash
# compare.sh PLATFORM NAME [ARG]: run tests/posix/NAME natively in a
# temporary directory that holds rom/ (the files of tests/posix/rom and
# the program, read-only) and an empty tmp/, and on umol4 under moe with
# the same files as boot modules; print the diff of the two outputs.
# Exit 0 if they are the same.  The umol4 output is left in $OUT if set.
cd "$(dirname "$0")/../.." || exit 2
B=build
U="${UMOL4:-$B/umol4}"
p=$1 name=$2 arg=${3:-}
dir=$(mktemp -d)
trap 'chmod -R u+w "$dir"; rm -rf "$dir"' EXIT
mkdir "$dir/rom" "$dir/tmp"
cp tests/posix/rom/* "$dir/rom/"
cp "$B/tests/posix-native/$name" "$dir/rom/$name"
chmod 0444 "$dir/rom/"*; chmod 0555 "$dir/rom/$name" "$dir/rom"
mkdir "$dir/dev"; ln -s /dev/null "$dir/dev/null"
chmod 0755 "$dir"; chmod 0777 "$dir/tmp"
# as root, permissions would not make rom/ read-only: run as nobody
as=(); [ "$(id -u)" = 0 ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
(cd "$dir" && "${as[@]}" "./rom/$name" "$dir" >"$dir/native.out" 2>&1)
mods=(); for f in tests/posix/rom/*; do mods+=("--module=$f"); done
timeout 120 "$U" --platform="$p" "${mods[@]}" --module="$B/tests/posix/$name=$name" run "$B/umol4-moe" \
	--init="rom/$name" -- - $arg >"$dir/umol4.raw" 2>&1
rc=$?
[ -n "${OUT:-}" ] && cp "$dir/umol4.raw" "$OUT"
# the program's log lines carry its tag, cut or padded to 8 characters
tag=$(printf '%-8.8s| ' "$name")
grep -F "$tag" "$dir/umol4.raw" | sed "s/^$tag//" | grep -v '^posix: ' >"$dir/umol4.out"
diff "$dir/native.out" "$dir/umol4.out" && [ $rc = 0 ] && grep -q '^done$' "$dir/native.out"
