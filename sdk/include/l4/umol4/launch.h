/* The launcher: start an L4 program in a new task from an ELF image in a
 * dataspace, give it its L4Re environment (named capabilities, log, memory
 * allocator, region manager, parent), and learn how it ended.  moe starts
 * its init program with it; ned's Lua loader (L4.default_loader:start)
 * calls it for every program.
 *
 * The calling task needs the usual environment (l4re_env()): a factory
 * for the task and thread objects, a memory allocator for the program's
 * image and stack, and a region manager to see the ELF file.  A launcher
 * thread, created in the caller's task on first use, serves the Parent
 * protocol of every child (exit codes) and is each child's pager and
 * exception handler until the child's own region manager runs.
 *
 * All functions return 0 or a negative L4 error code (-L4_E*) unless
 * stated otherwise.  Not thread safe: call them from one thread. */
#ifndef L4_UMOL4_LAUNCH_H
#define L4_UMOL4_LAUNCH_H

#include <l4/sys/types.h>

/* One capability for the child's environment: it appears in the child's
 * l4re_env()->caps under name (at most 15 characters) with the given
 * rights (L4_CAP_FPAGE_R/W/S/D combined; L4_CAP_FPAGE_RWSD = all). */
struct umol4_launch_cap
{
  const char   *name;
  l4_cap_idx_t  cap;
  unsigned      rights;
};

struct umol4_launch_params
{
  l4_cap_idx_t binary;          /* dataspace holding the ELF executable */
  char const *const *argv;      /* NULL terminated; argv[0] = program name */
  char const *const *envp;      /* NULL terminated, or NULL for none */
  struct umol4_launch_cap const *caps; /* named capabilities, or NULL */
  unsigned num_caps;
  /* Log: a log object created from log_factory with this tag (cut or
   * padded to 8 characters in each line) and colour letter (as in ned:
   * "r", "g", "y", "b", "m", "c", "w", upper case = bright; NULL or ""
   * = no colour).  tag NULL = argv[0]'s file name. */
  char const *log_tag;
  char const *log_color;
  /* The objects the child's environment uses; L4_INVALID_CAP = the
   * caller's own (l4re_env()->factory, ->mem_alloc, ->scheduler, ->log's
   * factory = ->mem_alloc, which moe serves). */
  l4_cap_idx_t factory;         /* kernel factory: the child's "factory" */
  l4_cap_idx_t mem_alloc;       /* moe factory: the child's "mem_alloc" */
  l4_cap_idx_t scheduler;
  l4_cap_idx_t log_factory;     /* creates the child's log (L4_PROTO_LOG) */
  l4_cap_idx_t log;             /* valid: use this log as is, no tag */
};

/* Set every field to its default: no caps, no envp, all objects the
 * caller's own, no colour. */
void umol4_launch_params_init(struct umol4_launch_params *p);

/* A started program.  Opaque; valid until umol4_child_release(). */
struct umol4_child;

/* Start the program.  On success *child is its handle and the program
 * runs.  -L4_EINVAL: not an x86-64 ELF executable, bad parameters;
 * -L4_ENOMEM: memory or capability slots ran out (from the allocator). */
int umol4_launch(struct umol4_launch_params const *p, struct umol4_child **child);

/* The child's task capability (in the caller's capability space). */
l4_cap_idx_t umol4_child_task(struct umol4_child const *c);

enum umol4_child_state
{
  UMOL4_CHILD_RUNNING = 0,
  UMOL4_CHILD_EXITED  = 1,   /* called exit() / returned from main */
  UMOL4_CHILD_KILLED  = 2,   /* umol4_child_kill(), or an unhandled exception */
};

/* The current state; if not running, *exit_code (may be NULL) is the
 * exit code (exit(), or 128 + signal for an unhandled exception, or 137
 * when killed).  Does not block. */
enum umol4_child_state umol4_child_state(struct umol4_child const *c, int *exit_code);

/* Block until the child is no longer running, at most timeout_ms
 * milliseconds (~0UL = forever).  Returns the state (EXITED or KILLED) and
 * sets *exit_code, or -L4_EAGAIN if the time ran out. */
int umol4_child_wait(struct umol4_child *c, unsigned long timeout_ms, int *exit_code);

/* End the child's task now (its state becomes KILLED, exit code 137, if
 * it was running). */
int umol4_child_kill(struct umol4_child *c);

/* Forget the child: kill it if still running, drop its capabilities and
 * free the handle. */
void umol4_child_release(struct umol4_child *c);

#endif
