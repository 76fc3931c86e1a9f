/* SPDX-License-Identifier: MIT */
#include "firstboot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fd-util.h"
#include "fileio.h"
#include "fs-util.h"
#include "log.h"
#include "machine.h"
#include "macro.h"
#include "memory-util.h"
#include "pki.h"
#include "reprovision.h"
#include "secrets.h"
#include "ssh.h"
#include "state.h"
#include "users.h"


typedef struct Run {
        const FirstbootOptions *o;
        bool chown_files;
        unsigned step, fail_after;
        State state;
        char now[32];
        char machine_id[33];
        char hostname[MACHINE_HOSTNAME_MAX + 1];
        char *admin_hash;   /* applied to shadow */
        char *new_password; /* shown once; wiped */
        char *new_api_key;  /* shown once; wiped */
        /* still valid credentials a run cut short left in initial-credentials
         * before it could show them; wiped */
        char *carried_password, *carried_api_key;
        bool ca_created, cert_issued, ssh_created;
} Run;

static void run_done(Run *run) {
        state_done(&run->state);
        free(run->admin_hash);
        run->new_password = erase_and_free(run->new_password);
        run->new_api_key = erase_and_free(run->new_api_key);
        run->carried_password = erase_and_free(run->carried_password);
        run->carried_api_key = erase_and_free(run->carried_api_key);
}

static const char *const step_names[] = {
        "machine-id", "hostname",  "users", "admin-home",  "admin-password", "admin-shadow",
        "api-key",    "caddy-env", "ca",    "server-cert", "ssh-host-keys",  "state",
};

unsigned firstboot_n_steps(void) {
        return ELEMENTSOF(step_names);
}

/* The one place the test-only fault injection is read: tests set
 * ND_FIRSTBOOT_FAIL_AFTER_STEP=N to stop a run after its Nth step, as a
 * power cut would, and check that the next run repairs everything. */
static unsigned fail_after_from_env(void) {
        const char *e = getenv(FIRSTBOOT_FAIL_ENV);
        return e ? (unsigned) strtoul(e, NULL, 10) : 0;
}

static int step_done(Run *run) {
        const char *name = run->step < ELEMENTSOF(step_names) ? step_names[run->step] : "?";

        run->step++;
        log_debug("Step %u (%s) done", run->step, name);
        if (run->fail_after > 0 && run->step == run->fail_after)
                return log_error_errno(-ECANCELED, "Stopping after step %u (%s) as %s asks", run->step, name,
                                       FIRSTBOOT_FAIL_ENV);
        return 0;
}

static uid_t owner(const Run *run, uid_t uid) {
        return run->chown_files ? uid : (uid_t) -1;
}

/* Reads a one-line secret file; -ENOENT when missing, -EBADMSG when empty. */
static int read_secret_line(int rootfd, const char *path, char **ret) {
        char *data = NULL;
        int r;

        r = read_full_file_beneath(rootfd, path, 4096, READ_FULL_SECRET, &data, NULL);
        if (r < 0)
                return r;
        data[strcspn(data, "\n")] = '\0';
        if (!data[0]) {
                erase_and_free(data);
                return -EBADMSG;
        }
        *ret = data;
        return 0;
}

/* The value of "KEY=value" at the start of a line of text, or NULL. */
static char *credential_value(const char *text, const char *key) {
        size_t n = strlen(key);

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, key, n) == 0 && l[n] == '=')
                        return strndup(l + n + 1, strcspn(l + n + 1, "\n"));
        return NULL;
}

/* A run cut short may have put credentials into initial-credentials (and
 * their hash or key into the persistent files) without showing them. Keep
 * those that are still in force, so they reach the console and the wizard
 * instead of being lost. */
static void carry_over_credentials(Run *run) {
        _cleanup_erase_free_ char *text = NULL, *key = NULL;

        if (read_full_file_beneath(run->o->run_fd, FIRSTBOOT_CREDENTIALS, 4096, READ_FULL_SECRET, &text,
                                   NULL) < 0)
                return;
        if (!run->new_password && !run->carried_password && run->admin_hash) {
                char *p = credential_value(text, "NEURALDRIVE_ADMIN_PASSWORD");
                if (p && secrets_verify_password(p, run->admin_hash) == 1)
                        run->carried_password = p;
                else
                        erase_and_free(p);
        }
        if (!run->new_api_key && !run->carried_api_key &&
            read_secret_line(run->o->root_fd, FIRSTBOOT_API_KEY, &key) >= 0) {
                char *k = credential_value(text, "NEURALDRIVE_API_KEY");
                if (k && streq(k, key))
                        run->carried_api_key = k;
                else
                        erase_and_free(k);
        }
}

