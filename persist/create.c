/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "create.h"
#include "memory-util.h"

int persist_create(const PersistCreateOptions *o, PersistCreateResult *ret) {
        (void) o;
        (void) ret;
        return -EOPNOTSUPP;
}

void persist_create_result_done(PersistCreateResult *r) {
        free(r->volume);
        free(r->mapper);
        r->recovery_key = erase_and_free(r->recovery_key);
        r->volume = r->mapper = NULL;
}
