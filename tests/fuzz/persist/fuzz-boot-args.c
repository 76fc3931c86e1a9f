/* SPDX-License-Identifier: MIT */
/* Fuzzes the boot-argument handling: the kernel command line parser feeding
 * config_from_cmdline(). Any command line must give a configuration within
 * bounds (timeouts, console count, console nodes directly in /dev, image and
 * key file paths normalized and absolute, device values printable), never
 * a crash; the warnings are swallowed. */
#include "../fuzz-assert.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cmdline.h"
#include "config.h"
#include "fs-util.h"
#include "log.h"
#include "macro.h"

static void sink(int level, const char *message, void *userdata) {
        for (const char *p = message; *p; p++) /* no control characters reach the console */
                FUZZ_CHECK((unsigned char) *p >= 0x20 && *p != 0x7f);
}

static void check_spec(const DeviceSpec *s) {
        if (s->type == DEVICE_SPEC_NONE) {
                FUZZ_CHECK(!s->value);
                return;
        }
        FUZZ_CHECK(s->value && s->value[0] && strlen(s->value) <= 255);
        for (const char *p = s->value; *p; p++)
                FUZZ_CHECK((unsigned char) *p >= 0x20 && *p != 0x7f);
        if (s->type == DEVICE_SPEC_PATH)
                FUZZ_CHECK(startswith(s->value, "/dev/") && path_is_normalized_absolute(s->value));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_cmdline_free_ Cmdline *c = NULL;
        PersistConfig cfg;

        log_set_sink(sink, NULL);
        if (cmdline_parse((const char *) data, size, &c) < 0)
                return 0;
        FUZZ_CHECK(config_from_cmdline(c, &cfg) == 0);

        FUZZ_CHECK(cfg.system_timeout <= CONFIG_TIMEOUT_MAX);
        FUZZ_CHECK(cfg.persist_timeout <= CONFIG_TIMEOUT_MAX);
        FUZZ_CHECK(cfg.n_consoles <= CONFIG_CONSOLES_MAX);
        for (size_t i = 0; i < cfg.n_consoles; i++) {
                const char *name = startswith(cfg.consoles[i], "/dev/");
                FUZZ_CHECK(name && name[0] && !strchr(name, '/') && name[0] != '.');
        }
        check_spec(&cfg.system);
        check_spec(&cfg.persist_device);
        check_spec(&cfg.keyfile_device);
        FUZZ_CHECK((cfg.persist == PERSIST_MODE_DEVICE) == (cfg.persist_device.type != DEVICE_SPEC_NONE));
        FUZZ_CHECK(!cfg.keyfile_path || path_is_normalized_absolute(cfg.keyfile_path));
        FUZZ_CHECK(!!cfg.keyfile_path == (cfg.keyfile_device.type != DEVICE_SPEC_NONE));
        if (cfg.system_path) {
                FUZZ_CHECK(path_is_normalized_absolute(cfg.system_path));
                FUZZ_CHECK(!streq(cfg.system_path, "/"));
        }
        config_done(&cfg);
        return 0;
}
