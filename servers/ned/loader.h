/* What ned needs from a program loader: start a program from rom/ with
 * arguments, environment, named capabilities and a log tag; then watch and
 * end it.  ned's Lua module calls only these; one file implements them on
 * whatever launcher the system offers (moe's <l4/umol4/launch.h>). */
#ifndef NED_LOADER_H
#define NED_LOADER_H
#include <l4/sys/types.h>

/* One entry of the program's capability table (l4re_env caps). */
struct loader_cap
{
	const char  *name;      /* at most 15 characters */
	l4_cap_idx_t cap;       /* in ned's space */
	unsigned     rights;    /* L4_CAP_FPAGE_* | L4_FPAGE_C_* to map it with */
};

struct loader_request
{
	const char *const *argv;     /* argv[0] = "rom/prog"; argc entries */
	int                argc;
	const char *const *envp;     /* "NAME=value", envc entries */
	int                envc;
	const struct loader_cap *caps;
	unsigned           ncaps;
	const char        *log_tag;  /* NULL: the program's base name */
	const char        *log_colour; /* a colour letter ("g", "C"), or NULL */
	l4_cap_idx_t       log;      /* a log to use instead, or L4_INVALID_CAP */
	l4_cap_idx_t       factory;  /* kernel factory for the program, or invalid */
	l4_cap_idx_t       mem;      /* memory allocator (user factory), or invalid */
	l4_cap_idx_t       scheduler;/* or invalid */
	unsigned long      ldr_flags;
	unsigned long      l4re_dbg;
};

enum loader_state { LOADER_RUNNING, LOADER_ZOMBIE };

struct loader_app;

/* Whether this build can start programs at all (ned says so early). */
int loader_available(void);
/* Start the program; 0 and *app, or -L4_E* (-L4_ENOENT: not in rom/,
 * -L4_ENOSYS: no launcher). */
int loader_start(const struct loader_request *req, struct loader_app **app);
enum loader_state loader_state(struct loader_app *app);
/* Block until the program ended; its exit code. */
long loader_wait(struct loader_app *app);
/* The exit code once ended (0 while running). */
long loader_exit_code(struct loader_app *app);
/* End the program now. */
void loader_kill(struct loader_app *app);
/* ned no longer refers to app; frees it once ended. */
void loader_release(struct loader_app *app);
/* Block until every program started has ended. */
void loader_wait_all(void);

#endif
