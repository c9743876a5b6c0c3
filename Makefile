# umol4 — build everything into build/.  `make run` boots the demo,
# `make test` builds and runs every test.
CC      ?= gcc
B       := build
WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow -Wno-unused-parameter
CFLAGS  ?= -O2 -g
KCFLAGS := -std=gnu11 $(WARN) $(CFLAGS) -D_GNU_SOURCE -Iplatform -Ikernel -Isdk/include $(SAN)
STUBFLAGS := -std=gnu11 $(WARN) -Os -fvisibility=hidden -ffreestanding -fno-stack-protector -fpie \
	-fno-asynchronous-unwind-tables -mno-red-zone -fcf-protection=none -mgeneral-regs-only

all: $(B)/umol4 $(B)/umol4-stub $(B)/umol4-ptrace-stub sdk

# --- the trusted stub (platform/seccomp) ---------------------------------
STUB_SRC := platform/seccomp/stub/entry.S platform/seccomp/stub/setup.c platform/seccomp/stub/signal.c
$(B)/genfilter: platform/seccomp/genfilter.c platform/seccomp/layout.h
	@mkdir -p $(B)
	$(CC) -std=gnu11 $(WARN) -O2 -o $@ $< -lseccomp
$(B)/stub_filters.c: $(B)/genfilter
	$(B)/genfilter > $@.tmp && mv $@.tmp $@
$(B)/umol4-stub: $(STUB_SRC) $(B)/stub_filters.c platform/seccomp/stub/stub.ld platform/seccomp/stub/stub.h platform/seccomp/layout.h
	$(CC) $(STUBFLAGS) -static -nostdlib -no-pie -Wl,-T,platform/seccomp/stub/stub.ld -Wl,--build-id=none \
		-o $@ $(STUB_SRC) $(B)/stub_filters.c

# --- the ptrace platform's stub: code only, run under the tracer ----------
$(B)/umol4-ptrace-stub: platform/ptrace/stub.S platform/ptrace/stub.h platform/seccomp/layout.h platform/seccomp/stub/stub.ld
	@mkdir -p $(B)
	$(CC) $(STUBFLAGS) -static -nostdlib -no-pie -Wl,-T,platform/seccomp/stub/stub.ld -Wl,--build-id=none \
		-o $@ platform/ptrace/stub.S

.PHONY: all sdk test run clean bench test-asan
clean:
	rm -rf $(B) build-asan

