/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs-util.h"
#include "log.h"
#include "macro.h"

static char *mfree_str(char *p) {
        free(p);
        return NULL;
}

static const char *const known_keys[] = {
        "neuraldrive.system",          "neuraldrive.system.timeout",  "neuraldrive.persist",
        "neuraldrive.persist.keyfile", "neuraldrive.persist.timeout", "neuraldrive.toram",
        "neuraldrive.recovery",        "neuraldrive.debug",
};

static void device_spec_done(DeviceSpec *s) {
        s->value = mfree_str(s->value);
        s->type = DEVICE_SPEC_NONE;
}

const char *device_spec_type_to_string(DeviceSpecType t) {
        switch (t) {
        case DEVICE_SPEC_PATH:
                return "path";
        case DEVICE_SPEC_LABEL:
                return "LABEL";
        case DEVICE_SPEC_PARTLABEL:
                return "PARTLABEL";
        case DEVICE_SPEC_UUID:
                return "UUID";
        case DEVICE_SPEC_PARTUUID:
                return "PARTUUID";
        default:
                return "(none)";
        }
}

const char *persist_mode_to_string(PersistMode m) {
        switch (m) {
        case PERSIST_MODE_OFF:
                return "off";
        case PERSIST_MODE_CREATE:
                return "create";
        case PERSIST_MODE_DEVICE:
                return "device";
        default:
                return "auto";
        }
}

