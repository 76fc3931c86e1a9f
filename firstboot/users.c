/* SPDX-License-Identifier: MIT */
#include "users.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fd-util.h"
#include "fileio.h"
#include "fs-util.h"
#include "log.h"
#include "macro.h"
#include "pwdfile.h"

/* The table. Service accounts are locked ("!*") and cannot log in; the
 * admin's shadow entry is locked ("!") until its hash is applied. */
static const UserSpec table[] = {
        { "neuraldrive-ollama", USERS_OLLAMA_UID, "NeuralDrive Ollama", "/var/lib/neuraldrive/ollama",
          "/usr/sbin/nologin" },
        { "neuraldrive-webui", USERS_WEBUI_UID, "NeuralDrive Open WebUI", "/var/lib/neuraldrive/webui",
          "/usr/sbin/nologin" },
        { "neuraldrive-caddy", USERS_CADDY_UID, "NeuralDrive Caddy", "/var/lib/neuraldrive/caddy",
          "/usr/sbin/nologin" },
        { "neuraldrive-monitor", USERS_MONITOR_UID, "NeuralDrive monitor", "/nonexistent",
          "/usr/sbin/nologin" },
        { "neuraldrive-api", USERS_API_UID, "NeuralDrive System API", "/nonexistent", "/usr/sbin/nologin" },
        { USERS_ADMIN_NAME, USERS_ADMIN_UID, "NeuralDrive administrator", USERS_ADMIN_HOME, "/bin/bash" },
};

/* sudo: administration with the admin's password (never NOPASSWD);
 * adm and systemd-journal: the TUI reads logs. */
const char *const users_admin_groups[] = { "sudo", "adm", "systemd-journal", NULL };

const UserSpec *users_table(size_t *ret_n) {
        *ret_n = ELEMENTSOF(table);
        return table;
}

static const char *const file_names[_PWDFILE_TYPE_MAX] = {
        [PWDFILE_PASSWD] = "passwd",
        [PWDFILE_GROUP] = "group",
        [PWDFILE_SHADOW] = "shadow",
        [PWDFILE_GSHADOW] = "gshadow",
};

typedef struct Db {
        PwdFile *files[_PWDFILE_TYPE_MAX];
        struct stat st[_PWDFILE_TYPE_MAX];
        bool exists[_PWDFILE_TYPE_MAX];
} Db;

static void db_done(Db *db) {
        for (unsigned i = 0; i < _PWDFILE_TYPE_MAX; i++)
                pwdfile_free(db->files[i]);
}

/* Takes the lock shadow-utils and lckpwdf(3) use: a write lock on
 * /etc/.pwd.lock, waiting at most 15 seconds like lckpwdf. */
static int lock_pwd(int etcfd) {
        _cleanup_close_ int fd = -EBADF;
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

        fd = open_beneath(etcfd, ".pwd.lock", O_WRONLY | O_CREAT | O_NOCTTY, 0600);
        if (fd < 0)
                return log_debug_errno(fd, "Failed to open '/etc/.pwd.lock': %m");
        for (unsigned i = 0;; i++) {
                if (fcntl(fd, F_SETLK, &fl) == 0)
                        break;
                if ((errno != EAGAIN && errno != EACCES) || i >= 1500)
                        return log_debug_errno(negative_errno(), "Failed to lock '/etc/.pwd.lock': %m");
                usleep(10 * 1000);
        }
        return TAKE_FD(fd);
}