/* initial-credentials in the run dir: what was made in this run, plus what
 * an interrupted run made and nobody saw. It is written before the matching
 * persistent file, so a run cut short never keeps a credential that is
 * nowhere to be read. */
static int write_credentials(Run *run) {
        _cleanup_erase_free_ char *text = NULL;
        size_t size = 0;
        int r;

        if (!run->new_password && !run->new_api_key)
                return 0;
        carry_over_credentials(run);
        const char *password = run->new_password ?: run->carried_password;
        const char *api_key = run->new_api_key ?: run->carried_api_key;

        FILE *f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        fputs("# NeuralDrive credentials made at this boot. Shown once; the setup wizard removes this "
              "file.\n",
              f);
        if (password)
                fprintf(f, "NEURALDRIVE_ADMIN_USER=%s\nNEURALDRIVE_ADMIN_PASSWORD=%s\n", USERS_ADMIN_NAME,
                        password);
        if (api_key)
                fprintf(f, "NEURALDRIVE_API_KEY=%s\n", api_key);
        if (fclose(f) != 0)
                return -ENOMEM;
        r = write_file_atomic(run->o->run_fd, FIRSTBOOT_CREDENTIALS, text, size, 0600, owner(run, 0),
                              owner(run, 0), WRITE_ATOMIC_MKDIR_PARENTS);
        if (r < 0)
                return log_error_errno(r, "Failed to write '/run/%s': %m", FIRSTBOOT_CREDENTIALS);
        return 0;
}

static int mark_done(Run *run) {
        int r = write_file_atomic(run->o->run_fd, FIRSTBOOT_DONE_MARKER, "", 0, 0644, owner(run, 0),
                                  owner(run, 0), WRITE_ATOMIC_MKDIR_PARENTS | WRITE_ATOMIC_SKIP_UNCHANGED);
        if (r < 0)
                log_warning_errno(r, "Failed to write '/run/%s', the fallback unit will run again: %m",
                                  FIRSTBOOT_DONE_MARKER);
        return 0;
}

static int set_state(Run *run, StateKey k, const char *v) {
        return state_set(&run->state, k, v) < 0 ? log_oom() : 0;
}

static int step_admin_password(Run *run) {
        char password[SECRETS_PASSWORD_LEN + 1];
        char *hash = NULL;
        int r;

        if (!(run->o->reprovision & REPROVISION_ADMIN)) {
                r = read_secret_line(run->o->root_fd, FIRSTBOOT_ADMIN_HASH, &hash);
                if (r >= 0 && secrets_hash_is_valid(hash)) {
                        run->admin_hash = hash;
                        return 0;
                }
                if (r >= 0)
                        log_warning("'%s' does not hold a usable hash, setting a new admin password",
                                    FIRSTBOOT_ADMIN_HASH);
                else if (r != -ENOENT)
                        log_warning_errno(r, "Failed to read '%s' (%m), setting a new admin password",
                                          FIRSTBOOT_ADMIN_HASH);
                erase_and_free(hash);
        }

        r = secrets_generate_password(password);
        if (r < 0)
                return log_error_errno(r, "Failed to generate the admin password: %m");
        run->new_password = strdup(password);
        secure_erase(password, sizeof password);
        if (!run->new_password)
                return log_oom();
        r = secrets_hash_password(run->new_password, &run->admin_hash);
        if (r < 0)
                return log_error_errno(r, "Failed to hash the admin password: %m");

        r = write_credentials(run);
        if (r < 0)
                return r;

        _cleanup_free_ char *line = NULL;
        if (asprintf(&line, "%s\n", run->admin_hash) < 0)
                return log_oom();
        r = write_file_atomic(run->o->root_fd, FIRSTBOOT_ADMIN_HASH, line, strlen(line), 0600, owner(run, 0),
                              owner(run, 0), WRITE_ATOMIC_MKDIR_PARENTS);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", FIRSTBOOT_ADMIN_HASH);
        return set_state(run, STATE_ADMIN_PASSWORD_SET, run->now);
}

