/* bench:webhooks, BENCH_SLOW_FSYNC_US: every fsync and fdatasync of a server process returns only after
 * SLOW_FSYNC_US more microseconds, as on a disk whose flushes are slow. Loaded with LD_PRELOAD; SQLite's
 * syncs (better-sqlite3 links them from libc) and libuv's both go through these. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void slow_down(void) {
  const char *s = getenv("SLOW_FSYNC_US");
  long us = s ? atol(s) : 0;
  if (us <= 0) return;
  struct timespec t = { us / 1000000, (us % 1000000) * 1000 };
  while (nanosleep(&t, &t) != 0) {}
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  int r = real(fd);
  slow_down();
  return r;
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  int r = real(fd);
  slow_down();
  return r;
}
