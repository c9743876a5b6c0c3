/* Boot configurations beyond `umol4 run PROGRAM`: an entry of a
 * modules.list file (`umol4 boot LIST [ENTRY]`), and a ned script booted
 * directly (`umol4 ned SCRIPT [MODULE...]`).  Both fill the same boot
 * configuration: the root task with its arguments, and the boot modules.
 *
 * Programs and modules are looked up in the module search path (--path,
 * then the list's or script's directory, then the directory of the umol4
 * binary); a name N is found as N or as umol4-N, so that `roottask moe`
 * and `module ned` find the servers umol4 builds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel.h"

#define MAX_DIRS 16
static const char *dirs[MAX_DIRS];
static unsigned ndirs;

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
}

void bootlist_add_path(const char *list)
{
	char *copy = strdup(list);
	for (char *tok = strtok(copy, ":"); tok && ndirs < MAX_DIRS; tok = strtok(NULL, ":"))
		dirs[ndirs++] = tok;
}

/* The file for a module or program name; NULL if there is none. */
static char *find(const char *name)
{
	if (strchr(name, '/'))
		return access(name, R_OK) ? NULL : strdup(name);
	static const char *const prefixes[] = { "", "umol4-" };
	for (unsigned d = 0; d < ndirs; d++)
		for (unsigned p = 0; p < 2; p++) {
			char *path;
			if (asprintf(&path, "%s/%s%s", dirs[d], prefixes[p], name) < 0)
				return NULL;
			if (!access(path, R_OK))
				return path;
			free(path);
		}
	return NULL;
}

static int add_module(const char *where, const char *name, const char *rom_name, const char *cmdline)
{
	char *path = find(name);
	if (!path) {
		fprintf(stderr, "umol4: %s: module '%s' not found in the module path\n", where, name);
		return -1;
	}
	if (boot.nmodules == sizeof boot.modules / sizeof boot.modules[0]) {
		fprintf(stderr, "umol4: %s: too many modules\n", where);
		return -1;
	}
	const char *base = strrchr(rom_name, '/');
	boot.modules[boot.nmodules++] = (struct boot_module){ path, strdup(base ? base + 1 : rom_name),
							      cmdline && *cmdline ? strdup(cmdline) : NULL };
	return 0;
}

/* The root task and its arguments from "NAME ARGS...". */
static int set_root(const char *where, char *line)
{
	char *args[64];
	int n = 0;
	for (char *tok = strtok(line, " \t"); tok && n < 63; tok = strtok(NULL, " \t"))
		args[n++] = strdup(tok);
	if (!n) {
		fprintf(stderr, "umol4: %s: roottask without a program\n", where);
		return -1;
	}
	char *path = find(args[0]);
	if (!path) {
		fprintf(stderr, "umol4: %s: root task '%s' not found in the module path\n", where, args[0]);
		return -1;
	}
	char **argv = calloc((size_t)n + 1, sizeof *argv);
	argv[0] = path;
	for (int i = 1; i < n; i++)
		argv[i] = args[i];
	boot.root_path = path;
	boot.root_argc = n;
	boot.root_argv = argv;
	return 0;
}

