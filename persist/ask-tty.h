/* SPDX-License-Identifier: MIT */
#pragma once

/* Asking the person at the terminal (/dev/tty, never stdin, so a pipe can
 * not answer a question meant for a human). */

#include <stddef.h>

#define ASK_TTY_MAX 1024

/* Prints prompt on the terminal and reads one line with echo off. *ret is
 * the line without its newline, NUL-terminated, owned by the caller and to
 * be released with erase_and_free(). Returns 0, -ENXIO when there is no
 * terminal, -ECANCELED on end of input, -E2BIG for a line longer than
 * ASK_TTY_MAX, or another negative errno. */
int ask_tty_secret(const char *prompt, char **ret);

/* As ask_tty_secret() with echo on, for answers that are not secret
 * (typed confirmations); release *ret with free(). */
int ask_tty_line(const char *prompt, char **ret);

/* Asks for a new secret twice (prompt, then "Repeat: ..."); refuses an
 * empty one and two that differ (-EINVAL, after saying so on the
 * terminal). Returns as ask_tty_secret(). */
int ask_tty_new_secret(const char *prompt, char **ret);

/* Reads a passphrase from fd: the bytes up to the first newline or end of
 * input (the newline is not part of it), at most ASK_TTY_MAX bytes.
 * *ret and *ret_size as ask_tty_secret(). Returns 0, -EINVAL when empty, or a
 * negative errno. */
int ask_fd_passphrase(int fd, char **ret, size_t *ret_size);
