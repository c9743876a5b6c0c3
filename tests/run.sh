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

# umol4 on platform $p with these arguments: output shown and in $out,
# exit code in $rc.
umol4_run() {
	timeout 60 "$U" --platform=$p "$@" >"$out" 2>&1; rc=$?
	cat "$out"
}

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
	suite $p ipc "ipc suite"

	# memory and exceptions across three tasks: pager, map/grant/unmap, rights, exception IPC
	suite $p memory "memory suite (page faults, mapdb, exceptions)"

	# TRIGGER_EXCEPTION, alien threads, add_ku_mem, a 1 GiB flexpage, copy-on-write, ex_regs in page-fault IPC
	suite $p memory2 "memory suite 2 (trigger, alien, ku mem, 1 GiB, COW, ex_regs in page faults)"

	# single-stepping: TF in a handler's reply after int3 or TRIGGER_EXCEPTION, TF set by popf
	suite $p step "single-step: one trap 1 per instruction while the handler keeps TF set"

	# gate deletion: dec_refcnt and the thread's delete IRQ (how moe frees dataspaces)
	suite $p delirq "gate deletion IRQ after dec_refcnt"

	# sigma0: KIP, RAM at an address, any page, first come first served, refusals
	suite $p sigma0 "sigma0 protocol"
	suite $p l4util "l4util: create_thread, aligned entry, sleep, atomics, bits"

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
		umol4_run --module="$B/tests/l4/$2=$2" run "$B/umol4-moe" --init=rom/$2
		result "$1: under moe: $2 ($3)" "$([ $rc = 0 ] && grep -q '| PASSED' "$out" && ! grep -q 'not ok' "$out" && echo 1)"
	}
	l4suite_moe $p l4re_mem "shared dataspace, launcher exit code, namespace, quota, memory returned"
	l4suite_moe $p sched_proxy "scheduler proxy: priorities shifted and capped, info forwarded"

	# ned as the root task: every script in tests/ned is a boot module
	nedmods=(); for f in tests/ned/*.lua; do nedmods+=("--module=$f"); done
	ned() { umol4_run "${nedmods[@]}" run "$B/umol4-ned" "$@"; }
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
	umol4_run "${nedmods[@]}" run "$B/tests/ned-fake-loader" rom/start.lua
	result "$p: ned: start/startv pass argv, caps with rights, log tag, environment; task wait/state/kill" \
		"$([ $rc = 0 ] && grep -q '^PASSED' "$out" && ! grep -q '^not ok' "$out" &&
		grep -q '^loader: start argc=4 \[rom/crypt_server\] \[--key\] \[42\] \[--run\]$' "$out" &&
		grep -q '^loader: caps crypt=0x200/0xef$' "$out" && grep -q '^loader: log=cryptsrv/g ' "$out" &&
		grep -q '^loader: caps crypt=0x200/0x5 other=0x5/0x7$' "$out" && grep -q '^loader: env \[HOME=/\] \[LANG=C\]$' "$out" &&
		grep -q '^loader: log=crypt_client/- ' "$out" && grep -q '^loader: start argc=3 \[rom/hello\] \[a b\]' "$out" &&
		grep -q '^loader: log=-/- logcap=0x5 ' "$out" && grep -q '^loader: ned waits for 1 running program' "$out" && echo 1)"

	# ned under moe (umol4 ned SCRIPT): a client and a server over a channel,
	# the client's exit code seen by wait(); a dataspace shared by two tasks
	umol4_run -p "$B/examples" ned examples/scenarios/calc.lua
	result "$p: scenario calc.lua: client and server over a channel, wait() gives exit code 42" \
		"$([ $rc = 0 ] && grep -q 'client  | 19 + 23 = 42' "$out" && grep -q '^ned     | the client ended with 42' "$out" && echo 1)"
	umol4_run -p "$B/tests/l4" ned tests/ned/shared_ds.lua
	result "$p: scenario shared_ds.lua: a moe dataspace written by one task, read by another" \
		"$([ $rc = 0 ] && grep -q 'reader  | read 16384 bytes, all as written' "$out" && echo 1)"
	umol4_run -p "$B/tests/l4:$B/examples" ned tests/ned/namespace.lua
	result "$p: scenario namespace.lua: a ned namespace holds a channel, found by name; a missing name is ENOENT" \
		"$([ $rc = 0 ] && grep -q 'adder: found, it answered 42' "$out" && grep -q 'nothing: not in the namespace' "$out" && echo 1)"
	umol4_run -p "$B/tests/l4" ned tests/ned/shmc.lua
	result "$p: scenario shmc.lua: libshmc producer and consumer started by ned (150 chunks)" \
		"$([ $rc = 0 ] && grep -q 'cons    | shmc_cons: received 150 chunks, 150 as sent' "$out" && echo 1)"
	umol4_run -p "$B/tests/l4" ned tests/ned/ringbuf.lua
	result "$p: scenario ringbuf.lua: libshmc ring buffer sender and receiver started by ned (2000 packets of 1 to 996 bytes, wrapping)" \
		"$([ $rc = 0 ] && grep -q 'rbrecv  | rb_recv: received 2000 packets, 996868 bytes, 2000 as sent and in order; held back 8 times; then empty' "$out" &&
		   grep -q 'rbsend  | rb_send: sent 2000 packets, 996868 bytes' "$out" && echo 1)"
	umol4_run -p "$B/tests/l4" ned tests/ned/pids.lua
	p1=$(sed -n 's/^first *| pid \([0-9]*\) ppid 1 tid \1$/\1/p' "$out")
	p2=$(sed -n 's/^second *| pid \([0-9]*\) ppid 1 tid \1$/\1/p' "$out")
	result "$p: posix: two programs get distinct process ids (main thread's tid = pid, parent 1) ($p1, $p2)" \
		"$([ $rc = 0 ] && [ -n "$p1" ] && [ -n "$p2" ] && [ "$p1" != "$p2" ] && [ "$p1" -gt 1 ] && echo 1)"
	umol4_run -p "$B/examples" boot examples/scenarios/modules.list hello
	result "$p: modules.list entry hello: moe starts rom/hello with its arguments" \
		"$([ $rc = 0 ] && grep -q '^hello   | argv\[0\]=hello, 1 argument' "$out" && echo 1)"

	suite $p ipc_more "IPC corners: send_and_wait, replies to nobody or too late, cap replies, MSGCUT, deleted server"
	suite $p revoke "capability revocation over three tasks: rights reduction, unmap, delete_obj"
	suite $p semaphore "semaphores: counting, timeout, S right, waiters in order"

	# kdebug output reaches umol4's output; names come back by global id
	umol4_run run "$B/tests/l4/kdebug"
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

	# libshmc in one task: a dataspace and two IRQs as its own named caps,
	# chunk statuses, signals, error returns, a producer and a consumer thread
	l4suite_moe $p shmc "libshmc: areas, chunk statuses, signals, errors, producer/consumer threads"

	# the libshmc ring buffer in one task: error returns, commit visibility,
	# signals, wrap-around of payloads and prefixes, a damaged head
	l4suite_moe $p ringbuf "libshmc ring buffer: errors, commit, signals, wrap-around, damaged head"

	# the shmc producer and consumer as two tasks, started by a third with
	# caps { shm = dataspace, prod = IRQ, done = IRQ } (as a ned script will)
	timeout 60 "$U" --platform=$p --module="$B/tests/l4/shmc_start=shmc_start" --module="$B/tests/l4/shmc_prod=shmc_prod" \
		--module="$B/tests/l4/shmc_cons=shmc_cons" run "$B/umol4-moe" --init=rom/shmc_start -- 200 >"$out" 2>&1; rc=$?
	cat "$out"
	result "$p: under moe: shmc producer and consumer tasks (200 chunks through a shared dataspace and two IRQs)" \
		"$([ $rc = 0 ] && grep -q '| PASSED' "$out" && grep -q 'shmc_cons: received 200 chunks, 200 as sent' "$out" &&
		   grep -q 'shmc_prod: sent 200 chunks' "$out" && ! grep -q 'not ok' "$out" && echo 1)"

	# the POSIX personality: the same programs natively and under moe, outputs compared line by line
	bash tests/posix/compare.sh $p files; rc=$?
	result "$p: posix files: rom/, /tmp, /dev/null, fds, dup/fcntl, directories, errno match native" "$([ $rc = 0 ] && echo 1)"
	OUT="$out" bash tests/posix/compare.sh $p proc unsupported; rc=$?
	result "$p: posix time and process queries match native; an unsupported call is reported once" \
		"$([ $rc = 0 ] && [ "$(grep -c '| posix: unsupported system call mincore (27): ENOSYS$' "$out")" = 1 ] && echo 1)"
	OUT="$out" bash tests/posix/compare.sh $p threads; rc=$?
	result "$p: posix threads: mutex counter over 4 joined threads, condvar ping-pong, __thread, timed wait match native" \
		"$([ $rc = 0 ] && ! grep -q 'unsupported system call' "$out" && echo 1)"

	# a running thread is kicked into the kernel and moved by ex_regs
	timeout 60 "$U" --platform=$p run "$B/tests/l4/kick" >"$out" 2>&1; rc=$?
	result "$p: ex_regs moves a running thread (kick)" "$([ $rc = 0 ] && grep -q '^PASSED' "$out" && echo 1)"

	# isolation: raw system calls reach nothing on the host; an unemulated one stops the task
	# outside /tmp: the task has a /tmp of its own (an in-task tmpfs)
	probe=$(mktemp -u "$PWD/$B/umol4-probe-XXXXXX")
	umol4_run run "$B/tests/l4/isolation" "$probe"
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
"$U" --trace=bogus run "$B/tests/l4/exitcode" >/dev/null 2>&1; rc4=$?
"$U" --trace=ipc,nope run "$B/tests/l4/exitcode" >/dev/null 2>&1; rc5=$?
"$U" --trace= run "$B/tests/l4/exitcode" >/dev/null 2>&1; rc6=$?
"$U" --trace=ipc,exc,task run "$B/tests/l4/exitcode" 5 >/dev/null 2>&1; rc7=$?
result "a bad --trace list is a usage error (64: $rc4 $rc5 $rc6), a good one runs (5: $rc7)" \
	"$([ $rc4 = 64 ] && [ $rc5 = 64 ] && [ $rc6 = 64 ] && [ $rc7 = 5 ] && echo 1)"
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

# the smallest memory the command line allows still boots (sigma0 and a root task fit)
"$U" -m 16M run "$B/examples/hello" >"$out" 2>&1; rc1=$?
"$U" -m 15M run "$B/examples/hello" >/dev/null 2>&1; rc2=$?
result "-m 16M boots hello, -m 15M is a usage error" "$([ $rc1 = 0 ] && grep -q 'Hello World' "$out" && [ $rc2 = 64 ] && echo 1)"

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