# --- the kernel process -------------------------------------------------
PLATFORMS := seccomp ptrace
KSRC := $(wildcard kernel/*.c) kernel/kip_clock.S platform/platform.c platform/host.c $(foreach p,$(PLATFORMS),platform/$(p)/$(p).c)
KHDR := $(wildcard kernel/*.h platform/*.h $(foreach p,$(PLATFORMS),platform/$(p)/*.h) sdk/include/l4/sys/*.h)
$(B)/umol4: $(KSRC) $(KHDR)
	@mkdir -p $(B)
	$(CC) $(KCFLAGS) -o $@ $(KSRC) -lpthread

# --- SDK: task-side library and the compiler wrapper ----------------------
UCC := sdk/bin/umol4-cc
UCFLAGS := -std=gnu11 $(WARN) -O2 -g
# The POSIX personality (personality/: the emulation library below libc)
# is part of libumol4.a; its table of system-call names comes from musl.
MUSL_SYSCALL_H ?= /usr/include/x86_64-linux-musl/bits/syscall.h
PERSONALITY_SRC := $(wildcard personality/*.c personality/*/*.c)
SDKLIB_SRC := sdk/lib/umol4/start.S $(wildcard sdk/lib/l4sys/*.c) $(wildcard sdk/lib/l4util/*.c) \
	$(wildcard sdk/lib/sigma0/*.c) $(wildcard sdk/lib/l4re/*.c) $(wildcard sdk/lib/shmc/*.c) $(PERSONALITY_SRC) $(B)/personality/syscall_names.c
SDKLIB_OBJ := $(patsubst %,$(B)/sdk/obj/%.o,$(SDKLIB_SRC))
$(B)/personality/syscall_names.c: personality/gen_syscall_names.sh $(MUSL_SYSCALL_H)
	@mkdir -p $(dir $@)
	sh personality/gen_syscall_names.sh $(MUSL_SYSCALL_H) > $@.tmp && mv $@.tmp $@
$(B)/sdk/obj/%.o: % $(wildcard sdk/include/l4/*/*.h) $(wildcard sdk/lib/*/*.h) $(wildcard personality/*.h)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -fno-stack-protector -c -o $@ $<
$(B)/sdk/libumol4.a: $(SDKLIB_OBJ)
	rm -f $@ && ar rcs $@ $^
sdk: $(B)/sdk/libumol4.a

# --- examples and L4 test programs ----------------------------------------
EXAMPLES := $(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/*.c))
L4TESTS  := $(patsubst tests/l4/%.c,$(B)/tests/l4/%,$(wildcard tests/l4/*.c))
$(B)/examples/% $(B)/tests/l4/%: $(B)/sdk/libumol4.a
$(B)/tests/l4/shmc $(B)/tests/l4/shmc_prod $(B)/tests/l4/shmc_cons: tests/l4/shmc_test.h
$(B)/tests/l4/ringbuf $(B)/tests/l4/rb_send $(B)/tests/l4/rb_recv: tests/l4/rb_test.h
$(B)/tests/l4/ringbuf: tests/l4/shmc_test.h
$(B)/examples/%: examples/%.c $(B)/sdk/libumol4.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<
$(B)/tests/l4/%: tests/l4/%.c tests/l4/l4test.h $(B)/sdk/libumol4.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<
all: $(EXAMPLES) $(L4TESTS)

# POSIX tests: each program built for umol4 and natively (static musl),
# so that tests/run.sh can compare the two outputs.
POSIX_TESTS := $(patsubst tests/posix/%.c,%,$(wildcard tests/posix/*.c))
$(B)/tests/posix/%: tests/posix/%.c tests/posix/check.h $(B)/sdk/libumol4.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<
$(B)/tests/posix-native/%: tests/posix/%.c tests/posix/check.h
	@mkdir -p $(dir $@)
	x86_64-linux-musl-gcc -static -std=gnu11 $(WARN) -O2 -o $@ $<
all: $(addprefix $(B)/tests/posix/,$(POSIX_TESTS)) $(addprefix $(B)/tests/posix-native/,$(POSIX_TESTS))

# --- servers: L4 programs the system itself runs ---------------------------
SIGMA0_SRC := $(wildcard servers/sigma0/*.c)
$(B)/umol4-sigma0: $(SIGMA0_SRC) $(wildcard servers/sigma0/*.h) $(B)/sdk/libumol4.a
	$(UCC) $(UCFLAGS) -o $@ $(SIGMA0_SRC)
all: $(B)/umol4-sigma0

MOE_SRC := $(wildcard servers/moe/*.c)
$(B)/umol4-moe: $(MOE_SRC) $(wildcard sdk/lib/l4re/*.h) $(B)/sdk/libumol4.a
	$(UCC) $(UCFLAGS) -Isdk/lib/l4re -o $@ $(MOE_SRC)
all: $(B)/umol4-moe

# ned: the Lua init process, with Debian's liblua5.4.a (built for glibc;
# servers/ned/glibc_compat.c supplies what musl lacks).  Debian's luaconf.h
# includes a multiarch header from the glibc include directory, which
# musl-gcc does not search; a link to just that file stands in for it.
LUA_A   ?= /usr/lib/x86_64-linux-gnu/liblua5.4.a
LUA_INC ?= /usr/include/lua5.4
# The loader: loader_launch.c over moe's launcher (<l4/umol4/launch.h>);
# NED_LOADER=none builds ned without one (starting programs fails).  The
# other one is still compiled, so it cannot rot unnoticed.
NED_LOADER ?= launch
NED_SRC := $(filter-out servers/ned/loader_%.c,$(wildcard servers/ned/*.c)) servers/ned/loader_$(NED_LOADER).c servers/ned/l4_lua.S
$(B)/ned-check/%.o: servers/ned/%.c $(wildcard servers/ned/*.h) $(B)/sdk/libumol4.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -c -o $@ $<
all: $(patsubst servers/ned/%.c,$(B)/ned-check/%.o,$(wildcard servers/ned/loader_*.c))
$(B)/ned-include/lua5.4-deb-multiarch.h:
	@mkdir -p $(dir $@)
	ln -sf /usr/include/x86_64-linux-gnu/lua5.4-deb-multiarch.h $@
$(B)/umol4-ned: $(NED_SRC) $(wildcard servers/ned/*.h) servers/ned/l4.lua $(B)/ned-include/lua5.4-deb-multiarch.h $(B)/sdk/libumol4.a
	$(UCC) $(UCFLAGS) -I$(LUA_INC) -I$(B)/ned-include -o $@ $(NED_SRC) $(LUA_A)
all: $(B)/umol4-ned

# ned with a stand-in loader that prints each start request (tests/ned)
NED_FAKE_SRC := $(filter-out servers/ned/loader_%.c,$(NED_SRC)) tests/ned/loader_fake.c
$(B)/tests/ned-fake-loader: $(NED_FAKE_SRC) $(wildcard servers/ned/*.h) servers/ned/l4.lua $(B)/ned-include/lua5.4-deb-multiarch.h $(B)/sdk/libumol4.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -I$(LUA_INC) -I$(B)/ned-include -o $@ $(NED_FAKE_SRC) $(LUA_A)
all: $(B)/tests/ned-fake-loader

# --- every public header compiles with the SDK compiler and its flags ------
# (compile only: a header that breaks stops the build here, not in a user's program)
$(B)/tests/sdk/compile_all.o: tests/sdk/compile_all.c $(shell find sdk/include -name "*.h") $(UCC)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -c -o $@ $<
all: $(B)/tests/sdk/compile_all.o

# --- benchmarks: L4 programs and host limit programs --------------------------
BENCH_L4   := $(patsubst bench/l4/%.c,$(B)/bench/l4/%,$(wildcard bench/l4/*.c))
BENCH_HOST := $(patsubst bench/host/%.c,$(B)/bench/host/%,$(wildcard bench/host/*.c))
$(B)/bench/l4/%: bench/l4/%.c tests/l4/l4test.h $(B)/sdk/libumol4.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<
$(B)/bench/host/%: bench/host/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) -O2 -D_GNU_SOURCE -o $@ $<
# the boot benchmark's native twins of L4 programs (plain C, static musl)
BENCH_NATIVE := $(B)/bench/native/hello $(B)/bench/native/loop
$(B)/bench/native/hello: examples/hello.c
	@mkdir -p $(dir $@)
	x86_64-linux-musl-gcc -static -O2 -o $@ $<
$(B)/bench/native/loop: tests/l4/loop.c
	@mkdir -p $(dir $@)
	x86_64-linux-musl-gcc -static -O2 -o $@ $<
# the POSIX benchmark: each program for umol4 and natively
BENCH_POSIX := $(patsubst bench/posix/%.c,%,$(wildcard bench/posix/*.c))
$(B)/bench/posix/%: bench/posix/%.c $(B)/sdk/libumol4.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<
$(B)/bench/posix-native/%: bench/posix/%.c
	@mkdir -p $(dir $@)
	x86_64-linux-musl-gcc -static -std=gnu11 $(WARN) -O2 -o $@ $<
all: $(BENCH_L4) $(BENCH_HOST) $(BENCH_NATIVE) $(addprefix $(B)/bench/posix/,$(BENCH_POSIX)) \
	$(addprefix $(B)/bench/posix-native/,$(BENCH_POSIX))
bench: all
	@bash bench/ipc.sh
	@bash bench/fault.sh
	@bash bench/boot.sh
	@bash bench/posix.sh

# --- host unit tests: kernel modules linked directly ------------------------
$(B)/tests/unit/mapdb_test: tests/unit/mapdb_test.c tests/unit/unit.h kernel/mapdb.c kernel/mapdb.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -D_GNU_SOURCE -Ikernel $(SAN) -o $@ tests/unit/mapdb_test.c kernel/mapdb.c
all: $(B)/tests/unit/mapdb_test

# the region-manager core of the SDK library, built for the host as well
$(B)/tests/unit/rm_test: tests/unit/rm_test.c tests/unit/unit.h sdk/lib/l4re/rm_regions.c sdk/lib/l4re/rm_regions.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -D_GNU_SOURCE -Isdk/lib/l4re $(SAN) -o $@ tests/unit/rm_test.c sdk/lib/l4re/rm_regions.c
all: $(B)/tests/unit/rm_test

test: all
	@bash tests/run.sh

# --- the kernel (and the mapdb unit test) under AddressSanitizer and UBSan,
# through the whole suite; any report ends umol4 with an error, which fails
# the test that ran it.  The L4 programs are the ones in build/.
ASAN_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test-asan: all
	@$(MAKE) --no-print-directory B=build-asan SAN="$(ASAN_SAN)" build-asan/umol4 build-asan/umol4-stub \
		build-asan/umol4-ptrace-stub build-asan/tests/unit/mapdb_test
	@# the L4 programs umol4 finds beside itself are the same for both kernels
	@for f in umol4-sigma0 umol4-moe umol4-ned; do ln -sf ../$(B)/$$f build-asan/$$f; done
	@# leaks are not checked: umol4 frees nothing at its end by design
	@ASAN_OPTIONS=detect_leaks=0 UMOL4=build-asan/umol4 MAPDB_TEST=build-asan/tests/unit/mapdb_test bash tests/run.sh

run: all
	$(B)/umol4 -p $(B)/examples boot examples/scenarios/modules.list calc
