/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "create.h"
#include "json-flat.h"
#include "log.h"
#include "luks.h"
#include "memory-util.h"

static void crypt_log_cb(int level, const char *msg, void *usrptr) {
        size_t l = strlen(msg);

        (void) usrptr;
        (void) level;
        /* libcryptsetup's messages end in a newline; log.h adds its own.
         * They never hold key material. */
        if (l > 0 && msg[l - 1] == '\n')
                l--;
        log_debug("libcryptsetup: %.*s", (int) l, msg);
}

void luks_setup_logging(void) {
        crypt_set_log_callback(NULL, crypt_log_cb, NULL);
        crypt_set_debug_level(CRYPT_DEBUG_NONE);
}

uint32_t luks_pbkdf_memory_kb(void) {
        struct sysinfo si;
        uint64_t half_kb;

        if (sysinfo(&si) < 0)
                return 256u * 1024u; /* a cautious middle when RAM is unknown */
        half_kb = (uint64_t) si.totalram * si.mem_unit / 1024 / 2;
        if (half_kb > LUKS_PBKDF_MAX_MEMORY_KB)
                half_kb = LUKS_PBKDF_MAX_MEMORY_KB;
        if (half_kb < 32u * 1024u)
                half_kb = 32u * 1024u;
        return (uint32_t) half_kb;
}

int luks_init(const char *device, struct crypt_device **ret) {
        struct crypt_device *cd = NULL;
        int r;

        luks_setup_logging();
        r = crypt_init(&cd, device);
        if (r < 0)
                return log_debug_errno(r, "Failed to open '%s' for libcryptsetup: %m", device);
        crypt_set_log_callback(cd, crypt_log_cb, NULL);
        *ret = cd;
        return 0;
}

int luks_load(struct crypt_device *cd) {
        int r = crypt_load(cd, CRYPT_LUKS2, NULL);
        if (r < 0)
                return log_debug_errno(r, "No LUKS2 header on '%s': %m", crypt_get_device_name(cd));
        return 0;
}

int luks_set_pbkdf(struct crypt_device *cd) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        struct crypt_pbkdf_type pbkdf = {
                .type = CRYPT_KDF_ARGON2ID,
                .hash = "sha256",
                .time_ms = LUKS_PBKDF_TIME_MS,
                .max_memory_kb = luks_pbkdf_memory_kb(),
                .parallel_threads = cpus > 4   ? 4
                                    : cpus < 1 ? 1
                                               : (uint32_t) cpus,
        };
        int r = crypt_set_pbkdf_type(cd, &pbkdf);
        if (r < 0)
                return log_debug_errno(r, "Failed to set argon2id parameters: %m");
        return 0;
}

int luks_format(struct crypt_device *cd, const char *label) {
        struct crypt_params_luks2 params = {
                .label = label,
                .sector_size = 512,
        };
        int r;

        r = luks_set_pbkdf(cd);
        if (r < 0)
                return r;
        /* NULL volume key: libcryptsetup draws 64 bytes (aes-xts 2x256) from
         * the kernel RNG and keeps them, wiped on crypt_free(). */
        r = crypt_format(cd, CRYPT_LUKS2, "aes", "xts-plain64", NULL, NULL, 512 / 8, &params);
        if (r < 0)
                return log_debug_errno(r, "Failed to write LUKS2 header to '%s': %m",
                                       crypt_get_device_name(cd));
        return 0;
}

int luks_add_key_after_format(struct crypt_device *cd, const char *key, size_t key_size) {
        int r = crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0, key, key_size);
        if (r < 0)
                return log_debug_errno(r, "Failed to add keyslot on '%s': %m", crypt_get_device_name(cd));
        return r;
}

int luks_count_keyslots(struct crypt_device *cd) {
        int n = 0, max = crypt_keyslot_max(CRYPT_LUKS2);

        for (int i = 0; i < max; i++) {
                crypt_keyslot_info ki = crypt_keyslot_status(cd, i);
                if (ki == CRYPT_SLOT_ACTIVE || ki == CRYPT_SLOT_ACTIVE_LAST)
                        n++;
        }
        return n;
}

/* Returns the id of our token, -ENOENT when there is none. */
static int find_token(struct crypt_device *cd) {
        for (int id = 0; id < 32; id++) {
                const char *type = NULL;
                crypt_token_info ti = crypt_token_status(cd, id, &type);
                if (ti == CRYPT_TOKEN_INVALID)
                        break;
                if (ti == CRYPT_TOKEN_INACTIVE || !type)
                        continue;
                if (streq(type, PERSIST_CREATE_TOKEN_TYPE))
                        return id;
        }
        return -ENOENT;
}

int luks_token_get_state(struct crypt_device *cd, char **ret) {
        const char *json = NULL;
        int id, r;

        id = find_token(cd);
        if (id < 0)
                return id;
        r = crypt_token_json_get(cd, id, &json);
        if (r < 0)
                return log_debug_errno(r, "Failed to read LUKS2 token %i: %m", id);
        r = json_flat_get_string(json, strlen(json), "state", ret);
        if (r < 0)
                return log_debug_errno(r == -ENOMEM ? r : -EINVAL,
                                       "Malformed nd-persist-create token %i: %m", id);
        return 0;
}

int luks_token_set_state(struct crypt_device *cd, const char *state) {
        char json[256];
        int id, r;

        id = find_token(cd);
        r = snprintf(json, sizeof(json), "{\"type\":\"%s\",\"keyslots\":[],\"version\":1,\"state\":\"%s\"}",
                     PERSIST_CREATE_TOKEN_TYPE, state);
        if (r < 0 || (size_t) r >= sizeof(json))
                return -EINVAL;
        r = crypt_token_json_set(cd, id >= 0 ? id : CRYPT_ANY_TOKEN, json);
        if (r < 0)
                return log_debug_errno(r, "Failed to record creation state '%s': %m", state);
        return 0;
}