static bool value_is_printable(const char *v) {
        size_t n = strlen(v);

        if (n == 0 || n > 255)
                return false;
        for (const unsigned char *p = (const unsigned char *) v; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

int device_spec_parse(const char *s, DeviceSpec *ret) {
        static const struct {
                const char *prefix;
                DeviceSpecType type;
        } prefixes[] = {
                { "LABEL=", DEVICE_SPEC_LABEL },
                { "PARTLABEL=", DEVICE_SPEC_PARTLABEL },
                { "UUID=", DEVICE_SPEC_UUID },
                { "PARTUUID=", DEVICE_SPEC_PARTUUID },
        };
        DeviceSpecType type = DEVICE_SPEC_NONE;
        const char *v = NULL;

        if (startswith(s, "/dev/")) {
                if (!path_is_normalized_absolute(s))
                        return -EINVAL;
                type = DEVICE_SPEC_PATH;
                v = s;
        } else
                for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                        if ((v = startswith(s, prefixes[i].prefix))) {
                                type = prefixes[i].type;
                                break;
                        }
        if (type == DEVICE_SPEC_NONE || !value_is_printable(v))
                return -EINVAL;

        char *copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        *ret = (DeviceSpec){ .type = type, .value = copy };
        return 0;
}

int config_split_device_path(const char *s, char **ret_device, char **ret_path) {
        const char *sep = strstr(s, ":/");

        if (!sep) {
                char *d = strdup(s);
                if (!d)
                        return -ENOMEM;
                *ret_device = d;
                *ret_path = NULL;
                return 1;
        }

        _cleanup_free_ char *d = strndup(s, (size_t) (sep - s));
        char *p = strdup(sep + 1);
        if (!d || !p) {
                free(p);
                return -ENOMEM;
        }
        *ret_device = TAKE_PTR(d);
        *ret_path = p;
        return 0;
}

/* A file on a medium: absolute, normalized, not the root itself. */
static bool image_path_is_valid(const char *p) {
        return path_is_normalized_absolute(p) && !streq(p, "/") && value_is_printable(p);
}

static int parse_system(const char *value, PersistConfig *cfg) {
        _cleanup_free_ char *dev = NULL, *path = NULL;
        DeviceSpec spec = {};
        int r;

        r = config_split_device_path(value, &dev, &path);
        if (r < 0)
                return r;

        if (r > 0 && value[0] == '/' && !startswith(value, "/dev/")) {
                /* A bare file path: look for it on every medium. */
                if (!image_path_is_valid(value))
                        return -EINVAL;
                cfg->system_path = TAKE_PTR(dev);
                return 0;
        }

        r = device_spec_parse(dev, &spec);
        if (r < 0)
                return r;
        if (path && !image_path_is_valid(path)) {
                device_spec_done(&spec);
                return -EINVAL;
        }
        cfg->system = spec;
        cfg->system_path = TAKE_PTR(path);
        return 0;
}

static int parse_persist(const char *value, PersistConfig *cfg) {
        if (streq(value, "auto"))
                cfg->persist = PERSIST_MODE_AUTO;
        else if (streq(value, "off"))
                cfg->persist = PERSIST_MODE_OFF;
        else if (streq(value, "create"))
                cfg->persist = PERSIST_MODE_CREATE;
        else {
                int r = device_spec_parse(value, &cfg->persist_device);
                if (r < 0)
                        return r;
                cfg->persist = PERSIST_MODE_DEVICE;
        }
        return 0;
}

static int parse_keyfile(const char *value, PersistConfig *cfg) {
        _cleanup_free_ char *dev = NULL, *path = NULL;
        DeviceSpec spec = {};
        int r;

        r = config_split_device_path(value, &dev, &path);
        if (r < 0)
                return r;
        if (r > 0 || !image_path_is_valid(path))
                return -EINVAL;
        r = device_spec_parse(dev, &spec);
        if (r < 0)
                return r;
        cfg->keyfile_device = spec;
        cfg->keyfile_path = TAKE_PTR(path);
        return 0;
}

static int parse_timeout(const char *value, unsigned *ret) {
        char *end;

        if (!value || !isdigit((unsigned char) value[0]))
                return -EINVAL;
        errno = 0;
        unsigned long v = strtoul(value, &end, 10);
        if (errno != 0 || *end != '\0' || v > CONFIG_TIMEOUT_MAX)
                return -EINVAL;
        *ret = (unsigned) v;
        return 0;
}

/* Copies s for a message with control characters replaced and long values
 * cut, so a kernel argument cannot forge log lines or console output. */
static const char *printable(const char *s, char buf[static 128]) {
        size_t n = 0;

        for (const unsigned char *p = (const unsigned char *) strempty(s); *p; p++) {
                if (n >= 124) {
                        memcpy(buf + n, "...", 3);
                        n += 3;
                        break;
                }
                buf[n++] = *p < 0x20 || *p == 0x7f ? '?' : (char) *p;
        }
        buf[n] = '\0';
        return buf;
}

/* Reports a malformed value. -ENOMEM is the only error passed on. */
static int check(int r, const char *key, const char *value, const char *fallback) {
        char shown[128];

        if (r == -ENOMEM)
                return r;
        if (r < 0)
                log_warning("Ignoring malformed kernel argument '%s=%s', using %s.", key,
                            printable(value, shown), fallback);
        return 0;
}

/* console=ttyS0,115200n8 names /dev/ttyS0. Names that are not a plain device
 * name (earlycon-style "uart8250,io,0x3f8" gives "uart8250", which simply
 * does not exist) are skipped by the prompt later, not here. */
static int parse_consoles(const Cmdline *c, PersistConfig *cfg) {
        for (size_t i = 0; i < c->n_args; i++) {
                const CmdlineArg *a = &c->args[i];
                if (!streq(a->key, "console") || !a->value)
                        continue;
                size_t n = strcspn(a->value, ",");
                if (n == 0 || n > 64)
                        continue;
                bool ok = true;
                for (size_t j = 0; j < n; j++)
                        if (!isalnum((unsigned char) a->value[j]) && !strchr("_.-", a->value[j]))
                                ok = false;
                if (!ok || a->value[0] == '.')
                        continue;
                if (cfg->n_consoles >= CONFIG_CONSOLES_MAX) {
                        log_warning("More than %d console= arguments, ignoring the rest.",
                                    CONFIG_CONSOLES_MAX);
                        break;
                }
                char *node;
                if (asprintf(&node, "/dev/%.*s", (int) n, a->value) < 0)
                        return -ENOMEM;
                cfg->consoles[cfg->n_consoles++] = node;
        }
        return 0;
}

static void warn_unknown_keys(const Cmdline *c) {
        for (size_t i = 0; i < c->n_args; i++) {
                const char *key = c->args[i].key;
                bool known = false;

                if (!startswith(key, "neuraldrive."))
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(known_keys); j++)
                        if (streq(key, known_keys[j]))
                                known = true;
                if (!known) {
                        char shown[128];
                        log_warning("Ignoring unknown kernel argument '%s'.", printable(key, shown));
                }
        }
}

static const char *value_of(const Cmdline *c, const char *key, bool *ret_present) {
        const CmdlineArg *a = cmdline_get(c, key);
        *ret_present = a != NULL;
        return a ? a->value : NULL;
}

int config_from_cmdline(const Cmdline *c, PersistConfig *ret) {
        PersistConfig cfg = {
                .system_timeout = CONFIG_SYSTEM_TIMEOUT_DEFAULT,
                .persist = PERSIST_MODE_AUTO,
                .persist_timeout = CONFIG_PERSIST_TIMEOUT_DEFAULT,
        };
        const char *v;
        bool present;
        int r, e;

        warn_unknown_keys(c);

        v = value_of(c, "neuraldrive.system", &present);
        if (present) {
                r = check(v ? parse_system(v, &cfg) : -EINVAL, "neuraldrive.system", v,
                          "the default search");
                if (r < 0)
                        goto fail;
        }

        v = value_of(c, "neuraldrive.system.timeout", &present);
        if (present)
                (void) check(parse_timeout(v, &cfg.system_timeout), "neuraldrive.system.timeout", v,
                             "the default timeout");

        v = value_of(c, "neuraldrive.persist", &present);
        if (present) {
                r = check(v ? parse_persist(v, &cfg) : -EINVAL, "neuraldrive.persist", v, "auto");
                if (r < 0)
                        goto fail;
        }

        v = value_of(c, "neuraldrive.persist.keyfile", &present);
        if (present) {
                r = check(v ? parse_keyfile(v, &cfg) : -EINVAL, "neuraldrive.persist.keyfile", v,
                          "no key file");
                if (r < 0)
                        goto fail;
        }

        v = value_of(c, "neuraldrive.persist.timeout", &present);
        if (present)
                (void) check(parse_timeout(v, &cfg.persist_timeout), "neuraldrive.persist.timeout", v,
                             "the default timeout");

        cfg.toram = cmdline_get_bool(c, "neuraldrive.toram", &e);
        if (e < 0)
                (void) check(e, "neuraldrive.toram", cmdline_get(c, "neuraldrive.toram")->value,
                             "no copy to RAM");
        cfg.debug = cmdline_get_bool(c, "neuraldrive.debug", &e);
        if (e < 0)
                (void) check(e, "neuraldrive.debug", cmdline_get(c, "neuraldrive.debug")->value,
                             "no debug output");

        r = parse_consoles(c, &cfg);
        if (r < 0)
                goto fail;

        *ret = cfg;
        return 0;

fail:
        config_done(&cfg);
        return r;
}

void config_done(PersistConfig *cfg) {
        device_spec_done(&cfg->system);
        device_spec_done(&cfg->persist_device);
        device_spec_done(&cfg->keyfile_device);
        cfg->system_path = mfree_str(cfg->system_path);
        cfg->keyfile_path = mfree_str(cfg->keyfile_path);
        for (size_t i = 0; i < cfg->n_consoles; i++)
                cfg->consoles[i] = mfree_str(cfg->consoles[i]);
        cfg->n_consoles = 0;
}
