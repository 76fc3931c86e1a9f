/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "verbs.h"

int verb_create(int argc, char *argv[]) {
        (void) argc;
        (void) argv;
        fprintf(stderr, "nd-persist create: not implemented yet\n");
        return 1;
}
