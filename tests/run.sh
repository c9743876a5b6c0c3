#!/usr/bin/env bash
# Runs every umol4 test; each prints what it checked.  Ends with the line
# "N passed, N failed".  Exit 0 only if nothing failed.
cd "$(dirname "$0")/.." || exit 1
B=build
U="$B/umol4"
pass=0 fail=0
result() { # name ok
	if [ "$2" = 1 ]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# An L4 test program that checks itself: exit 0, "PASSED", no "not ok".
suite() { # platform program description [args...]
	local p=$1 prog=$2 what=$3
	shift 3
	timeout 120 "$U" --platform=$p run "$B/tests/l4/$prog" "$@" >"$out" 2>&1; local rc=$?
	cat "$out"
	result "$p: $what" "$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" && echo 1)"
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
	timeout 120 "$U" --platform=$p run "$B/tests/l4/ipc" >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: ipc suite" "$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" && echo 1)"

	# memory and exceptions across three tasks: pager, map/grant/unmap, rights, exception IPC
	timeout 120 "$U" --platform=$p run "$B/tests/l4/memory" >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: memory suite (page faults, mapdb, exceptions)" "$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" && echo 1)"

	suite $p ipc_more "IPC corners: send_and_wait, replies to nobody or too late, cap replies, MSGCUT, deleted server"
	suite $p revoke "capability revocation over three tasks: rights reduction, unmap, delete_obj"
	suite $p semaphore "semaphores: counting, timeout, S right, waiters in order"

	# kdebug output reaches umol4's output; names come back by global id
	timeout 60 "$U" --platform=$p run "$B/tests/l4/kdebug" >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: kdebug output (new and old names), object names by global id" \
		"$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" &&
		grep -qxF 'kdebug line: [Adeadbeef12345beefabc5a -42 xyz0123456789abcdef]' "$out" &&
		grep -qxF 'old names: B000012347' "$out" &&
		grep -qF 'kernel debugger entered: kdebug enter text' "$out" &&
		! grep -qE '^(ipc|umol4: exc|umol4: task)' "$out" && echo 1)"

	# --trace prints IPC, exceptions and task life with the objects' names;
	# the crash report names the task and thread
	timeout 60 "$U" --platform=$p --trace=ipc,exc,task run "$B/tests/l4/kdebug" crash >"$out" 2>&1; rc=$?
	grep -E '^(ipc: xfer|umol4: (exc|task))' "$out"
	result "$p: --trace=ipc,exc,task prints the events with names, crash report names task and thread" \
		"$([ $rc = 139 ] && grep -qE '^ipc: xfer +kdmain -> kdserver tag=410000\(label=65 ' "$out" &&
		grep -qE '^ipc: xfer +kdserver -> kdmain tag=420000\(label=66 ' "$out" &&
		grep -qE '^umol4: exc: thread kdmain trap 14 err [0-9a-f]+ ip [0-9a-f]+ pfa 1000$' "$out" &&
		grep -qE '^umol4: task [^ ]+ \(pid [0-9]+\) created$' "$out" &&
		grep -qE '^umol4: task kdvictim \(pid [0-9]+\) ended' "$out" &&
		grep -qF 'task kdvictim, thread kdmain: unhandled exception, trap 14' "$out" && echo 1)"

	# a running thread is kicked into the kernel and moved by ex_regs
	timeout 60 "$U" --platform=$p run "$B/tests/l4/kick" >"$out" 2>&1; rc=$?
	result "$p: ex_regs moves a running thread (kick)" "$([ $rc = 0 ] && grep -q '^PASSED' "$out" && echo 1)"

	# isolation: raw system calls reach nothing on the host; an unemulated one stops the task
	probe=$(mktemp -u /tmp/umol4-probe-XXXXXX)
	timeout 60 "$U" --platform=$p run "$B/tests/l4/isolation" "$probe" >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: isolation: no host effect, unemulated syscall stops the task (exit 139)" \
		"$([ $rc = 139 ] && [ ! -e "$probe" ] && ! grep -q '^not ok' "$out" && grep -q 'Linux system call 39' "$out" && echo 1)"

	# confinement under attack: stub writes, jumps into the stub with
	# forbidden calls, garbage to every object; the victim process must
	# live, the file must not appear, the kernel must keep serving
	sleep 600 & victim=$!
	probe=$(mktemp -u /tmp/umol4-confine-XXXXXX)
	suite $p confine "confinement: stub writes, jumps into the stub, garbage to every object" $victim "$probe"
	result "$p: confinement: the victim process lives, no host file appeared" \
		"$(kill -0 $victim 2>/dev/null && [ ! -e "$probe" ] && echo 1)"
	kill $victim 2>/dev/null; wait $victim 2>/dev/null

	# a crashing task is reported, the kernel ends cleanly with 128+SIGSEGV
	timeout 60 "$U" --platform=$p run "$B/tests/l4/crash" >"$out" 2>&1; rc=$?
	result "$p: segfault reported (exit 139)" "$([ $rc = 139 ] && grep -q 'unhandled exception, trap 14' "$out" && ! grep -q 'not reached' "$out" && echo 1)"

	# kill -9 of umol4 leaves no task process behind
	"$U" --platform=$p run "$B/tests/l4/loop" >"$out" 2>&1 &
	kpid=$!
	for _ in $(seq 50); do grep -q looping "$out" && break; sleep 0.1; done
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
		"$U" --platform=$p run "$B/tests/l4/loop" >"$out" 2>&1 &
		kpid=$!
		for _ in $(seq 50); do grep -q looping "$out" && break; sleep 0.1; done
		task=$(pgrep -P $kpid | head -1)
		[ -n "$task" ] && kill -9 "$task"
		wait $kpid; rc=$?
		st=$(awk '{print $3}' /proc/$task/stat 2>/dev/null)
		result "$p: a task process killed from the host is reaped, umol4 exits 137 (task $task)" \
			"$([ -n "$task" ] && [ $rc = 137 ] && { [ -z "$st" ] || [ "$st" = Z ]; } && echo 1)"
	fi
done

# bad usage and missing programs get a clear error and a distinct code
"$U" bogus >/dev/null 2>&1; rc1=$?
"$U" run /nonexistent >/dev/null 2>&1; rc2=$?
"$U" run /etc/passwd >"$out" 2>&1; rc3=$?
"$U" --trace=bogus run "$B/tests/l4/exitcode" >/dev/null 2>&1; rc4=$?
"$U" --trace=ipc,nope run "$B/tests/l4/exitcode" >/dev/null 2>&1; rc5=$?
"$U" --trace= run "$B/tests/l4/exitcode" >/dev/null 2>&1; rc6=$?
"$U" --trace=ipc,exc,task run "$B/tests/l4/exitcode" 5 >/dev/null 2>&1; rc7=$?
result "a bad --trace list is a usage error (64: $rc4 $rc5 $rc6), a good one runs (5: $rc7)" \
	"$([ $rc4 = 64 ] && [ $rc5 = 64 ] && [ $rc6 = 64 ] && [ $rc7 = 5 ] && echo 1)"
result "usage errors exit 64, a non-ELF root exits 72" "$([ $rc1 = 64 ] && [ $rc2 = 64 ] && [ $rc3 = 72 ] && echo 1)"

# the mapping database, linked directly into a host test
"$B/tests/unit/mapdb_test" >"$out" 2>&1; rc=$?
cat "$out"
result "mapdb unit tests" "$([ $rc = 0 ] && ! grep -q '^not ok' "$out" && echo 1)"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
