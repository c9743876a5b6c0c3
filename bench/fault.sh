#!/usr/bin/env bash
# bench/fault: a page fault resolved by a user-level pager, map and unmap
# of 4 KiB and 2 MiB flexpages between two tasks, and revoking a
# three-level derivation of 10,000 pages, each beside the host limit
# measured in the same run (bench/host/fault.c), with the ratio; then both
# platforms side by side.
# Prints figures only; it never fails on a slow result.
cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
host=$("$B/bench/host/fault")
limit() { awk -v n="$1" '$1 == n {print $2}' <<<"$host"; }
header
for p in $platforms; do
	while read -r name value; do
		case "$name" in
		pager_fault_ns) figure "$p" "$name" "$value" "$(limit host_fault_ns)" ;;
		map_4k_ns | unmap_4k_ns | map_2m_ns | unmap_2m_ns) figure "$p" "$name" "$value" "$(limit "host_$name")" ;;
		revoke_3level_10k_ns) figure "$p" "$name" "$value" "$(limit host_revoke_10k_ns)" ;;
		esac
	done < <(run_l4 fault "$p")
done
side_by_side
echo "host limits, measured in the same run on one CPU (bench/host/fault.c), on pages of one memfd:"
echo "fault = mmap of one page + first touch; map/unmap = mmap/munmap of the same size, untouched;"
echo "revoke = munmap of 10,000 separately mapped pages in each of two address spaces."
