/* SPDX-License-Identifier: MIT */
/* Whole runs of the provisioning library on a temporary root: what a first
 * boot leaves behind, that a second run changes nothing, that deleting one
 * artefact brings back exactly that one and what depends on it, that a run
 * cut short after any step is repaired by the next, recovery rotation, and
 * certificate renewal. */
#include <errno.h>
#include <crypt.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fb-test-util.h"
#include "fd-util.h"
#include "firstboot.h"
#include "log.h"
#include "macro.h"
#include "pki.h"
#include "reprovision.h"
#include "users.h"

typedef struct Env {
        char *dir, *root, *run;
        int rootfd, runfd;
        char *console_text;
        size_t console_size;
} Env;

static const char *extra_addrs[8];

static int fake_addresses(char ***ret) {
        size_t n = 0;
        while (extra_addrs[n])
                n++;
        char **l = calloc(n + 1, sizeof *l);
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                l[i] = strdup(extra_addrs[i]);
        *ret = l;
        return 0;
}

static Env *env_new(void) {
        Env *e = calloc(1, sizeof *e);
        const char *fixtures = getenv("ND_FIXTURES");
        assert_non_null(fixtures);
        e->dir = fbt_mkdtemp();
        e->root = fbt_path(e->dir, "root");
        e->run = fbt_path(e->dir, "run");
        assert_int_equal(fbt_run("mkdir -p '%s/etc' '%s' && for f in passwd group shadow gshadow; do "
                                 "cp '%s/firstboot/users/debian12/'$f.input '%s/etc/'$f; done && "
                                 "chmod 640 '%s/etc/shadow' '%s/etc/gshadow'",
                                 e->root, e->run, fixtures, e->root, e->root, e->root),
                         0);
        e->rootfd = open(e->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        e->runfd = open(e->run, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(e->rootfd >= 0 && e->runfd >= 0);
        return e;
}

static void env_free(Env *e) {
        safe_close(e->rootfd);
        safe_close(e->runfd);
        fbt_rm_rf(e->dir);
        free(e->dir);
        free(e->root);
        free(e->run);
        free(e->console_text);
        free(e);
}

static int env_run(Env *e, unsigned reprovision, bool renew) {
        free(e->console_text);
        e->console_text = NULL;
        FILE *console = open_memstream(&e->console_text, &e->console_size);
        FirstbootOptions o = {
                .root_fd = e->rootfd,
                .run_fd = e->runfd,
                .reprovision = reprovision,
                .renew_cert = renew,
                .console = console,
                .get_addresses = fake_addresses,
        };
        int r = firstboot_run(&o);
        fclose(console);
        return r;
}

static char *env_read(Env *e, const char *rel) {
        char *p = fbt_path(e->root, rel);
        char *d = fbt_read(p, NULL);
        free(p);
        return d;
}

/* ---- tree snapshots: which files a run touched ---- */

#define MAX_FILES 256
typedef struct Snap {
        size_t n;
        struct {
                char path[256];
                ino_t ino;
                struct timespec mtime;
                mode_t mode;
                uid_t uid;
                gid_t gid;
        } f[MAX_FILES];
} Snap;

static Snap *snap_target;
static size_t snap_prefix;

static int snap_cb(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        if (type != FTW_F && type != FTW_SL)
                return 0;
        if (strstr(path, "/.#"))
                fail_msg("temporary file left behind: %s", path);
        if (strstr(path, "/check-") || strstr(path, "/etc/neuraldrive/backup/"))
                return 0;
        assert_true(snap_target->n < MAX_FILES);
        typeof(snap_target->f[0]) *f = &snap_target->f[snap_target->n++];
        snprintf(f->path, sizeof f->path, "%s", path + snap_prefix);
        f->ino = st->st_ino;
        f->mtime = st->st_mtim;
        f->mode = st->st_mode;
        f->uid = st->st_uid;
        f->gid = st->st_gid;
        return 0;
}

static void snap(Env *e, Snap *s) {
        memset(s, 0, sizeof *s);
        snap_target = s;
        snap_prefix = strlen(e->dir);
        assert_int_equal(nftw(e->dir, snap_cb, 16, FTW_PHYS), 0);
}

/* The sorted, comma-separated list of paths that differ between a and b. */
static char *snap_diff(const Snap *a, const Snap *b) {
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);
        for (size_t i = 0; i < b->n; i++) {
                bool same = false;
                for (size_t j = 0; j < a->n; j++)
                        if (streq(a->f[j].path, b->f[i].path))
                                same = a->f[j].ino == b->f[i].ino &&
                                       a->f[j].mtime.tv_sec == b->f[i].mtime.tv_sec &&
                                       a->f[j].mtime.tv_nsec == b->f[i].mtime.tv_nsec &&
                                       a->f[j].mode == b->f[i].mode;
                if (!same)
                        fprintf(f, "%s%s", ftell(f) ? "," : "", b->f[i].path);
        }
        for (size_t j = 0; j < a->n; j++) {
                bool found = false;
                for (size_t i = 0; i < b->n; i++)
                        found = found || streq(a->f[j].path, b->f[i].path);
                if (!found)
                        fprintf(f, "%s-%s", ftell(f) ? "," : "", a->f[j].path);
        }
        fclose(f);
        return out;
}

static const typeof(((Snap *) 0)->f[0]) *snap_find(const Snap *s, const char *path) {
        for (size_t i = 0; i < s->n; i++)
                if (streq(s->f[i].path, path))
                        return &s->f[i];
        return NULL;
}

static int cmp_strp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* s's comma-separated items, sorted, joined again. */
static char *sorted_set(const char *s) {
        char *copy = strdup(s), *items[MAX_FILES], *out = calloc(1, strlen(s) + 2);
        size_t n = 0;
        for (char *t = strtok(copy, ","); t && n < MAX_FILES; t = strtok(NULL, ","))
                items[n++] = t;
        qsort(items, n, sizeof *items, cmp_strp);
        for (size_t i = 0; i < n; i++) {
                if (i)
                        strcat(out, ",");
                strcat(out, items[i]);
        }
        free(copy);
        return out;
}

/* The files that changed are exactly want (order does not matter). */
static void assert_changed(const char *got, const char *want) {
        /* The state file records times to the second: when a test rewrites
         * a file within the same second its record may come out identical,
         * so where it is expected to change it may also stay. Where it is not
         * expected, it must not change. */
        static const char state_file[] = "/root/etc/neuraldrive/firstboot.state";
        char *g0 = strdup(got), *w0 = strdup(want);
        if (strstr(want, state_file)) {
                for (char *x; (x = strstr(g0, state_file));)
                        memmove(x, x + strlen(state_file), strlen(x + strlen(state_file)) + 1);
                for (char *x; (x = strstr(w0, state_file));)
                        memmove(x, x + strlen(state_file), strlen(x + strlen(state_file)) + 1);
        }
        char *g = sorted_set(g0), *w = sorted_set(w0);
        free(g0);
        free(w0);
        if (strcmp(g, w) != 0)
                fail_msg("changed files:\n  got:  %s\n  want: %s", g, w);
        free(g);
        free(w);
}

/* ---- consistency: what a complete provisioning looks like ---- */

static void assert_file(const Snap *s, const char *path, mode_t mode, uid_t uid, gid_t gid) {
        const typeof(s->f[0]) *f = snap_find(s, path);
        if (!f)
                fail_msg("missing: %s", path);
        if (!S_ISREG(f->mode) || (f->mode & 07777) != mode)
                fail_msg("%s: mode %o, want %o", path, f->mode & 07777, mode);
        if (geteuid() == 0 && (f->uid != uid || f->gid != gid))
                fail_msg("%s: owner %u:%u, want %u:%u", path, f->uid, f->gid, uid, gid);
}

static void assert_consistent(Env *e) {
        Snap *s = malloc(sizeof *s);
        snap(e, s);
        assert_file(s, "/root/etc/neuraldrive/api.key", 0600, USERS_API_UID, USERS_API_UID);
        assert_file(s, "/root/etc/neuraldrive/caddy.env", 0600, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/tls/neuraldrive-ca.crt", 0644, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/tls/ca.key", 0600, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/tls/server.crt", 0644, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/tls/server.key", 0640, 0, USERS_CADDY_UID);
        assert_file(s, "/root/etc/neuraldrive/ssh/ssh_host_ed25519_key", 0600, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/ssh/ssh_host_ed25519_key.pub", 0644, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/ssh/ssh_host_ecdsa_key", 0600, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/ssh/ssh_host_ecdsa_key.pub", 0644, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/admin-password.hash", 0600, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/machine-id", 0644, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/hostname", 0644, 0, 0);
        assert_file(s, "/root/etc/neuraldrive/firstboot.state", 0644, 0, 0);
        assert_file(s, "/root/etc/machine-id", 0444, 0, 0);
        assert_file(s, "/root/etc/hostname", 0644, 0, 0);
        free(s);

        /* directories: traversable by the services, writable by root only */
        assert_int_equal(
                fbt_run("cd '%s' && [ \"$(stat -c '%%a %%u' etc/neuraldrive etc/neuraldrive/tls "
                        "etc/neuraldrive/ssh home | tr '\\n' ' ')\" = '755 0 755 0 755 0 755 0 ' ] && "
                        "[ \"$(stat -c '%%a' home/neuraldrive-admin)\" = 700 ] && "
                        "[ \"$(stat -c '%%a' '%s/neuraldrive')\" = 755 ]",
                        e->root, e->run),
                0);
        if (geteuid() == 0)
                assert_int_equal(
                        fbt_run("[ \"$(stat -c '%%u:%%g' '%s/home/neuraldrive-admin')\" = 1000:1000 ]",
                                e->root),
                        0);

        /* caddy.env carries api.key's key */
        char *key = env_read(e, "etc/neuraldrive/api.key"), *env = env_read(e, "etc/neuraldrive/caddy.env");
        char want[128];
        assert_int_equal(strlen(key), 36);
        assert_memory_equal(key, "nd-", 3);
        snprintf(want, sizeof want, "NEURALDRIVE_API_KEY=%s", key);
        assert_string_equal(env, want);
        free(key);
        free(env);

        /* shadow has the stored hash */
        char *hash = env_read(e, "etc/neuraldrive/admin-password.hash"), *shadow = env_read(e, "etc/shadow");
        hash[strcspn(hash, "\n")] = '\0';
        char line[256];
        snprintf(line, sizeof line, "\nneuraldrive-admin:%s:", hash);
        assert_non_null(strstr(shadow, line));
        free(hash);
        free(shadow);

        /* machine-id and hostname copied into the volatile root */
        char *a = env_read(e, "etc/machine-id"), *b = env_read(e, "etc/neuraldrive/machine-id");
        assert_string_equal(a, b);
        free(a);
        free(b);

        const char *tls = "etc/neuraldrive/tls";
        assert_int_equal(
                fbt_run("cd '%s/%s' && openssl verify -CAfile neuraldrive-ca.crt server.crt >/dev/null && "
                        "openssl x509 -in server.crt -noout -pubkey > '%s/pub1' && "
                        "openssl pkey -in server.key -pubout > '%s/pub2' && cmp -s '%s/pub1' '%s/pub2' && "
                        "openssl x509 -in neuraldrive-ca.crt -noout -pubkey > '%s/pub1' && "
                        "openssl pkey -in ca.key -pubout > '%s/pub2' && cmp -s '%s/pub1' '%s/pub2'",
                        e->root, tls, e->dir, e->dir, e->dir, e->dir, e->dir, e->dir, e->dir, e->dir),
                0);
        /* each host key signs, and its .pub verifies the signature */
        if (fbt_have("ssh-keygen"))
                assert_int_equal(
                        fbt_run("cd '%s/etc/neuraldrive/ssh' && echo msg > '%s/msg' && "
                                "for k in ssh_host_ed25519_key ssh_host_ecdsa_key; do "
                                "rm -f '%s/msg.sig' && ssh-keygen -q -Y sign -f $k -n nd '%s/msg' && "
                                "ssh-keygen -Y check-novalidate -n nd -f $k.pub -s '%s/msg.sig' "
                                "< '%s/msg' >/dev/null || exit 1; done",
                                e->root, e->dir, e->dir, e->dir, e->dir, e->dir),
                        0);

        /* the state file's fingerprints are the files' */
        char *state = env_read(e, "etc/neuraldrive/firstboot.state");
        char fp[96];
        assert_int_equal(pki_fingerprint(e->rootfd, PKI_CA_CERT, fp), 0);
        snprintf(line, sizeof line, "\nCA_FINGERPRINT=%s\n", fp);
        assert_non_null(strstr(state, line));
        assert_int_equal(pki_fingerprint(e->rootfd, PKI_SERVER_CERT, fp), 0);
        snprintf(line, sizeof line, "\nSERVER_CERT_FINGERPRINT=%s\n", fp);
        assert_non_null(strstr(state, line));
        free(state);
}

/* ---- tests ---- */

static void test_first_boot(void **state) {
        Env *e = env_new();
        assert_int_equal(env_run(e, 0, false), 0);
        assert_consistent(e);

        /* the console shows the password and key once, and they are in
         * initial-credentials (0600) */
        char *cred_path = fbt_path(e->run, "neuraldrive/initial-credentials");
        char *cred = fbt_read(cred_path, NULL);
        struct stat st;
        assert_int_equal(stat(cred_path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        char *key = env_read(e, "etc/neuraldrive/api.key");
        key[strcspn(key, "\n")] = '\0';
        assert_non_null(strstr(cred, key));
        assert_non_null(strstr(e->console_text, key));
        const char *pw = strstr(cred, "NEURALDRIVE_ADMIN_PASSWORD=");
        assert_non_null(pw);
        pw += strlen("NEURALDRIVE_ADMIN_PASSWORD=");
        char password[64];
        snprintf(password, sizeof password, "%.*s", (int) strcspn(pw, "\n"), pw);
        assert_int_equal(strlen(password), 29);
        assert_non_null(strstr(e->console_text, password));
        assert_non_null(strstr(e->console_text, "SHA256:"));

        /* the hash in shadow accepts exactly that password */
        char *hash = env_read(e, "etc/neuraldrive/admin-password.hash");
        hash[strcspn(hash, "\n")] = '\0';
        assert_memory_equal(hash, "$y$", 3);
        struct crypt_data *cd = calloc(1, sizeof *cd);
        assert_string_equal(crypt_r(password, hash, cd), hash);
        assert_string_not_equal(crypt_r("wrong", hash, cd), hash);
        free(cd);

        /* no secret in the state file or the status output */
        char *stt = env_read(e, "etc/neuraldrive/firstboot.state");
        assert_null(strstr(stt, key));
        assert_null(strstr(stt, password));
        assert_null(strstr(stt, hash));
        char *json = NULL;
        size_t size;
        FILE *f = open_memstream(&json, &size);
        assert_int_equal(firstboot_status(e->rootfd, true, f), 0);
        fclose(f);
        assert_null(strstr(json, key));
        assert_non_null(strstr(json, "\"provisioned\":true"));
        assert_non_null(strstr(json, "\"ca_fingerprint\":\""));
        if (fbt_have("jq")) {
                char *p = fbt_path(e->dir, "status.json");
                fbt_write(p, json, size, 0600);
                assert_int_equal(fbt_run("jq -e '.provisioned == true and "
                                         "(.ssh_ed25519_fingerprint|startswith(\"SHA256:\"))' "
                                         "'%s' >/dev/null",
                                         p),
                                 0);
                free(p);
        }
        free(json);
        free(stt);
        free(hash);
        free(key);
        free(cred);
        free(cred_path);
        env_free(e);
}

static void test_second_run_changes_nothing(void **state) {
        Env *e = env_new();
        Snap *a = malloc(sizeof *a), *b = malloc(sizeof *b);
        assert_int_equal(env_run(e, 0, false), 0);
        snap(e, a);
        assert_int_equal(env_run(e, 0, false), 0);
        snap(e, b);
        char *d = snap_diff(a, b);
        assert_changed(d, "");
        /* and nothing is shown: no new credentials */
        assert_int_equal(e->console_size, 0);
        /* --renew-cert with the same addresses leaves server.crt alone */
        assert_int_equal(env_run(e, 0, true), 0);
        snap(e, b);
        free(d);
        d = snap_diff(a, b);
        assert_changed(d, "");
        free(d);
        free(a);
        free(b);
        env_free(e);
}

/* Delete one artefact: exactly it and what depends on it come back. */
static void test_delete_one_regenerates_dependents(void **state) {
        static const struct {
                const char *deleted;
                const char *changed;
        } cases[] = {
                { "etc/neuraldrive/api.key", "/root/etc/neuraldrive/api.key,/root/etc/neuraldrive/"
                                             "caddy.env,/root/etc/neuraldrive/firstboot.state,"
                                             "/run/neuraldrive/initial-credentials" },
                { "etc/neuraldrive/caddy.env", "/root/etc/neuraldrive/caddy.env" },
                { "etc/neuraldrive/tls/server.crt",
                  "/root/etc/neuraldrive/tls/server.crt,/root/etc/neuraldrive/firstboot.state" },
                { "etc/neuraldrive/tls/server.key",
                  "/root/etc/neuraldrive/tls/server.key,/root/etc/neuraldrive/tls/server.crt,"
                  "/root/etc/neuraldrive/firstboot.state" },
                { "etc/neuraldrive/tls/ca.key",
                  "/root/etc/neuraldrive/tls/neuraldrive-ca.crt,/root/etc/neuraldrive/tls/ca.key,"
                  "/root/etc/neuraldrive/tls/server.crt,/root/etc/neuraldrive/firstboot.state" },
                { "etc/neuraldrive/ssh/ssh_host_ed25519_key.pub",
                  "/root/etc/neuraldrive/ssh/ssh_host_ed25519_key.pub" },
                { "etc/neuraldrive/ssh/ssh_host_ed25519_key",
                  "/root/etc/neuraldrive/ssh/ssh_host_ed25519_key.pub,/root/etc/neuraldrive/ssh/"
                  "ssh_host_ed25519_key,"
                  "/root/etc/neuraldrive/firstboot.state" },
                { "etc/neuraldrive/admin-password.hash",
                  "/root/etc/shadow,/root/etc/neuraldrive/admin-password.hash,/root/etc/neuraldrive/"
                  "firstboot.state,"
                  "/run/neuraldrive/initial-credentials" },
                { "etc/neuraldrive/ssh/ssh_host_ecdsa_key",
                  "/root/etc/neuraldrive/ssh/ssh_host_ecdsa_key.pub,/root/etc/neuraldrive/ssh/"
                  "ssh_host_ecdsa_key,"
                  "/root/etc/neuraldrive/firstboot.state" },
                { "etc/neuraldrive/firstboot.state", "/root/etc/neuraldrive/firstboot.state" },
                { "etc/machine-id", "/root/etc/machine-id" },
                { "etc/hostname", "/root/etc/hostname" },
                /* the persistent machine-id is adopted back from /etc/machine-id, the
                 * host name comes back as the default it already was */
                { "etc/neuraldrive/machine-id", "/root/etc/neuraldrive/machine-id" },
                { "etc/neuraldrive/hostname", "/root/etc/neuraldrive/hostname" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Env *e = env_new();
                Snap *a = malloc(sizeof *a), *b = malloc(sizeof *b);
                assert_int_equal(env_run(e, 0, false), 0);
                char *p = fbt_path(e->root, cases[i].deleted);
                assert_int_equal(unlink(p), 0);
                snap(e, a);
                assert_int_equal(env_run(e, 0, false), 0);
                snap(e, b);
                char *d = snap_diff(a, b);
                assert_changed(d, cases[i].changed);
                assert_consistent(e);
                free(d);
                free(p);
                free(a);
                free(b);
                env_free(e);
        }
}

/* A run stopped after each step in turn (as by a power cut) is completed by
 * the next run: every time a consistent, complete set, no temporary files. */
static void test_interrupted_runs_recover(void **state) {
        unsigned n = firstboot_n_steps();
        assert_true(n >= 10);
        log_set_max_level(LOG_CRIT);
        for (unsigned step = 1; step <= n; step++) {
                Env *e = env_new();
                char v[16];
                snprintf(v, sizeof v, "%u", step);
                setenv(FIRSTBOOT_FAIL_ENV, v, 1);
                assert_int_equal(env_run(e, 0, false), -ECANCELED);
                unsetenv(FIRSTBOOT_FAIL_ENV);
                assert_int_equal(env_run(e, 0, false), 0);
                assert_consistent(e);
                /* initial-credentials holds the credentials in force: the
                 * key of api.key and a password the stored hash accepts,
                 * even when the interrupted run made them */
                char *cred_path = fbt_path(e->run, "neuraldrive/initial-credentials");
                char *cred = fbt_read(cred_path, NULL);
                char *key = env_read(e, "etc/neuraldrive/api.key");
                key[strcspn(key, "\n")] = '\0';
                assert_non_null(cred);
                assert_non_null(strstr(cred, key));
                const char *pw = strstr(cred, "NEURALDRIVE_ADMIN_PASSWORD=");
                assert_non_null(pw);
                pw += strlen("NEURALDRIVE_ADMIN_PASSWORD=");
                char password[64];
                snprintf(password, sizeof password, "%.*s", (int) strcspn(pw, "\n"), pw);
                char *hash = env_read(e, "etc/neuraldrive/admin-password.hash");
                hash[strcspn(hash, "\n")] = '\0';
                struct crypt_data *cd = calloc(1, sizeof *cd);
                assert_string_equal(crypt_r(password, hash, cd), hash);
                free(cd);
                /* and whatever the rerun made new, it showed with the password */
                if (e->console_size > 0 && step < 8)
                        assert_non_null(strstr(e->console_text, password));
                free(hash);
                free(key);
                free(cred);
                free(cred_path);

                /* and an interrupted re-provisioning too */
                Snap *a = malloc(sizeof *a);
                snap(e, a);
                setenv(FIRSTBOOT_FAIL_ENV, v, 1);
                assert_int_equal(env_run(e, REPROVISION_ALL, false), -ECANCELED);
                unsetenv(FIRSTBOOT_FAIL_ENV);
                assert_int_equal(env_run(e, 0, false), 0);
                assert_consistent(e);
                free(a);
                env_free(e);
        }
        log_set_max_level(LOG_INFO);
}

static void test_reprovision(void **state) {
        Env *e = env_new();
        Snap *a = malloc(sizeof *a), *b = malloc(sizeof *b);
        assert_int_equal(env_run(e, 0, false), 0);
        char *old_key = env_read(e, "etc/neuraldrive/api.key");
        snap(e, a);

        log_set_max_level(LOG_WARNING);
        assert_int_equal(env_run(e, REPROVISION_API_KEY, false), 0);
        snap(e, b);
        char *d = snap_diff(a, b);
        assert_changed(d, "/root/etc/neuraldrive/api.key,/root/etc/neuraldrive/caddy.env,"
                          "/root/etc/neuraldrive/firstboot.state,/run/neuraldrive/initial-credentials");
        char *new_key = env_read(e, "etc/neuraldrive/api.key");
        assert_string_not_equal(old_key, new_key);
        new_key[strcspn(new_key, "\n")] = '\0';
        assert_non_null(strstr(e->console_text, new_key));
        assert_consistent(e);

        /* the old key is in a dated 0700 backup directory */
        assert_int_equal(fbt_run("d=$(ls -d '%s'/etc/neuraldrive/backup/*/ | head -n1) && "
                                 "[ \"$(stat -c %%a \"$d\")\" = 700 ] && "
                                 "[ \"$(stat -c %%a '%s'/etc/neuraldrive/backup)\" = 700 ] && "
                                 "cmp -s \"$d/api.key\" - <<'EOF'\n%sEOF",
                                 e->root, e->root, old_key),
                         0);

        /* "all" keeps the CA; "ca" replaces it and the server certificate */
        char ca_fp[96], ca_fp2[96];
        assert_int_equal(pki_fingerprint(e->rootfd, PKI_CA_CERT, ca_fp), 0);
        assert_int_equal(env_run(e, REPROVISION_ALL, false), 0);
        assert_int_equal(pki_fingerprint(e->rootfd, PKI_CA_CERT, ca_fp2), 0);
        assert_string_equal(ca_fp, ca_fp2);
        assert_consistent(e);
        snap(e, a);
        unsigned items;
        assert_int_equal(reprovision_parse("ca", &items), 0);
        assert_int_equal(env_run(e, items, false), 0);
        assert_int_equal(pki_fingerprint(e->rootfd, PKI_CA_CERT, ca_fp2), 0);
        assert_string_not_equal(ca_fp, ca_fp2);
        snap(e, b);
        free(d);
        d = snap_diff(a, b);
        assert_changed(d, "/root/etc/neuraldrive/tls/neuraldrive-ca.crt,/root/etc/neuraldrive/tls/ca.key,"
                          "/root/etc/neuraldrive/tls/server.crt,/root/etc/neuraldrive/tls/server.key,"
                          "/root/etc/neuraldrive/firstboot.state");
        assert_consistent(e);
        log_set_max_level(LOG_INFO);

        assert_int_equal(reprovision_parse("api-key,bogus", &items), -EINVAL);
        assert_int_equal(reprovision_parse("all", &items), 0);
        assert_int_equal(items, REPROVISION_ALL);
        assert_false(items & REPROVISION_CA);
        free(d);
        free(old_key);
        free(new_key);
        free(a);
        free(b);
        env_free(e);
}

static void test_symlink_target_refused(void **state) {
        Env *e = env_new();
        char *p = fbt_path(e->root, "etc/neuraldrive");
        assert_int_equal(mkdir(p, 0755), 0);
        char *k = fbt_path(e->root, "etc/neuraldrive/api.key");
        char *victim = fbt_path(e->dir, "victim");
        fbt_write(victim, "untouched\n", 10, 0644);
        assert_int_equal(symlink(victim, k), 0);
        log_set_max_level(LOG_EMERG);
        assert_true(env_run(e, 0, false) < 0);
        log_set_max_level(LOG_INFO);
        char *v = fbt_read(victim, NULL);
        assert_string_equal(v, "untouched\n");
        struct stat st;
        assert_int_equal(lstat(k, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        free(v);
        free(victim);
        free(k);
        free(p);
        env_free(e);
}

static void test_loose_directory_tightened(void **state) {
        Env *e = env_new();
        assert_int_equal(env_run(e, 0, false), 0);
        char *p = fbt_path(e->root, "etc/neuraldrive/tls");
        assert_int_equal(chmod(p, 0777), 0);
        assert_int_equal(env_run(e, 0, false), 0);
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0755);
        free(p);
        env_free(e);
}

static void test_renew_cert(void **state) {
        Env *e = env_new();
        Snap *a = malloc(sizeof *a), *b = malloc(sizeof *b);
        extra_addrs[0] = NULL;
        assert_int_equal(env_run(e, 0, false), 0);
        snap(e, a);

        /* the network came up: a private address and a public one */
        extra_addrs[0] = "192.168.7.9";
        extra_addrs[1] = "8.8.8.8";
        extra_addrs[2] = "2001:db8::1";
        extra_addrs[3] = NULL;
        /* the every-boot run does not chase addresses */
        assert_int_equal(env_run(e, 0, false), 0);
        snap(e, b);
        char *d = snap_diff(a, b);
        assert_changed(d, "");
        free(d);

        log_set_max_level(LOG_WARNING);
        assert_int_equal(env_run(e, 0, true), 0);
        snap(e, b);
        d = snap_diff(a, b);
        assert_changed(d, "/root/etc/neuraldrive/tls/server.crt,/root/etc/neuraldrive/firstboot.state");
        free(d);
        assert_int_equal(
                fbt_run("cd '%s/etc/neuraldrive/tls' && openssl x509 -in server.crt -noout -ext "
                        "subjectAltName | "
                        "grep -q 'IP Address:192.168.7.9' && ! openssl x509 -in server.crt -noout -ext "
                        "subjectAltName | grep -Eq '8\\.8\\.8\\.8|2001:DB8' && "
                        "openssl verify -CAfile neuraldrive-ca.crt server.crt >/dev/null",
                        e->root),
                0);
        /* same again: nothing to do */
        snap(e, a);
        assert_int_equal(env_run(e, 0, true), 0);
        snap(e, b);
        d = snap_diff(a, b);
        assert_changed(d, "");
        free(d);

        /* the host name changes: a name outside the CA's constraints is left
         * out (with a warning) rather than making the certificate unusable */
        char *hp = fbt_path(e->root, "etc/neuraldrive/hostname");
        fbt_write(hp, "lab-box\n", 8, 0644);
        assert_int_equal(env_run(e, 0, true), 0);
        assert_int_equal(
                fbt_run("cd '%s/etc/neuraldrive/tls' && ! openssl x509 -in server.crt -noout -ext "
                        "subjectAltName | grep -q lab-box && openssl verify -CAfile neuraldrive-ca.crt "
                        "server.crt >/dev/null",
                        e->root),
                0);
        /* a new CA for the new name covers it */
        assert_int_equal(env_run(e, REPROVISION_CA | REPROVISION_TLS, false), 0);
        assert_int_equal(fbt_run("cd '%s/etc/neuraldrive/tls' && openssl x509 -in server.crt -noout -ext "
                                 "subjectAltName | grep -q 'DNS:lab-box.local' && openssl verify -CAfile "
                                 "neuraldrive-ca.crt -verify_hostname lab-box.local server.crt >/dev/null",
                                 e->root),
                         0);
        log_set_max_level(LOG_INFO);
        extra_addrs[0] = NULL;
        free(hp);
        free(a);
        free(b);
        env_free(e);
}

/* A certificate for a name outside the constraints, signed with the CA's
 * own key, is rejected by clients. */
static void test_name_constraints_enforced(void **state) {
        Env *e = env_new();
        assert_int_equal(env_run(e, 0, false), 0);
        assert_int_equal(fbt_run("cd '%s/etc/neuraldrive/tls' && "
                                 "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                                 "-keyout '%s/evil.key' "
                                 "-subj /CN=www.example.com -addext subjectAltName=DNS:www.example.com "
                                 "-out '%s/evil.csr' 2>/dev/null && "
                                 "openssl x509 -req -in '%s/evil.csr' -CA neuraldrive-ca.crt -CAkey ca.key "
                                 "-CAcreateserial "
                                 "-CAserial '%s/serial' -days 30 -copy_extensions copy -out '%s/evil.crt' "
                                 "2>/dev/null && "
                                 "! openssl verify -CAfile neuraldrive-ca.crt '%s/evil.crt' > "
                                 "'%s/verify.out' 2>&1 && "
                                 "grep -Eqi 'name constraint|permitted subtree' '%s/verify.out'",
                                 e->root, e->dir, e->dir, e->dir, e->dir, e->dir, e->dir, e->dir, e->dir),
                         0);
        /* and a public address as well */
        assert_int_equal(
                fbt_run("cd '%s/etc/neuraldrive/tls' && "
                        "openssl req -new -key '%s/evil.key' -subj /CN=neuraldrive.local "
                        "-addext subjectAltName=DNS:neuraldrive.local,IP:8.8.8.8 -out '%s/evil2.csr' && "
                        "openssl x509 -req -in '%s/evil2.csr' -CA neuraldrive-ca.crt -CAkey ca.key "
                        "-CAserial '%s/serial' -days 30 -copy_extensions copy -out '%s/evil2.crt' "
                        "2>/dev/null && "
                        "! openssl verify -CAfile neuraldrive-ca.crt '%s/evil2.crt' >/dev/null 2>&1",
                        e->root, e->dir, e->dir, e->dir, e->dir, e->dir, e->dir),
                0);
        /* the CA itself: as the issue asks */
        assert_int_equal(
                fbt_run("cd '%s/etc/neuraldrive/tls' && t=$(openssl x509 -in neuraldrive-ca.crt -noout "
                        "-text) && "
                        "echo \"$t\" | grep -A1 'Basic Constraints: critical' | grep -q 'CA:TRUE, "
                        "pathlen:0' && "
                        "echo \"$t\" | grep -A1 'Key Usage: critical' | grep -q 'Certificate Sign, CRL "
                        "Sign' && "
                        "echo \"$t\" | grep -q 'Name Constraints: critical' && "
                        "echo \"$t\" | grep -q 'Subject Key Identifier' && "
                        "echo \"$t\" | grep -q 'ASN1 OID: prime256v1' && "
                        "openssl x509 -in neuraldrive-ca.crt -noout -checkend $((3649*86400)) >/dev/null && "
                        "! openssl x509 -in neuraldrive-ca.crt -noout -checkend $((3651*86400)) >/dev/null "
                        "&& "
                        "openssl x509 -in server.crt -noout -checkend $((396*86400)) >/dev/null && "
                        "! openssl x509 -in server.crt -noout -checkend $((397*86400)) >/dev/null && "
                        "openssl x509 -in server.crt -noout -ext extendedKeyUsage | grep -q 'TLS Web "
                        "Server'",
                        e->root),
                0);
        env_free(e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_first_boot),
                cmocka_unit_test(test_second_run_changes_nothing),
                cmocka_unit_test(test_delete_one_regenerates_dependents),
                cmocka_unit_test(test_interrupted_runs_recover),
                cmocka_unit_test(test_reprovision),
                cmocka_unit_test(test_symlink_target_refused),
                cmocka_unit_test(test_loose_directory_tightened),
                cmocka_unit_test(test_renew_cert),
                cmocka_unit_test(test_name_constraints_enforced),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
