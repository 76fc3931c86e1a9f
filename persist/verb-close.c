/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "verbs.h"

int verb_close(int argc, char *argv[]) {
        (void) argc;
        (void) argv;
        fprintf(stderr, "nd-persist close: not implemented yet\n");
        return 1;
}
