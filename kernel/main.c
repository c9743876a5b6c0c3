/* umol4: the command line, the supervisor (the process's main thread) and
 * the boot of the root task.
 *
 * The supervisor forks every task process (they die with the thread that
 * forked them, so it must be the one thread that lives as long as umol4),
 * reaps them, and ends umol4 when the root task ends or a signal asks. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kernel.h"

#define UMOL4_VERSION "0.1"
#define ROOT_UTCB_AREA 0x7dfff8000000UL
#define ROOT_UTCB_ORDER 16

enum { EXIT_USAGE = 64, EXIT_HOST = 70, EXIT_BOOT = 72 };

struct boot_config boot = { .mem_size = 1UL << 30 };
static pthread_t supervisor;
static int request_pipe[2];
static struct task *root_task;

struct sv_request {
	int (*fn)(void *);
	void *arg;
	int result;
	sem_t done;
};

int supervisor_call(int (*fn)(void *), void *arg)
{
	if (pthread_equal(pthread_self(), supervisor))
		return fn(arg);
	struct sv_request r = { fn, arg, 0, { { 0 } } };
	sem_init(&r.done, 0, 0);
	struct sv_request *p = &r;
	if (write(request_pipe[1], &p, sizeof p) != sizeof p)
		return -EIO;
	while (sem_wait(&r.done) && errno == EINTR)
		;
	sem_destroy(&r.done);
	return r.result;
}

static int root_exit_code(void)
{
	int st = root_task->exit_status;
	if (root_task->killed_by_kernel)
		return 128 + (st & 0x7f);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_BOOT;
}

/* End every task process and reap it: nothing outlives umol4. */
static void kill_all_tasks(void)
{
	for (struct task *t = task_list; t; t = t->next_task)
		if (!t->dead && t->space)
			plat_space_kill(t->space);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

static int supervise(int sfd)
{
	struct pollfd pfd[2] = { { sfd, POLLIN, 0 }, { request_pipe[0], POLLIN, 0 } };
	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return EXIT_BOOT;
		if (pfd[1].revents & POLLIN) {
			struct sv_request *r;
			if (read(request_pipe[0], &r, sizeof r) == sizeof r) {
				r->result = r->fn(r->arg);
				sem_post(&r->done);
			}
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo != SIGCHLD) {
			pthread_mutex_lock(&kernel_lock);
			kill_all_tasks();
			return 128 + si.ssi_signo;
		}
		int st;
		pid_t pid;
		bool root_gone = false;
		pthread_mutex_lock(&kernel_lock);
		/* Only this thread's own children: a platform that traces its
		 * tasks waits for them in its tracer and reports them here. */
		while ((pid = waitpid(-1, &st, WNOHANG | __WALL | __WNOTHREAD)) > 0 ||
		       (pid = plat_reaped(&st)) > 0) {
			task_process_exited(pid, st);
			if (root_task && pid == plat_space_pid(root_task->space))
				root_gone = true;
		}
		if (root_gone) {
			int code = root_exit_code();
			if (boot.verbose)
				kernel_log("root task ended with exit code %d", code);
			kill_all_tasks();
			return code;
		}
		pthread_mutex_unlock(&kernel_lock);
	}
}