static char *skip_space(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* One line of the chosen entry.  Lines umol4 has no use for (kernel,
 * sigma0, bootstrap settings) are accepted and ignored. */
static int entry_line(const char *where, char *kw, char *rest)
{
	if (!strcmp(kw, "kernel") || !strcmp(kw, "sigma0") || !strcmp(kw, "bootstrap") ||
	    !strcmp(kw, "modaddr") || !strcmp(kw, "default-kernel") || !strcmp(kw, "default-bootstrap"))
		return 0;
	if (!strcmp(kw, "roottask"))
		return set_root(where, rest);
	if (!strcmp(kw, "moe")) {
		/* Shortcut: moe with the script as its argument, and the script as a module. */
		char *cfg = strtok(rest, " \t");
		if (!cfg) {
			fprintf(stderr, "umol4: %s: moe without a configuration\n", where);
			return -1;
		}
		char line[512];
		const char *base = strrchr(cfg, '/');
		snprintf(line, sizeof line, "moe rom/%s", base ? base + 1 : cfg);
		return set_root(where, line) || add_module(where, cfg, cfg, NULL);
	}
	if (!strncmp(kw, "module", 6)) {
		const char *opt = kw + 6;
		char fname[64] = "";
		if (*opt == '[') {
			/* Of the module options only fname= changes what the root task sees. */
			if (sscanf(opt, "[fname=%63[^]]]", fname) != 1) {
				fprintf(stderr, "umol4: %s: module option %s is not supported (only [fname=NAME])\n",
					where, opt);
				return -1;
			}
		} else if (*opt) {
			fprintf(stderr, "umol4: %s: unknown keyword '%s'\n", where, kw);
			return -1;
		}
		char *file = strtok(rest, " \t");
		char *args = file ? strtok(NULL, "") : NULL;
		if (!file) {
			fprintf(stderr, "umol4: %s: module without a file\n", where);
			return -1;
		}
		return add_module(where, file, *fname ? fname : file, args);
	}
	fprintf(stderr, "umol4: %s: unknown keyword '%s'\n", where, kw);
	return -1;
}

/* Read LIST; with entry NULL and exactly one entry in the file, that one. */
int bootlist_load(const char *list, const char *entry, const char *bin_dir)
{
	FILE *f = fopen(list, "r");
	if (!f) {
		fprintf(stderr, "umol4: %s: %s\n", list, strerror(errno));
		return -1;
	}
	bootlist_add_path(dir_of(list));
	bootlist_add_path(bin_dir);
	char buf[1024], where[512], *names[64];
	unsigned nentries = 0, lineno = 0;
	bool in_entry = false, found = false;
	int r = 0;
	/* Two passes: first the entry names (to pick the only one, or to list
	 * them in an error), then the lines of the chosen entry. */
	while (fgets(buf, sizeof buf, f))
		if (!strncmp(skip_space(buf), "entry", 5) && nentries < 64) {
			char *name = skip_space(skip_space(buf) + 5);
			name[strcspn(name, " \t\r\n")] = 0;
			names[nentries++] = strdup(name);
		}
	if (!entry && nentries == 1)
		entry = names[0];
	rewind(f);
	while (!r && fgets(buf, sizeof buf, f)) {
		lineno++;
		snprintf(where, sizeof where, "%s:%u", list, lineno);
		buf[strcspn(buf, "\r\n#")] = 0;
		char *line = skip_space(buf);
		if (!*line)
			continue;
		char *kw = line;
		char *rest = line + strcspn(line, " \t");
		if (*rest)
			*rest++ = 0;
		rest = skip_space(rest);
		if (!strcmp(kw, "entry")) {
			rest[strcspn(rest, " \t")] = 0;
			in_entry = entry && !strcmp(rest, entry);
			found |= in_entry;
		} else if (!strcmp(kw, "include")) {
			/* Not followed: umol4 boots one file's entry. */
			fprintf(stderr, "umol4: %s: include is not supported\n", where);
			r = -1;
		} else if (!strcmp(kw, "group") || !strcmp(kw, "module-group")) {
			if (in_entry) {
				fprintf(stderr, "umol4: %s: %s is not supported\n", where, kw);
				r = -1;
			}
		} else if (in_entry) {
			r = entry_line(where, kw, rest);
		}
	}
	fclose(f);
	if (r)
		return -1;
	if (!found) {
		fprintf(stderr, "umol4: %s: %s%s; entries:", list, entry ? "no entry " : "which entry? ",
			entry ? entry : "");
		for (unsigned i = 0; i < nentries; i++)
			fprintf(stderr, " %s", names[i]);
		fprintf(stderr, "\n");
		return -1;
	}
	if (!boot.root_path) {
		fprintf(stderr, "umol4: %s: entry %s has no roottask line\n", list, entry);
		return -1;
	}
	return 0;
}

/* A ned script booted directly: moe as root task starts ned with the
 * script; the modules are ned, the script, those named on the command
 * line, and every rom/NAME the script mentions that the path holds. */
int bootlist_ned(const char *script, int nextra, char **extra, const char *bin_dir)
{
	bootlist_add_path(dir_of(script));
	bootlist_add_path(bin_dir);
	size_t len;
	char *text = host_read_file(script, &len);
	if (!text) {
		fprintf(stderr, "umol4: %s: %s\n", script, strerror(errno));
		return -1;
	}
	const char *base = strrchr(script, '/');
	base = base ? base + 1 : script;
	char line[512];
	snprintf(line, sizeof line, "moe rom/%s", base);
	if (set_root(script, line) || add_module(script, "ned", "ned", NULL) ||
	    add_module(script, script, base, NULL)) {
		free(text);
		return -1;
	}
	for (int i = 0; i < nextra; i++)
		if (add_module(script, extra[i], extra[i], NULL)) {
			free(text);
			return -1;
		}
	for (char *p = text; p < text + len && (p = memmem(p, (size_t)(text + len - p), "rom/", 4)); p += 4) {
		char name[64];
		size_t n = strspn(p + 4, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.+");
		if (!n || n >= sizeof name)
			continue;
		memcpy(name, p + 4, n);
		name[n] = 0;
		bool have = false;
		for (unsigned m = 0; m < boot.nmodules; m++)
			have |= !strcmp(boot.modules[m].name, name);
		char *path = have ? NULL : find(name);
		if (path) {
			free(path);
			add_module(script, name, name, NULL);
		}
	}
	free(text);
	return 0;
}
