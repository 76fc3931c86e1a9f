/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "verbs.h"

int verb_passphrase(int argc, char *argv[]) {
        (void) argc;
        (void) argv;
        fprintf(stderr, "nd-persist passphrase: not implemented yet\n");
        return 1;
}
