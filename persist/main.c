/* SPDX-License-Identifier: MIT */
/* nd-persist: find the system image, unlock the persistence volume and
 * assemble the root (boot); create and maintain the volume. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "verbs.h"

static const struct {
        const char *name;
        int (*run)(int argc, char *argv[]);
        const char *help;
} verbs[] = {
        { "boot", verb_boot, "assemble the root at boot (initramfs)" },
        { "create", verb_create, "create the encrypted persistence volume" },
        { "status", verb_status, "show the state of persistence" },
        { "passphrase", verb_passphrase, "add, change or remove a passphrase" },
        { "close", verb_close, "unmount and lock the persistence volume" },
};

static void usage(FILE *f) {
        fprintf(f, "Usage: nd-persist VERB [OPTIONS]\n\nVerbs:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                fprintf(f, "  %-11s %s\n", verbs[i].name, verbs[i].help);
        fprintf(f, "\nnd-persist VERB --help shows the options of a verb.\n");
}

int main(int argc, char *argv[]) {
        log_set_ident("nd-persist");

        if (argc < 2) {
                usage(stderr);
                return 2;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
                usage(stdout);
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(argv[1], verbs[i].name))
                        return verbs[i].run(argc - 1, argv + 1);

        fprintf(stderr, "nd-persist: unknown verb '%s'\n", argv[1]);
        usage(stderr);
        return 2;
}
