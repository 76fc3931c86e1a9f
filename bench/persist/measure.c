/* SPDX-License-Identifier: MIT */
/* Runs a command and prints its wall time, peak RSS and CPU time (user +
 * system, of it and the children it waited for):
 *   "wall_ms=12.345 maxrss_kib=4321 status=0 cpu_ms=6.789"
 * The RSS comes from wait4(): the child's own peak, or that of a child it
 * waited for (e2fsck) when that was larger. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        struct timespec a, b;
        struct rusage ru;
        int status;

        if (argc < 2) {
                fprintf(stderr, "usage: measure COMMAND [ARGS...]\n");
                return 2;
        }
        clock_gettime(CLOCK_MONOTONIC, &a);
        pid_t pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                execvp(argv[1], argv + 1);
                _exit(127);
        }
        if (wait4(pid, &status, 0, &ru) < 0)
                return 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        double cpu_ms = (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                        (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
        printf("wall_ms=%.3f maxrss_kib=%ld status=%d cpu_ms=%.3f\n",
               (double) (b.tv_sec - a.tv_sec) * 1e3 + (double) (b.tv_nsec - a.tv_nsec) / 1e6, ru.ru_maxrss,
               WIFEXITED(status) ? WEXITSTATUS(status) : 128, cpu_ms);
        return 0;
}
