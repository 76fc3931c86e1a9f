/* SPDX-License-Identifier: MIT */
#include "cmdline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fd-util.h"
#include "fileio.h"
#include "macro.h"

static bool is_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int add_word(Cmdline *c, const char *word, size_t len) {
        _cleanup_free_ char *key = NULL, *value = NULL;
        const char *eq = memchr(word, '=', len);

        if (eq) {
                key = strndup(word, (size_t) (eq - word));
                value = strndup(eq + 1, len - (size_t) (eq - word) - 1);
                if (!key || !value)
                        return -ENOMEM;
        } else {
                key = strndup(word, len);
                if (!key)
                        return -ENOMEM;
        }

        CmdlineArg *args = reallocarray(c->args, c->n_args + 1, sizeof *args);
        if (!args)
                return -ENOMEM;
        c->args = args;
        c->args[c->n_args++] = (CmdlineArg){ .key = TAKE_PTR(key), .value = TAKE_PTR(value) };
        return 0;
}

int cmdline_parse(const char *text, size_t size, Cmdline **ret) {
        _cleanup_free_ char *word = NULL;
        Cmdline *c;
        int r;

        if (memchr(text, '\0', size))
                return -EINVAL;
        if (size > CMDLINE_MAX)
                return -E2BIG;

        c = calloc(1, sizeof *c);
        word = malloc(size + 1);
        if (!c || !word) {
                free(c);
                return -ENOMEM;
        }

        size_t i = 0;
        for (;;) {
                while (i < size && is_space(text[i]))
                        i++;
                if (i >= size)
                        break;

                /* Copy one word, dropping quote characters, honouring quoted
                 * whitespace. */
                size_t len = 0;
                bool quoted = false;
                for (; i < size; i++) {
                        if (text[i] == '"') {
                                quoted = !quoted;
                                continue;
                        }
                        if (!quoted && is_space(text[i]))
                                break;
                        word[len++] = text[i];
                }
                if (len == 0)
                        continue; /* a word that was only quotes: "" */

                r = add_word(c, word, len);
                if (r < 0) {
                        cmdline_free(c);
                        return r;
                }
        }

        *ret = c;
        return 0;
}

int cmdline_read(const char *path, Cmdline **ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t size;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        r = read_full_fd(fd, CMDLINE_MAX + 1, 0, &text, &size);
        if (r == -EFBIG)
                return -E2BIG;
        if (r < 0)
                return r;
        return cmdline_parse(text, size, ret);
}

Cmdline *cmdline_free(Cmdline *c) {
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_args; i++) {
                free(c->args[i].key);
                free(c->args[i].value);
        }
        free(c->args);
        free(c);
        return NULL;
}

const CmdlineArg *cmdline_get(const Cmdline *c, const char *key) {
        for (size_t i = c->n_args; i > 0; i--)
                if (streq(c->args[i - 1].key, key))
                        return &c->args[i - 1];
        return NULL;
}

bool cmdline_get_bool(const Cmdline *c, const char *key, int *ret_error) {
        static const char *const yes[] = { "", "1", "yes", "true", "on" };
        static const char *const no[] = { "0", "no", "false", "off" };
        const CmdlineArg *arg = cmdline_get(c, key);

        if (ret_error)
                *ret_error = 0;
        if (!arg)
                return false;
        if (!arg->value)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(arg->value, yes[i]) == 0)
                        return true;
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (strcasecmp(arg->value, no[i]) == 0)
                        return false;
        if (ret_error)
                *ret_error = -EINVAL;
        return false;
}

int cmdline_foreach_prefix(const Cmdline *c, const char *prefix,
                           int (*cb)(const CmdlineArg *arg, void *userdata), void *userdata) {
        for (size_t i = 0; i < c->n_args; i++) {
                if (!startswith(c->args[i].key, prefix))
                        continue;
                int r = cb(&c->args[i], userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}