static int step_api_key(Run *run) {
        char key[SECRETS_API_KEY_LEN + 1];
        char *old = NULL;
        int r;

        if (!(run->o->reprovision & REPROVISION_API_KEY)) {
                r = read_secret_line(run->o->root_fd, FIRSTBOOT_API_KEY, &old);
                if (r >= 0) {
                        if (!secrets_api_key_is_valid(old))
                                log_warning("'%s' does not look like an API key ('nd-' and 32 letters or "
                                            "digits), keeping it",
                                            FIRSTBOOT_API_KEY);
                        erase_and_free(old);
                        return 0;
                }
                if (r != -ENOENT)
                        log_warning_errno(r, "Failed to read '%s' (%m), making a new API key",
                                          FIRSTBOOT_API_KEY);
        }

        r = secrets_generate_api_key(key);
        if (r < 0)
                return log_error_errno(r, "Failed to generate the API key: %m");
        run->new_api_key = strdup(key);
        if (!run->new_api_key) {
                secure_erase(key, sizeof key);
                return log_oom();
        }
        key[SECRETS_API_KEY_LEN] = '\n';
        r = write_credentials(run);
        if (r >= 0) {
                r = write_file_atomic(run->o->root_fd, FIRSTBOOT_API_KEY, key, sizeof key, 0600,
                                      owner(run, USERS_API_UID), owner(run, USERS_API_UID),
                                      WRITE_ATOMIC_MKDIR_PARENTS);
                if (r < 0)
                        log_error_errno(r, "Failed to write '%s': %m", FIRSTBOOT_API_KEY);
        }
        secure_erase(key, sizeof key);
        if (r < 0)
                return r;
        return set_state(run, STATE_API_KEY_CREATED, run->now);
}

/* caddy.env follows api.key; rewritten only when it differs. */
static int step_caddy_env(Run *run) {
        _cleanup_erase_free_ char *key = NULL, *env = NULL;
        int r;

        r = read_secret_line(run->o->root_fd, FIRSTBOOT_API_KEY, &key);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", FIRSTBOOT_API_KEY);
        if (asprintf(&env, "NEURALDRIVE_API_KEY=%s\n", key) < 0)
                return log_oom();
        r = write_file_atomic(run->o->root_fd, FIRSTBOOT_CADDY_ENV, env, strlen(env), 0600, owner(run, 0),
                              owner(run, 0), WRITE_ATOMIC_MKDIR_PARENTS | WRITE_ATOMIC_SKIP_UNCHANGED);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", FIRSTBOOT_CADDY_ENV);
        return 0;
}

static int get_names(Run *run, PkiNames *ret) {
        char **addrs = NULL;
        int r;

        r = (run->o->get_addresses ?: pki_current_addresses)(&addrs);
        if (r < 0) {
                log_warning_errno(
                        r, "Failed to list the current addresses (%m), continuing with loopback only");
                addrs = NULL;
        }
        r = pki_names_build(run->hostname, addrs, ret);
        for (char **a = addrs; a && *a; a++)
                free(*a);
        free(addrs);
        return r < 0 ? log_error_errno(r, "Failed to build the certificate names: %m") : 0;
}

static int step_server_cert(Run *run, PkiFlags extra) {
        _cleanup_(pki_names_done) PkiNames names = {};
        char fp[96];
        long long not_after;
        int r;

        r = get_names(run, &names);
        if (r < 0)
                return r;
        PkiFlags flags = extra | (run->chown_files ? PKI_CHOWN : 0);
        if (run->o->reprovision & REPROVISION_TLS)
                flags |= PKI_FORCE;
        r = pki_ensure_server_cert(run->o->root_fd, &names, flags);
        if (r < 0)
                return r;
        run->cert_issued = r > 0;
        if (r > 0 || !state_get(&run->state, STATE_SERVER_CERT_ISSUED))
                if ((r = set_state(run, STATE_SERVER_CERT_ISSUED, run->now)) < 0)
                        return r;
        if (pki_fingerprint(run->o->root_fd, PKI_SERVER_CERT, fp) >= 0 &&
            (r = set_state(run, STATE_SERVER_CERT_FINGERPRINT, fp)) < 0)
                return r;
        if (pki_not_after(run->o->root_fd, PKI_SERVER_CERT, &not_after) >= 0) {
                char buf[32];
                struct tm tm;
                time_t t = (time_t) not_after;
                gmtime_r(&t, &tm);
                strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
                if ((r = set_state(run, STATE_SERVER_CERT_NOT_AFTER, buf)) < 0)
                        return r;
        }
        return 0;
}

static int step_ca(Run *run) {
        char fp[96];
        int r;

        PkiFlags flags = (run->chown_files ? PKI_CHOWN : 0) |
                         ((run->o->reprovision & REPROVISION_CA) ? PKI_FORCE : 0);
        r = pki_ensure_ca(run->o->root_fd, run->hostname, flags);
        if (r < 0)
                return r;
        run->ca_created = r > 0;
        if ((r > 0 || !state_get(&run->state, STATE_CA_CREATED)) &&
            (r = set_state(run, STATE_CA_CREATED, run->now)) < 0)
                return r;
        if (pki_fingerprint(run->o->root_fd, PKI_CA_CERT, fp) >= 0)
                return set_state(run, STATE_CA_FINGERPRINT, fp);
        return 0;
}

