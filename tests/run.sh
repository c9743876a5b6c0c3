#!/usr/bin/env bash
# Runs every umol4 test; each prints what it checked.  Ends with the line
# "N passed, N failed".  Exit 0 only if nothing failed.
cd "$(dirname "$0")/.." || exit 1
B=build
U="${UMOL4:-$B/umol4}"      # test-asan runs the suite against a sanitized kernel
pass=0 fail=0
result() { # name ok
	if [ "$2" = 1 ]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Until the loop program says it runs (a loaded machine may take a while);
# after a minute the caller's checks fail instead of hanging.
wait_looping() {
	# the caller truncated $out before starting umol4 in the background,
	# so an earlier run's "looping" cannot match
	for _ in $(seq 600); do grep -q looping "$out" && return; sleep 0.1; done
}

# An in-task suite: it prints "ok"/"not ok" lines and PASSED or FAILED.
l4suite() { # platform program description
	timeout 120 "$U" --platform=$1 run "$B/tests/l4/$2" >"$out" 2>&1; rc=$?
	cat "$out"
	result "$1: $3" "$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" && echo 1)"
}

for p in seccomp ptrace; do
	# hello: printf reaches the log, exit code 0
	timeout 60 "$U" --platform=$p run "$B/examples/hello" a b >"$out" 2>&1; rc=$?
	result "$p: hello prints and exits 0" "$([ $rc = 0 ] && grep -q 'Hello World' "$out" && grep -q '2 argument' "$out" && echo 1)"

	# the IPC example: client and server threads over a gate
	timeout 60 "$U" --platform=$p run "$B/examples/ipc_gate" >"$out" 2>&1; rc=$?
	result "$p: example ipc_gate: client/server over a gate" "$([ $rc = 0 ] && grep -q 'sum=60 (gate label 0x4203)' "$out" && echo 1)"

	# exit codes pass through
	timeout 60 "$U" --platform=$p run "$B/tests/l4/exitcode" 42 >"$out" 2>&1; rc=$?
	result "$p: exit(42) becomes umol4's exit code" "$([ $rc = 42 ] && echo 1)"

	# the IPC suite (in-task checks)
	l4suite $p ipc "ipc suite"

	# memory and exceptions across three tasks: pager, map/grant/unmap, rights, exception IPC
	l4suite $p memory "memory suite (page faults, mapdb, exceptions)"

	# TRIGGER_EXCEPTION, alien threads, add_ku_mem, a 1 GiB flexpage, copy-on-write, ex_regs in page-fault IPC
	l4suite $p memory2 "memory suite 2 (trigger, alien, ku mem, 1 GiB, COW, ex_regs in page faults)"

	# gate deletion: dec_refcnt and the thread's delete IRQ (how moe frees dataspaces)
	l4suite $p delirq "gate deletion IRQ after dec_refcnt"

	# sigma0: KIP, RAM at an address, any page, first come first served, refusals
	l4suite $p sigma0 "sigma0 protocol"
	l4suite $p l4util "l4util: create_thread, aligned entry, sleep, atomics, bits"

	# boot modules: listed at the KIP's user_ptr, readable 1:1
	printf 'first module\n' >"$out.m1"; head -c 300000 /dev/urandom >"$out.m2"
	timeout 60 "$U" --platform=$p --module="$out.m1" --module="$out.m2=second" run "$B/tests/l4/bootinfo" \
		"${out##*/}.m1" 13 second 300000 "first module" >"$out" 2>&1; rc=$?
	cat "$out"; rm -f "$out.m1" "$out.m2"
	result "$p: boot modules reach the root task" "$([ $rc = 0 ] && grep -q '^PASSED' "$out" && echo 1)"

	# moe as root task starts a test program from rom/ with the launcher:
	# l4re_env, named caps, 6 MiB malloc from dataspaces, rom query, the log
	# tag format, and its exit code passes through moe to umol4
	timeout 60 "$U" --platform=$p --module="$B/tests/l4/l4re_hello=l4re_hello" run "$B/umol4-moe" \
		--init=rom/l4re_hello -- 7 >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: moe launches rom/l4re_hello: env, caps, malloc, rom, log tag, exit code 7" \
		"$([ $rc = 7 ] && grep -q '^l4re_hel| exiting with 7' "$out" && ! grep -q 'not ok' "$out" &&
		grep -q '^l4re_hel| multi two two$' "$out" && grep -q '^l4re_hel| multi three three three$' "$out" && echo 1)"

	# a program moe launched launches a child itself (as ned will): a shared
	# dataspace, the child's exit code, namespaces, a quota, memory returned
	l4suite_moe() { # platform module
		timeout 60 "$U" --platform=$1 --module="$B/tests/l4/$2=$2" run "$B/umol4-moe" --init=rom/$2 >"$out" 2>&1; rc=$?
		cat "$out"
		result "$1: under moe: $2 ($3)" "$([ $rc = 0 ] && grep -q '| PASSED' "$out" && ! grep -q 'not ok' "$out" && echo 1)"
	}
	l4suite_moe $p l4re_mem "shared dataspace, launcher exit code, namespace, quota, memory returned"

	# ned as the root task: every script in tests/ned is a boot module
	nedmods=(); for f in tests/ned/*.lua; do nedmods+=("--module=$f"); done
	ned() { timeout 60 "$U" --platform=$p "${nedmods[@]}" run "$B/umol4-ned" "$@" >"$out" 2>&1; rc=$?; cat "$out"; }
	ned rom/error.lua
	result "$p: ned: a script error names file and line, exit 1" \
		"$([ $rc = 1 ] && grep -q '^ned: rom/error.lua:3: attempt to call a nil value' "$out" && ! grep -q 'not reached' "$out" && echo 1)"
	ned rom/syntax.lua
	result "$p: ned: a syntax error names file and line" "$([ $rc = 1 ] && grep -q '^ned: rom/syntax.lua:2: ' "$out" && echo 1)"
	ned rom/missing.lua
	result "$p: ned: a script not in rom/ is reported" "$([ $rc = 1 ] && grep -q '^ned: rom/missing.lua: no such file in rom/' "$out" && echo 1)"
	ned rom/objects.lua
	result "$p: ned: gates, IRQs, semaphores, factories through L4.Env.factory" \
		"$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" && echo 1)"
	ned rom/rights.lua
	result "$p: ned: capability rights modifiers (:m, :mode, :rights, :svr)" \
		"$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" && echo 1)"

	# what ld:start/startv hand to the loader (a stand-in that prints it)
	timeout 60 "$U" --platform=$p "${nedmods[@]}" run "$B/tests/ned-fake-loader" rom/start.lua >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: ned: start/startv pass argv, caps with rights, log tag, environment; task wait/state/kill" \
		"$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" &&
		grep -q '^loader: start argc=4 \[rom/crypt_server\] \[--key\] \[42\] \[--run\]$' "$out" &&
		grep -q '^loader: caps crypt=0x200/0xef$' "$out" && grep -q '^loader: log=cryptsrv/g ' "$out" &&
		grep -q '^loader: caps crypt=0x200/0x5 other=0x5/0x7$' "$out" && grep -q '^loader: env \[HOME=/\] \[LANG=C\]$' "$out" &&
		grep -q '^loader: log=crypt_client/- ' "$out" && grep -q '^loader: start argc=3 \[rom/hello\] \[a b\]' "$out" &&
		grep -q '^loader: log=-/- logcap=0x5 ' "$out" && grep -q '^loader: ned waits for 1 running program' "$out" && echo 1)"

	# ned under moe (umol4 ned SCRIPT): a client and a server over a channel,
	# the client's exit code seen by wait(); a dataspace shared by two tasks
	timeout 60 "$U" --platform=$p -p "$B/examples" ned examples/scenarios/calc.lua >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: scenario calc.lua: client and server over a channel, wait() gives exit code 42" \
		"$([ $rc = 0 ] && grep -q 'client  | 19 + 23 = 42' "$out" && grep -q '^ned     | the client ended with 42' "$out" && echo 1)"
	timeout 60 "$U" --platform=$p -p "$B/tests/l4" ned tests/ned/shared_ds.lua >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: scenario shared_ds.lua: a moe dataspace written by one task, read by another" \
		"$([ $rc = 0 ] && grep -q 'reader  | read 16384 bytes, all as written' "$out" && echo 1)"
	timeout 60 "$U" --platform=$p -p "$B/tests/l4:$B/examples" ned tests/ned/namespace.lua >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: scenario namespace.lua: a ned namespace holds a channel, found by name; a missing name is ENOENT" \
		"$([ $rc = 0 ] && grep -q 'adder: found, it answered 42' "$out" && grep -q 'nothing: not in the namespace' "$out" && echo 1)"
	timeout 60 "$U" --platform=$p -p "$B/examples" boot examples/scenarios/modules.list hello >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: modules.list entry hello: moe starts rom/hello with its arguments" \
		"$([ $rc = 0 ] && grep -q '^hello   | argv\[0\]=hello, 1 argument' "$out" && echo 1)"

	# the POSIX personality: the same programs natively and under moe, outputs compared line by line
	bash tests/posix/compare.sh $p files; rc=$?
	result "$p: posix files: rom/, /tmp, /dev/null, fds, dup/fcntl, directories, errno match native" "$([ $rc = 0 ] && echo 1)"
	OUT="$out" bash tests/posix/compare.sh $p proc unsupported; rc=$?
	result "$p: posix time and process queries match native; an unsupported call is reported once" \
		"$([ $rc = 0 ] && [ "$(grep -c '| posix: unsupported system call mincore (27): ENOSYS$' "$out")" = 1 ] && echo 1)"

	# a running thread is kicked into the kernel and moved by ex_regs
	timeout 60 "$U" --platform=$p run "$B/tests/l4/kick" >"$out" 2>&1; rc=$?
	result "$p: ex_regs moves a running thread (kick)" "$([ $rc = 0 ] && grep -q '^PASSED' "$out" && echo 1)"

	# isolation: raw system calls reach nothing on the host; an unemulated one stops the task
	# outside /tmp: the task has a /tmp of its own (an in-task tmpfs)
	probe=$(mktemp -u "$PWD/$B/umol4-probe-XXXXXX")
	timeout 60 "$U" --platform=$p run "$B/tests/l4/isolation" "$probe" >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: isolation: no host effect, unemulated syscall stops the task (exit 139)" \
		"$([ $rc = 139 ] && [ ! -e "$probe" ] && ! grep -q '^not ok' "$out" && grep -q 'Linux system call 39' "$out" && echo 1)"

	# a crashing task is reported, the kernel ends cleanly with 128+SIGSEGV
	timeout 60 "$U" --platform=$p run "$B/tests/l4/crash" >"$out" 2>&1; rc=$?
	result "$p: segfault reported (exit 139)" "$([ $rc = 139 ] && grep -q 'unhandled exception, trap 14' "$out" && ! grep -q 'not reached' "$out" && echo 1)"

	# kill -9 of umol4 leaves no task process behind
	: >"$out"
	"$U" --platform=$p run "$B/tests/l4/loop" >"$out" 2>&1 &
	kpid=$!
	wait_looping
	tasks=$(pgrep -P $kpid | tr '\n' ' ')
	kill -9 $kpid; wait $kpid 2>/dev/null
	sleep 0.5
	left=0
	for tp in $tasks; do
		# a zombie waiting for init to reap it runs nothing and holds nothing
		st=$(awk '{print $3}' /proc/$tp/stat 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] && left=1
	done
	result "$p: kill -9 of umol4 leaves no task process ($tasks)" "$([ -n "$tasks" ] && [ $left = 0 ] && echo 1)"

	# a task process killed from the host is noticed and reclaimed (on
	# ptrace by the tracer, not the supervisor); the root task died by
	# signal 9, so umol4 exits 137
	if [ $p = ptrace ]; then
		: >"$out"
		"$U" --platform=$p run "$B/tests/l4/loop" >"$out" 2>&1 &
		kpid=$!
		wait_looping
		task=$(pgrep -P $kpid | sort -n | tail -1) # forked last: the root task, not sigma0
		if [ -n "$task" ]; then kill -9 "$task"; else kill -9 $kpid; fi
		wait $kpid; rc=$?
		st=$(awk '{print $3}' /proc/$task/stat 2>/dev/null)
		result "$p: a task process killed from the host is reaped, umol4 exits 137 (task $task)" \
			"$([ -n "$task" ] && [ $rc = 137 ] && { [ -z "$st" ] || [ "$st" = Z ]; } && echo 1)"
	fi

	# without sigma0 nothing can be paged: umol4 says so and ends with 72
	: >"$out"
	"$U" --platform=$p run "$B/tests/l4/loop" >"$out" 2>&1 &
	kpid=$!
	wait_looping
	s0=$(pgrep -P $kpid | sort -n | head -1)     # forked first: sigma0
	if [ -n "$s0" ]; then kill -9 "$s0"; else kill -9 $kpid; fi
	wait $kpid; rc=$?
	result "$p: sigma0 killed from the host ends umol4 with 72" "$([ -n "$s0" ] && [ $rc = 72 ] && grep -q 'sigma0 ended' "$out" && echo 1)"
done

# bad usage and missing programs get a clear error and a distinct code
"$U" bogus >/dev/null 2>&1; rc1=$?
"$U" run /nonexistent >/dev/null 2>&1; rc2=$?
"$U" run /etc/passwd >"$out" 2>&1; rc3=$?
result "usage errors exit 64, a non-ELF root exits 72" "$([ $rc1 = 64 ] && [ $rc2 = 64 ] && [ $rc3 = 72 ] && echo 1)"

# modules.list: the chosen entry's roottask and modules (found in the list's
# directory and in --path), fname=; bad lists get file:line errors and 64
d=$(mktemp -d)
printf 'hello config\n' >"$d/hello.cfg"; printf 'xx\n' >"$d/xfile"
cat >"$d/t.list" <<LIST
# a comment
entry other
roottask nothere
entry a
kernel fiasco -serial_esc
roottask bootinfo hello.cfg 13 x 3 hello
module hello.cfg
module[fname=x] xfile
LIST
"$U" -p "$B/tests/l4" boot "$d/t.list" a >"$out" 2>&1; rc=$?
cat "$out"
ok=$([ $rc = 0 ] && grep -q '^PASSED' "$out" && echo 1)
"$U" -p "$B/tests/l4" boot "$d/t.list" >"$out" 2>&1; rc1=$?
grep -q 'which entry.*entries: other a' "$out" || rc1=0
"$U" -p "$B/tests/l4" boot "$d/t.list" other >"$out" 2>&1; rc2=$?
grep -q 't.list:3: root task .nothere. not found' "$out" || rc2=0
printf 'entry e\nroottask bootinfo\nmodulx foo\n' >"$d/bad.list"
"$U" -p "$B/tests/l4" boot "$d/bad.list" >"$out" 2>&1; rc3=$?
grep -q "bad.list:3: unknown keyword 'modulx'" "$out" || rc3=0
rm -rf "$d"
result "modules.list: entry booted with its modules; bad lists: file:line and 64" \
	"$([ "$ok" = 1 ] && [ $rc1 = 64 ] && [ $rc2 = 64 ] && [ $rc3 = 64 ] && echo 1)"

# the mapping database, linked directly into a host test
"${MAPDB_TEST:-$B/tests/unit/mapdb_test}" >"$out" 2>&1; rc=$?
cat "$out"
result "mapdb unit tests" "$([ $rc = 0 ] && ! grep -q '^not ok' "$out" && echo 1)"

# the region-manager core (sdk/lib/l4re), linked directly into a host test
"$B/tests/unit/rm_test" >"$out" 2>&1; rc=$?
cat "$out"
result "rm_regions unit tests" "$([ $rc = 0 ] && ! grep -q '^not ok' "$out" && echo 1)"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