int boot_root_task(void)
{
	int err = 0;
	l4_fpage_t utcb = l4_fpage(ROOT_UTCB_AREA, ROOT_UTCB_ORDER, L4_FPAGE_RW);
	pthread_mutex_lock(&kernel_lock);
	struct task *t = task_create("root", utcb, &err);
	if (!t) {
		pthread_mutex_unlock(&kernel_lock);
		kernel_log("cannot create the root task (error %d)", err);
		return -1;
	}
	const char *base = strrchr(boot.root_path, '/');
	snprintf(t->obj.name, sizeof t->obj.name, "%s", base ? base + 1 : boot.root_path);
	t->is_root = true;
	root_task = t;
	uint64_t entry, sp;
	if (elf_load_root(t, boot.root_path, boot.root_argc, boot.root_argv, &entry, &sp)) {
		pthread_mutex_unlock(&kernel_lock);
		return -1;
	}
	struct thread *th = thread_create(&err);
	if (!th) {
		pthread_mutex_unlock(&kernel_lock);
		return -1;
	}
	snprintf(th->obj.name, sizeof th->obj.name, "%s", t->obj.name);
	cap_install(t, L4_BASE_TASK_CAP >> L4_CAP_SHIFT, &t->obj, L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_FACTORY_CAP >> L4_CAP_SHIFT, factory_create_root(), L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_THREAD_CAP >> L4_CAP_SHIFT, &th->obj, L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_LOG_CAP >> L4_CAP_SHIFT, log_get(), L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_ICU_CAP >> L4_CAP_SHIFT, icu_get(), L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_SCHEDULER_CAP >> L4_CAP_SHIFT, scheduler_get(), L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_DEBUGGER_CAP >> L4_CAP_SHIFT, debugger_get(), L4_CAP_FPAGE_RWSD, NULL);
	if (thread_bind(th, t, ROOT_UTCB_AREA)) {
		pthread_mutex_unlock(&kernel_lock);
		kernel_log("cannot start the root task's thread");
		return -1;
	}
	th->start_ip = entry;
	th->start_sp = sp;
	th->ip_set = th->sched_set = true;
	thread_try_start(th);
	pthread_mutex_unlock(&kernel_lock);
	return 0;
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	return *end || v < (1UL << 20) || v > (1ULL << 40) ? 0 : v;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: umol4 [options] run PROGRAM [ARGS...]\n"
		"Boots an L4 system on this Linux machine with PROGRAM as its root task.\n"
		"  -m, --memory=SIZE     physical memory (default 1G; K/M/G suffixes)\n"
		"      --trace=LIST      print events: ipc,exc,task (comma separated)\n"
		"      --platform=NAME   how tasks are hosted: seccomp (default) or ptrace\n"
		"  -v, --verbose         report what the kernel does\n"
		"      --help, --version\n"
		"Exit code: the root task's; 64 usage, 70/71 host lacks a feature, 72 boot failed,\n"
		"73 the host forbids ptrace (--platform=ptrace),\n"
		"128+N when a task or umol4 ended by signal N.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' }, { "trace", required_argument, NULL, 't' },
		{ "platform", required_argument, NULL, 'p' }, { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' }, { 0, 0, 0, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "+m:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!(boot.mem_size = parse_size(optarg))) {
				fprintf(stderr, "umol4: bad memory size '%s' (1M to 1T)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			if (!*optarg) {     /* an empty list is a mistake, not "trace nothing" */
				fprintf(stderr, "umol4: --trace needs a list (ipc, exc, task)\n");
				return EXIT_USAGE;
			}
			for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
				if (!strcmp(tok, "ipc")) boot.trace |= TRACE_IPC;
				else if (!strcmp(tok, "exc")) boot.trace |= TRACE_EXC;
				else if (!strcmp(tok, "task")) boot.trace |= TRACE_TASK;
				else {
					fprintf(stderr, "umol4: unknown trace '%s' (ipc, exc, task)\n", tok);
					return EXIT_USAGE;
				}
			}
			break;
		case 'p':
			if (plat_select(optarg)) {
				fprintf(stderr, "umol4: platform '%s' is not built in (have: %s)\n", optarg, plat_names());
				return EXIT_USAGE;
			}
			break;
		case 'v': boot.verbose = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("umol4 %s (platform %s)\n", UMOL4_VERSION, plat_name()); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind + 2 > argc || strcmp(argv[optind], "run")) {
		usage(stderr);
		return EXIT_USAGE;
	}
	boot.root_path = argv[optind + 1];
	boot.root_argc = argc - optind - 1;
	boot.root_argv = argv + optind + 1;
	if (access(boot.root_path, R_OK)) {
		fprintf(stderr, "umol4: %s: %s\n", boot.root_path, strerror(errno));
		return EXIT_USAGE;
	}

	/* Keep the whole system on one host CPU: a blocking hand-off across
	 * CPUs costs ten times one on the same CPU here (ARCHITECTURE.md). */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	sched_setaffinity(0, sizeof one, &one);

	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGCHLD);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	int sfd = signalfd(-1, &ss, SFD_CLOEXEC);
	supervisor = pthread_self();
	if (sfd < 0 || pipe2(request_pipe, O_CLOEXEC)) {
		perror("umol4");
		return EXIT_HOST;
	}
	int r = plat_init(argv[0], boot.mem_size);
	if (r)
		return r;
	physmem_init(boot.mem_size);
	static char kip_template[4096];
	kip_init(kip_template, boot.mem_size);       /* calibrates the clock once */
	timer_start();
	if (boot_root_task()) {
		pthread_mutex_lock(&kernel_lock);
		kill_all_tasks();
		return EXIT_BOOT;
	}
	int code = supervise(sfd);
	fflush(stdout);
	_exit(code);
}