static int step_ssh(Run *run) {
        char fp[SSH_FINGERPRINT_MAX];
        int r;

        r = ssh_ensure_host_keys(run->o->root_fd, run->o->reprovision & REPROVISION_SSH, run->chown_files);
        if (r < 0)
                return r;
        run->ssh_created = r > 0;
        if ((r > 0 || !state_get(&run->state, STATE_SSH_HOST_KEY_CREATED)) &&
            (r = set_state(run, STATE_SSH_HOST_KEY_CREATED, run->now)) < 0)
                return r;
        if (ssh_fingerprint(run->o->root_fd, SSH_ED25519_PUB, fp) >= 0 &&
            (r = set_state(run, STATE_SSH_ED25519_FINGERPRINT, fp)) < 0)
                return r;
        if (ssh_fingerprint(run->o->root_fd, SSH_ECDSA_PUB, fp) >= 0 &&
            (r = set_state(run, STATE_SSH_ECDSA_FINGERPRINT, fp)) < 0)
                return r;
        return 0;
}

static int step_state(Run *run) {
        int r;

        if (!state_get(&run->state, STATE_FIRST_BOOT) &&
            (r = set_state(run, STATE_FIRST_BOOT, run->now)) < 0)
                return r;
        if ((r = set_state(run, STATE_VERSION, "1")) < 0 ||
            (r = set_state(run, STATE_MACHINE_ID, run->machine_id)) < 0 ||
            (r = set_state(run, STATE_HOSTNAME, run->hostname)) < 0)
                return r;
        r = state_save(run->o->root_fd, &run->state, run->chown_files);
        return r < 0 ? r : 0;
}

/* What the console shows: new credentials once, and the fingerprints a
 * user needs to trust the appliance. */
static void show(Run *run) {
        FILE *f = run->o->console ?: stdout;
        const char *v;

        bool rotated_cert = run->cert_issued && (run->o->reprovision & REPROVISION_TLS);

        if (!run->new_password && !run->new_api_key && !run->ca_created && !run->ssh_created &&
            !rotated_cert)
                return;
        carry_over_credentials(run);
        const char *password = run->new_password ?: run->carried_password;
        const char *api_key = run->new_api_key ?: run->carried_api_key;

        fputs("\n==== NeuralDrive ====\n", f);
        if (password)
                fprintf(f, "Admin user:      %s\nAdmin password:  %s\n", USERS_ADMIN_NAME, password);
        if (api_key)
                fprintf(f, "API key:         %s\n", api_key);
        if ((v = state_get(&run->state, STATE_CA_FINGERPRINT)))
                fprintf(f, "CA fingerprint (SHA-256): %s\n", v);
        if (rotated_cert && (v = state_get(&run->state, STATE_SERVER_CERT_FINGERPRINT)))
                fprintf(f, "New server certificate (SHA-256): %s\n", v);
        if ((v = state_get(&run->state, STATE_SSH_ED25519_FINGERPRINT)))
                fprintf(f, "SSH host key (ED25519):   %s\n", v);
        if ((v = state_get(&run->state, STATE_SSH_ECDSA_FINGERPRINT)))
                fprintf(f, "SSH host key (ECDSA):     %s\n", v);
        if (password || api_key)
                fprintf(f, "These credentials are shown once (also in /run/%s until setup).\n",
                        FIRSTBOOT_CREDENTIALS);
        fputs("=====================\n\n", f);
        fflush(f);
}

/* The persistent directories: services must be able to traverse them to
 * their own files (api.key, server.key), and nobody but root may change
 * their entries, whatever mode an older or tampered volume left. */
static int ensure_dirs(Run *run) {
        static const char *const dirs[] = { "/etc/neuraldrive", PKI_DIR, SSH_DIR };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_close_ int fd = -EBADF;
                struct stat st;

                fd = open_dir_beneath(run->o->root_fd, dirs[i], true, 0755);
                if (fd < 0)
                        return log_error_errno(fd, "Failed to create '%s': %m", dirs[i]);
                if (fstat(fd, &st) < 0)
                        return log_error_errno(negative_errno(), "Failed to stat '%s': %m", dirs[i]);
                if (run->chown_files && (st.st_uid != 0 || st.st_gid != 0) && fchown(fd, 0, 0) < 0)
                        return log_error_errno(negative_errno(), "Failed to chown '%s': %m", dirs[i]);
                if ((st.st_mode & 07777) != 0755 && fchmod(fd, 0755) < 0)
                        return log_error_errno(negative_errno(), "Failed to chmod '%s': %m", dirs[i]);
        }
        return 0;
}

