/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "verbs.h"

int verb_status(int argc, char *argv[]) {
        (void) argc;
        (void) argv;
        fprintf(stderr, "nd-persist status: not implemented yet\n");
        return 1;
}
