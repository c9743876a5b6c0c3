/* The tiny harness of the host unit tests: EXPECT records a failure (the
 * first 20 per test are printed), each test is framed by unit_begin() and
 * unit_end(name), which prints "ok N - name" or "not ok N - name";
 * unit_summary() prints the PASSED/FAILED line and gives the exit code. */
#ifndef UMOL4_TESTS_UNIT_H
#define UMOL4_TESTS_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tests_run, tests_failed;
static bool test_ok;
static int fail_messages;

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;
	test_ok = false;
	if (fail_messages++ >= 20)
		return;
	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define EXPECT(cond)                                                         \
	do {                                                                 \
		if (!(cond))                                                 \
			fail("line %d: %s", __LINE__, #cond);                \
	} while (0)

static void unit_begin(void)
{
	test_ok = true;
	fail_messages = 0;
}

static void unit_end(const char *name)
{
	tests_run++;
	if (!test_ok)
		tests_failed++;
	printf("%s %d - %s\n", test_ok ? "ok" : "not ok", tests_run, name);
	fflush(stdout);
}

static int unit_summary(void)
{
	printf("%s: %d of %d tests passed\n", tests_failed ? "FAILED" : "PASSED", tests_run - tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}

#endif