static int renew_only(Run *run) {
        int r;

        r = machine_ensure_hostname(run->o->root_fd, run->chown_files, run->hostname);
        if (r < 0)
                return r;
        r = step_server_cert(run, PKI_CHECK_ADDRESSES);
        if (r < 0)
                return r;
        if (run->cert_issued)
                log_info("Issued a new server certificate '%s'", PKI_SERVER_CERT);
        r = state_save(run->o->root_fd, &run->state, run->chown_files);
        return r < 0 ? r : 0;
}

static int backup_for_reprovision(Run *run) {
        _cleanup_free_ char *dir = NULL;
        char items[96];
        int r;

        r = reprovision_backup(run->o->root_fd, run->o->reprovision, &dir);
        if (r < 0)
                return r;
        log_notice("Re-provisioning %s; the old material is in '%s'",
                   reprovision_to_string(run->o->reprovision, items, sizeof items), dir);
        if ((r = set_state(run, STATE_LAST_REPROVISION, run->now)) < 0 ||
            (r = set_state(run, STATE_LAST_REPROVISION_ITEMS, items)) < 0 ||
            (r = set_state(run, STATE_LAST_BACKUP, dir)) < 0)
                return r;
        return 0;
}

int firstboot_run(const FirstbootOptions *o) {
        _cleanup_(run_done) Run run = { .o = o };
        int r;

        run.chown_files = geteuid() == 0;
        run.fail_after = fail_after_from_env();
        state_now(run.now, sizeof run.now);
        /* Every file gets its exact mode explicitly (write_file_atomic);
         * the umask only decides directories made on the way: 0755. */
        umask(0022);

        r = state_load(o->root_fd, &run.state);
        if (r < 0)
                log_warning_errno(r, "Failed to read '%s' (%m), starting a new record", STATE_FILE);

        if (o->renew_cert)
                return renew_only(&run);

        r = ensure_dirs(&run);
        if (r < 0)
                return r;

        if (o->reprovision) {
                r = backup_for_reprovision(&run);
                if (r < 0)
                        return r;
        }

        if ((r = machine_ensure_id(o->root_fd, run.chown_files, run.machine_id)) < 0 ||
            (r = step_done(&run)) < 0)
                return r;
        if ((r = machine_ensure_hostname(o->root_fd, run.chown_files, run.hostname)) < 0 ||
            (r = step_done(&run)) < 0)
                return r;

        /* Accounts first, with the stored hash if there is one, so the
         * admin's password is right even if a later step fails. */
        _cleanup_erase_free_ char *stored = NULL;
        if (!(o->reprovision & REPROVISION_ADMIN) &&
            read_secret_line(o->root_fd, FIRSTBOOT_ADMIN_HASH, &stored) >= 0 &&
            !secrets_hash_is_valid(stored))
                stored = erase_and_free(stored);
        if ((r = users_ensure(o->root_fd, stored)) < 0 || (r = step_done(&run)) < 0)
                return r;
        if ((r = users_ensure_admin_home(o->root_fd, run.chown_files)) < 0 || (r = step_done(&run)) < 0)
                return r;
        if ((r = step_admin_password(&run)) < 0 || (r = step_done(&run)) < 0)
                return r;
        if ((run.new_password && (r = users_ensure(o->root_fd, run.admin_hash)) < 0) ||
            (r = step_done(&run)) < 0)
                return r;
        if ((r = step_api_key(&run)) < 0 || (r = step_done(&run)) < 0)
                return r;
        if ((r = step_caddy_env(&run)) < 0 || (r = step_done(&run)) < 0)
                return r;
        if ((r = step_ca(&run)) < 0 || (r = step_done(&run)) < 0)
                return r;
        if ((r = step_server_cert(&run, 0)) < 0 || (r = step_done(&run)) < 0)
                return r;
        if ((r = step_ssh(&run)) < 0 || (r = step_done(&run)) < 0)
                return r;
        if ((r = step_state(&run)) < 0 || (r = step_done(&run)) < 0)
                return r;

        show(&run);
        return mark_done(&run);
}

int firstboot_status(int root_fd, bool json, FILE *f) {
        _cleanup_(state_done) State s = {};
        int r;

        r = state_load(root_fd, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", STATE_FILE);
        return state_print(&s, f, json);
}