static int db_load(Db *db, int etcfd) {
        for (unsigned t = 0; t < _PWDFILE_TYPE_MAX; t++) {
                _cleanup_close_ int fd = -EBADF;
                _cleanup_free_ char *data = NULL;
                size_t size = 0;
                int r;

                fd = open_beneath(etcfd, file_names[t], O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
                if (fd == -ENOENT && (t == PWDFILE_PASSWD || t == PWDFILE_GROUP)) {
                        /* a root without them is broken; one holding only our
                         * accounts would have no root user */
                        return log_debug_errno(fd, "'/etc/%s' is missing", file_names[t]);
                } else if (fd == -ENOENT) {
                        db->exists[t] = false;
                } else if (fd < 0) {
                        return log_debug_errno(fd, "Failed to open '/etc/%s': %m", file_names[t]);
                } else {
                        if (fstat(fd, &db->st[t]) < 0)
                                return negative_errno();
                        if (!S_ISREG(db->st[t].st_mode))
                                return log_debug_errno(-EBADFD, "'/etc/%s' is not a regular file",
                                                       file_names[t]);
                        r = read_full_fd(fd, PWDFILE_MAX_SIZE, 0, &data, &size);
                        if (r < 0)
                                return log_debug_errno(r, "Failed to read '/etc/%s': %m", file_names[t]);
                        db->exists[t] = true;
                }
                r = pwdfile_parse(t, data ? data : "", size, &db->files[t]);
                if (r < 0)
                        return log_debug_errno(r, "Failed to parse '/etc/%s': %m", file_names[t]);
        }
        return 0;
}

/* Checks one account against passwd and group. Returns -EEXIST with a
 * message naming both sides on a conflict. */
static int check_conflicts(const Db *db, const UserSpec *u) {
        const PwdFile *pw = db->files[PWDFILE_PASSWD], *gr = db->files[PWDFILE_GROUP];
        const PwdLine *l;

        l = pwdfile_find_name(pw, u->name);
        if (l) {
                if (!l->valid)
                        return log_error_errno(-EEXIST, "User '%s' in '/etc/passwd' is malformed: '%s'",
                                               u->name, l->text);
                if (l->id != u->uid || l->gid != u->uid)
                        return log_error_errno(-EEXIST,
                                               "User '%s' must have UID/GID %u, but '/etc/passwd' has "
                                               "user '%s' with UID %u GID %u",
                                               u->name, (unsigned) u->uid, l->name, l->id, l->gid);
        } else {
                l = pwdfile_find_id(pw, u->uid);
                if (l)
                        return log_error_errno(-EEXIST,
                                               "User '%s' needs UID %u, which is taken by user '%s'",
                                               u->name, (unsigned) u->uid, l->name);
        }

        l = pwdfile_find_name(gr, u->name);
        if (l) {
                if (!l->valid)
                        return log_error_errno(-EEXIST, "Group '%s' in '/etc/group' is malformed: '%s'",
                                               u->name, l->text);
                if (l->id != u->uid)
                        return log_error_errno(-EEXIST,
                                               "Group '%s' must have GID %u, but '/etc/group' has "
                                               "group '%s' with GID %u",
                                               u->name, (unsigned) u->uid, l->name, l->id);
        } else {
                l = pwdfile_find_id(gr, u->uid);
                if (l)
                        return log_error_errno(-EEXIST,
                                               "Group '%s' needs GID %u, which is taken by group '%s'",
                                               u->name, (unsigned) u->uid, l->name);
        }
        return 0;
}

static int append_fmt(PwdFile *f, const char *fmt, ...) _printf_(2, 3);
static int append_fmt(PwdFile *f, const char *fmt, ...) {
        _cleanup_free_ char *line = NULL;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&line, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        return pwdfile_append(f, line);
}

static int add_account(Db *db, const UserSpec *u) {
        bool admin = streq(u->name, USERS_ADMIN_NAME);
        int r;

        if (!pwdfile_find_name(db->files[PWDFILE_GROUP], u->name)) {
                r = append_fmt(db->files[PWDFILE_GROUP], "%s:x:%u:", u->name, (unsigned) u->uid);
                if (r < 0)
                        return r;
        }
        if (!pwdfile_find_name(db->files[PWDFILE_GSHADOW], u->name)) {
                r = append_fmt(db->files[PWDFILE_GSHADOW], "%s:!::", u->name);
                if (r < 0)
                        return r;
        }
        if (!pwdfile_find_name(db->files[PWDFILE_PASSWD], u->name)) {
                r = append_fmt(db->files[PWDFILE_PASSWD], "%s:x:%u:%u:%s:%s:%s", u->name, (unsigned) u->uid,
                               (unsigned) u->uid, u->gecos, u->home, u->shell);
                if (r < 0)
                        return r;
        }
        if (!pwdfile_find_name(db->files[PWDFILE_SHADOW], u->name)) {
                r = append_fmt(db->files[PWDFILE_SHADOW], "%s:%s:::::::", u->name, admin ? "!" : "!*");
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Adds member to the comma-separated list in field n of the entry named
 * group, when it is not there yet. */
static int add_member(PwdFile *f, const char *group, unsigned n, const char *member) {
        _cleanup_free_ char *old = NULL, *value = NULL, *line = NULL;
        const PwdLine *l;
        int r;

        l = pwdfile_find_name(f, group);
        if (!l || pwdfile_list_contains(l, n, member))
                return 0;
        r = pwdfile_field(l, n, &old);
        if (r < 0)
                return 0; /* malformed line: left as it is */
        if (asprintf(&value, "%s%s%s", old, old[0] ? "," : "", member) < 0)
                return -ENOMEM;
        r = pwdfile_line_with_field(l, n, value, &line);
        if (r < 0)
                return r;
        return pwdfile_replace(f, pwdfile_index(f, l), line);
}

static int add_admin_memberships(Db *db) {
        int r;

        for (const char *const *g = users_admin_groups; *g; g++) {
                if (!pwdfile_find_name(db->files[PWDFILE_GROUP], *g)) {
                        log_debug("Group '%s' does not exist, not adding '%s' to it", *g, USERS_ADMIN_NAME);
                        continue;
                }
                r = add_member(db->files[PWDFILE_GROUP], *g, 3, USERS_ADMIN_NAME);
                if (r < 0)
                        return r;
                r = add_member(db->files[PWDFILE_GSHADOW], *g, 3, USERS_ADMIN_NAME);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int apply_admin_hash(Db *db, const char *hash) {
        _cleanup_free_ char *old = NULL, *line = NULL;
        PwdFile *f = db->files[PWDFILE_SHADOW];
        const PwdLine *l;
        int r;

        if (strpbrk(hash, ":\n") || !hash[0])
                return -EINVAL;
        l = pwdfile_find_name(f, USERS_ADMIN_NAME);
        if (!l)
                return -ENOENT;
        r = pwdfile_field(l, 1, &old);
        if (r < 0)
                return log_error_errno(-EEXIST, "Entry '%s' in '/etc/shadow' is malformed",
                                       USERS_ADMIN_NAME);
        if (streq(old, hash))
                return 0;
        r = pwdfile_line_with_field(l, 1, hash, &line);
        if (r < 0)
                return r;
        return pwdfile_replace(f, pwdfile_index(f, l), line);
}

static gid_t shadow_gid(const Db *db) {
        const PwdLine *l = pwdfile_find_name(db->files[PWDFILE_GROUP], "shadow");
        return l && l->valid ? (gid_t) l->id : 0;
}

static int db_write(Db *db, int etcfd) {
        /* group before passwd: an entry never names a group that is not
         * there yet, even if we are interrupted between two files. */
        static const PwdFileType order[] = { PWDFILE_GROUP, PWDFILE_GSHADOW, PWDFILE_PASSWD,
                                             PWDFILE_SHADOW };
        int written = 0, r;

        for (size_t i = 0; i < ELEMENTSOF(order); i++) {
                PwdFileType t = order[i];
                _cleanup_free_ char *data = NULL;
                mode_t mode;
                uid_t uid;
                gid_t gid;
                size_t size;

                if (!db->files[t]->modified)
                        continue;
                if (db->exists[t]) {
                        mode = db->st[t].st_mode & 07777;
                        uid = db->st[t].st_uid;
                        gid = db->st[t].st_gid;
                } else {
                        bool secret = t == PWDFILE_SHADOW || t == PWDFILE_GSHADOW;
                        mode = secret ? 0640 : 0644;
                        uid = 0;
                        gid = secret ? shadow_gid(db) : 0;
                }
                if (geteuid() != 0)
                        uid = (uid_t) -1, gid = (gid_t) -1;

                r = pwdfile_format(db->files[t], &data, &size);
                if (r < 0)
                        return r;
                r = write_file_atomic(etcfd, file_names[t], data, size, mode, uid, gid, 0);
                if (r < 0)
                        return log_error_errno(r, "Failed to write '/etc/%s': %m", file_names[t]);
                written = 1;
        }
        return written;
}

int users_ensure(int rootfd, const char *admin_hash) {
        _cleanup_close_ int etcfd = -EBADF, lockfd = -EBADF;
        _cleanup_(db_done) Db db = {};
        int r;

        etcfd = open_dir_beneath(rootfd, "etc", false, 0);
        if (etcfd < 0)
                return log_error_errno(etcfd, "Failed to open '/etc' below the root: %m");
        lockfd = lock_pwd(etcfd);
        if (lockfd < 0)
                return log_error_errno(lockfd, "Failed to lock the user database: %m");

        r = db_load(&db, etcfd);
        if (r < 0)
                return log_error_errno(r, "Failed to read the user database: %m");

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                r = check_conflicts(&db, &table[i]);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                r = add_account(&db, &table[i]);
                if (r < 0)
                        return log_error_errno(r, "Failed to add account '%s': %m", table[i].name);
        }
        r = add_admin_memberships(&db);
        if (r < 0)
                return log_error_errno(r, "Failed to add '%s' to its groups: %m", USERS_ADMIN_NAME);
        if (admin_hash) {
                r = apply_admin_hash(&db, admin_hash);
                if (r < 0)
                        return log_error_errno(r, "Failed to set the password of '%s': %m",
                                               USERS_ADMIN_NAME);
        }
        return db_write(&db, etcfd);
}

int users_ensure_admin_home(int rootfd, bool chown_files) {
        _cleanup_close_ int homefd = -EBADF, fd = -EBADF;
        const char *name = path_skip_root(USERS_ADMIN_HOME) + strlen("home/");

        homefd = open_dir_beneath(rootfd, "home", true, 0755);
        if (homefd < 0)
                return log_error_errno(homefd, "Failed to open '/home' below the root: %m");
        fd = openat(homefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
                return 0;
        if (errno != ENOENT)
                return log_error_errno(negative_errno(), "Failed to open '%s': %m", USERS_ADMIN_HOME);

        /* Created under a temporary name and renamed, so a half-made home
         * (wrong owner) is never seen under the real name. */
        char tmp[64];
        snprintf(tmp, sizeof tmp, ".#%s.%u", name, (unsigned) getpid());
        if (mkdirat(homefd, tmp, 0700) < 0 && errno != EEXIST)
                return log_error_errno(negative_errno(), "Failed to create '%s': %m", USERS_ADMIN_HOME);
        if (chown_files && fchownat(homefd, tmp, USERS_ADMIN_UID, USERS_ADMIN_UID, AT_SYMLINK_NOFOLLOW) < 0)
                return log_error_errno(negative_errno(), "Failed to chown '%s': %m", USERS_ADMIN_HOME);
        if (fchmodat(homefd, tmp, 0700, 0) < 0 || renameat(homefd, tmp, homefd, name) < 0) {
                int r = negative_errno();
                (void) unlinkat(homefd, tmp, AT_REMOVEDIR);
                return log_error_errno(r, "Failed to create '%s': %m", USERS_ADMIN_HOME);
        }
        return 1;
}
