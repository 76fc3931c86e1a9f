/* SPDX-License-Identifier: MIT */
/* The console passphrase prompt, on pseudo-terminals standing in for the
 * consoles: echo off while asking, the first console that answers wins,
 * terminal settings restored, a bounded wait. */
#include <fcntl.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "macro.h"
#include "memory-util.h"
#include "unlock.h"

typedef struct Pty {
        int master, slave;
        char name[64];
} Pty;

static void pty_open(Pty *p) {
        assert_int_equal(openpty(&p->master, &p->slave, p->name, NULL, NULL), 0);
}

static void pty_close(Pty *p) {
        close(p->master);
        close(p->slave);
}

/* Types text on the master side after a delay, from a child process, so the
 * prompt has flushed its input queue and is waiting. */
static pid_t type_later(int master, const char *text, unsigned ms) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                usleep(ms * 1000);
                (void) !write(master, text, strlen(text));
                _exit(0);
        }
        return pid;
}

static void drain(int master, char *buf, size_t size) {
        ssize_t n;
        size_t got = 0;
        int fl = fcntl(master, F_GETFL);

        fcntl(master, F_SETFL, fl | O_NONBLOCK);
        while (got + 1 < size && (n = read(master, buf + got, size - 1 - got)) > 0)
                got += (size_t) n;
        buf[got] = '\0';
        fcntl(master, F_SETFL, fl);
}

static void test_answer_echo_off(void **state) {
        Pty p;
        char *pw = NULL, out[1024];
        size_t size = 0;
        struct termios before, after;
        char *consoles[] = { NULL };

        pty_open(&p);
        consoles[0] = p.name;
        assert_int_equal(tcgetattr(p.slave, &before), 0);
        pid_t pid = type_later(p.master, "s3cret pass\n", 300);
        assert_int_equal(unlock_ask_passphrase(consoles, 1, "Passphrase: ", 5, &pw, &size), 0);
        waitpid(pid, NULL, 0);
        assert_int_equal(size, 11);
        assert_string_equal(pw, "s3cret pass");
        erase_and_free(pw);

        drain(p.master, out, sizeof out);
        assert_non_null(strstr(out, "Passphrase: "));
        assert_null(strstr(out, "s3cret")); /* not echoed */
        assert_int_equal(tcgetattr(p.slave, &after), 0);
        assert_int_equal(after.c_lflag & ECHO, before.c_lflag & ECHO); /* restored */
        pty_close(&p);
}

static void test_second_console_answers(void **state) {
        Pty a, b;
        char *pw = NULL, out[1024];
        size_t size = 0;
        char *consoles[2];

        pty_open(&a);
        pty_open(&b);
        consoles[0] = a.name;
        consoles[1] = b.name;
        pid_t pid = type_later(b.master, "from-b\r", 300);
        assert_int_equal(unlock_ask_passphrase(consoles, 2, "PW: ", 5, &pw, &size), 0);
        waitpid(pid, NULL, 0);
        assert_string_equal(pw, "from-b");
        erase_and_free(pw);
        drain(a.master, out, sizeof out);
        assert_non_null(strstr(out, "PW: ")); /* asked on both */
        pty_close(&a);
        pty_close(&b);
}

static void test_timeout(void **state) {
        Pty p;
        char *pw = NULL;
        size_t size = 0;
        char *consoles[1];

        pty_open(&p);
        consoles[0] = p.name;
        assert_int_equal(unlock_ask_passphrase(consoles, 1, "PW: ", 1, &pw, &size), -ETIMEDOUT);
        assert_null(pw);
        pty_close(&p);
}

static void test_typeahead_kept(void **state) {
        Pty p;
        char *pw = NULL;
        size_t size = 0;
        char *consoles[1];

        pty_open(&p);
        consoles[0] = p.name;
        /* typed before the prompt opened the console: still the answer */
        assert_int_equal(write(p.master, "early\n", 6), 6);
        assert_int_equal(unlock_ask_passphrase(consoles, 1, "PW: ", 5, &pw, &size), 0);
        assert_string_equal(pw, "early");
        erase_and_free(pw);
        pty_close(&p);
}

static void test_no_console(void **state) {
        char *pw = NULL;
        size_t size = 0;
        char *consoles[] = { (char *) "/nonexistent/tty" };

        assert_int_equal(unlock_ask_passphrase(consoles, 1, "PW: ", 1, &pw, &size), -ENXIO);
}

static void test_empty_line(void **state) {
        Pty p;
        char *pw = NULL;
        size_t size = 7;
        char *consoles[1];

        pty_open(&p);
        consoles[0] = p.name;
        pid_t pid = type_later(p.master, "\n", 200);
        assert_int_equal(unlock_ask_passphrase(consoles, 1, "PW: ", 5, &pw, &size), 0);
        waitpid(pid, NULL, 0);
        assert_int_equal(size, 0);
        assert_string_equal(pw, "");
        erase_and_free(pw);
        pty_close(&p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_answer_echo_off), cmocka_unit_test(test_second_console_answers),
                cmocka_unit_test(test_timeout),         cmocka_unit_test(test_typeahead_kept),
                cmocka_unit_test(test_no_console),      cmocka_unit_test(test_empty_line),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
