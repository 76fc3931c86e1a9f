/* SPDX-License-Identifier: MIT */
#include "ssh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "memory-util.h"
#include "random-util.h"

#define ARMOR_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----\n"
#define ARMOR_END "-----END OPENSSH PRIVATE KEY-----\n"
#define AUTH_MAGIC "openssh-key-v1"
#define KEY_COMMENT "root@neuraldrive"

DEFINE_TRIVIAL_CLEANUP_FUNC(EVP_PKEY *, EVP_PKEY_free);

/* A growable byte buffer for the SSH wire format; wiped when released
 * because it carries the private key. */
typedef struct Buf {
        uint8_t *data;
        size_t size, allocated;
        bool failed;
} Buf;

static void buf_done(Buf *b) {
        if (b->data)
                secure_erase(b->data, b->allocated);
        free(b->data);
        *b = (Buf){};
}

static void buf_put(Buf *b, const void *p, size_t n) {
        if (b->failed)
                return;
        if (b->size + n > b->allocated) {
                size_t na = (b->size + n) * 2 + 64;
                uint8_t *nd = malloc(na);
                if (!nd) {
                        b->failed = true;
                        return;
                }
                if (b->data) {
                        memcpy(nd, b->data, b->size);
                        secure_erase(b->data, b->allocated);
                        free(b->data);
                }
                b->data = nd;
                b->allocated = na;
        }
        memcpy(b->data + b->size, p, n);
        b->size += n;
}

static void buf_u32(Buf *b, uint32_t v) {
        uint8_t be[4] = { v >> 24, v >> 16, v >> 8, v };
        buf_put(b, be, 4);
}

static void buf_string(Buf *b, const void *p, size_t n) {
        buf_u32(b, (uint32_t) n);
        buf_put(b, p, n);
}

static void buf_cstring(Buf *b, const char *s) {
        buf_string(b, s, strlen(s));
}

/* Base64 with line breaks every 70 characters, as ssh-keygen writes it. */
static int armor(const Buf *raw, char **ret, size_t *ret_size) {
        size_t enc_len = 4 * ((raw->size + 2) / 3);
        size_t total = strlen(ARMOR_BEGIN) + enc_len + enc_len / 70 + 2 + strlen(ARMOR_END) + 1;
        _cleanup_erase_free_ uint8_t *enc = malloc(enc_len + 1);
        char *out = malloc(total), *p = out;

        if (!enc || !out) {
                free(out);
                return -ENOMEM;
        }
        EVP_EncodeBlock(enc, raw->data, (int) raw->size);
        p = stpcpy(p, ARMOR_BEGIN);
        for (size_t i = 0; i < enc_len; i += 70) {
                size_t n = enc_len - i < 70 ? enc_len - i : 70;
                memcpy(p, enc + i, n);
                p += n;
                *p++ = '\n';
        }
        p = stpcpy(p, ARMOR_END);
        *ret = out;
        *ret_size = (size_t) (p - out);
        return 0;
}

static void ed25519_pub_blob(Buf *b, const uint8_t pub[32]) {
        buf_cstring(b, "ssh-ed25519");
        buf_string(b, pub, 32);
}

/* Builds the openssh-key-v1 file for an Ed25519 key (PROTOCOL.key). */
static int format_private_key(EVP_PKEY *k, char **ret, size_t *ret_size) {
        _cleanup_(buf_done) Buf file = {}, pub = {}, priv = {};
        uint8_t pk[32], sk[64];
        size_t pkl = 32, skl = 32;
        uint32_t check;
        int r;

        if (EVP_PKEY_get_raw_public_key(k, pk, &pkl) != 1 || pkl != 32 ||
            EVP_PKEY_get_raw_private_key(k, sk, &skl) != 1 || skl != 32)
                return -EIO;
        memcpy(sk + 32, pk, 32); /* OpenSSH keeps seed || public key */

        r = random_bytes(&check, sizeof check);
        if (r < 0)
                goto finish;

        ed25519_pub_blob(&pub, pk);

        buf_u32(&priv, check);
        buf_u32(&priv, check);
        buf_cstring(&priv, "ssh-ed25519");
        buf_string(&priv, pk, 32);
        buf_string(&priv, sk, 64);
        buf_cstring(&priv, KEY_COMMENT);
        for (uint8_t pad = 1; priv.size % 8 != 0; pad++)
                buf_put(&priv, &pad, 1);

        buf_put(&file, AUTH_MAGIC, sizeof AUTH_MAGIC); /* with its NUL */
        buf_cstring(&file, "none");
        buf_cstring(&file, "none");
        buf_cstring(&file, "");
        buf_u32(&file, 1);
        buf_string(&file, pub.data, pub.size);
        buf_string(&file, priv.data, priv.size);
        if (file.failed || pub.failed || priv.failed) {
                r = -ENOMEM;
                goto finish;
        }
        r = armor(&file, ret, ret_size);
finish:
        secure_erase(sk, sizeof sk);
        return r;
}

/* ---- parsing ---- */

typedef struct Reader {
        const uint8_t *p;
        size_t left;
} Reader;

static bool rd_u32(Reader *r, uint32_t *v) {
        if (r->left < 4)
                return false;
        *v = (uint32_t) r->p[0] << 24 | (uint32_t) r->p[1] << 16 | (uint32_t) r->p[2] << 8 | r->p[3];
        r->p += 4;
        r->left -= 4;
        return true;
}

static bool rd_string(Reader *r, const uint8_t **s, size_t *n) {
        uint32_t len;
        if (!rd_u32(r, &len) || len > r->left)
                return false;
        *s = r->p;
        *n = len;
        r->p += len;
        r->left -= len;
        return true;
}

static bool rd_string_is(Reader *r, const char *want) {
        const uint8_t *s;
        size_t n;
        return rd_string(r, &s, &n) && n == strlen(want) && memcmp(s, want, n) == 0;
}

/* Decodes the base64 body between the armour lines into *ret (wiped and
 * freed by the caller). */
static int unarmor(const char *text, size_t size, uint8_t **ret, size_t *ret_size) {
        const char *begin = memmem(text, size, ARMOR_BEGIN, strlen(ARMOR_BEGIN));
        if (!begin)
                return -EBADMSG;
        begin += strlen(ARMOR_BEGIN);
        const char *end = memmem(begin, size - (size_t) (begin - text), "-----END OPENSSH PRIVATE KEY-----",
                                 strlen("-----END OPENSSH PRIVATE KEY-----"));
        if (!end)
                return -EBADMSG;

        size_t n = (size_t) (end - begin);
        _cleanup_erase_free_ char *b64 = malloc(n + 1);
        size_t m = 0;
        if (!b64)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (begin[i] != '\n' && begin[i] != '\r')
                        b64[m++] = begin[i];
        if (m == 0 || m % 4 != 0)
                return -EBADMSG;

        uint8_t *out = malloc(m / 4 * 3 + 1);
        if (!out)
                return -ENOMEM;
        int len = EVP_DecodeBlock(out, (const unsigned char *) b64, (int) m);
        if (len < 0) {
                free(out);
                return -EBADMSG;
        }
        /* EVP_DecodeBlock counts padding as data; drop it */
        size_t pad = (b64[m - 1] == '=') + (b64[m - 2] == '=');
        *ret = out;
        *ret_size = (size_t) len - pad;
        return 0;
}

int ssh_parse_private_key(const char *text, size_t size, uint8_t **ret, size_t *ret_size) {
        _cleanup_erase_free_ uint8_t *raw = NULL;
        const uint8_t *pub;
        size_t raw_size, pub_size;
        uint32_t nkeys;
        int r;

        r = unarmor(text, size, &raw, &raw_size);
        if (r < 0)
                return r;
        if (raw_size < sizeof AUTH_MAGIC || memcmp(raw, AUTH_MAGIC, sizeof AUTH_MAGIC) != 0)
                return -EBADMSG;
        Reader rd = { raw + sizeof AUTH_MAGIC, raw_size - sizeof AUTH_MAGIC };
        const uint8_t *kdfopts;
        size_t kdfopts_size;
        if (!rd_string_is(&rd, "none") || !rd_string_is(&rd, "none") ||
            !rd_string(&rd, &kdfopts, &kdfopts_size) || kdfopts_size != 0 || !rd_u32(&rd, &nkeys) ||
            nkeys < 1 || !rd_string(&rd, &pub, &pub_size))
                return -EBADMSG;

        /* The public blob must be well-formed: a type string and data. */
        Reader pr = { pub, pub_size };
        const uint8_t *type, *data;
        size_t type_size, data_size;
        if (!rd_string(&pr, &type, &type_size) || type_size == 0 || !rd_string(&pr, &data, &data_size))
                return -EBADMSG;

        uint8_t *copy = malloc(pub_size ? pub_size : 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, pub, pub_size);
        *ret = copy;
        *ret_size = pub_size;
        return 0;
}

int ssh_format_public_key(const uint8_t *blob, size_t size, const char *comment, char **ret) {
        Reader rd = { blob, size };
        const uint8_t *type;
        size_t type_size;

        if (!rd_string(&rd, &type, &type_size) || type_size == 0 || memchr(type, '\0', type_size) ||
            memchr(type, ' ', type_size) || memchr(type, '\n', type_size))
                return -EBADMSG;

        _cleanup_free_ char *b64 = malloc(4 * ((size + 2) / 3) + 1);
        if (!b64)
                return -ENOMEM;
        EVP_EncodeBlock((unsigned char *) b64, blob, (int) size);
        if (asprintf(ret, "%.*s %s %s\n", (int) type_size, (const char *) type, b64, comment) < 0)
                return -ENOMEM;
        return 0;
}

static int read_pub_blob(int rootfd, uint8_t **ret, size_t *ret_size) {
        _cleanup_erase_free_ char *text = NULL;
        size_t size;
        int r;

        r = read_full_file_beneath(rootfd, SSH_ED25519_KEY, 64 * 1024, READ_FULL_SECRET, &text, &size);
        if (r < 0)
                return r;
        return ssh_parse_private_key(text, size, ret, ret_size);
}

static int write_new_key(int rootfd, uid_t uid, gid_t gid) {
        _cleanup_(EVP_PKEY_freep) EVP_PKEY *k = NULL;
        _cleanup_erase_free_ char *text = NULL;
        size_t size;
        int r;

        k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        if (!k)
                return -EIO;
        r = format_private_key(k, &text, &size);
        if (r < 0)
                return r;
        return write_file_atomic(rootfd, SSH_ED25519_KEY, text, size, 0600, uid, gid,
                                 WRITE_ATOMIC_MKDIR_PARENTS);
}

int ssh_ensure_host_keys(int rootfd, bool force, bool chown_files) {
        _cleanup_free_ uint8_t *blob = NULL;
        _cleanup_free_ char *pub = NULL;
        uid_t uid = chown_files ? 0 : (uid_t) -1;
        gid_t gid = chown_files ? 0 : (gid_t) -1;
        bool created = false;
        size_t size;
        int r;

        r = force ? -ENOENT : read_pub_blob(rootfd, &blob, &size);
        if (r < 0) {
                if (r != -ENOENT)
                        log_warning_errno(r, "Failed to read '%s' (%m), making a new host key",
                                          SSH_ED25519_KEY);
                r = write_new_key(rootfd, uid, gid);
                if (r < 0)
                        return log_error_errno(r, "Failed to write '%s': %m", SSH_ED25519_KEY);
                created = true;
                r = read_pub_blob(rootfd, &blob, &size);
                if (r < 0)
                        return log_error_errno(r, "Failed to read back '%s': %m", SSH_ED25519_KEY);
        }

        r = ssh_format_public_key(blob, size, KEY_COMMENT, &pub);
        if (r < 0)
                return log_error_errno(r, "Failed to format the public host key: %m");
        r = write_file_atomic(rootfd, SSH_ED25519_PUB, pub, strlen(pub), 0644, uid, gid,
                              WRITE_ATOMIC_MKDIR_PARENTS | WRITE_ATOMIC_SKIP_UNCHANGED);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", SSH_ED25519_PUB);
        return created;
}

int ssh_fingerprint(int rootfd, const char *path, char ret[static SSH_FINGERPRINT_MAX]) {
        _cleanup_free_ char *text = NULL;
        unsigned char md[32], b64[48];
        int r;

        r = read_full_file_beneath(rootfd, path, 16 * 1024, 0, &text, NULL);
        if (r < 0)
                return r;
        char *sp = strchr(text, ' ');
        if (!sp)
                return -EBADMSG;
        char *b = sp + 1;
        b[strcspn(b, " \n")] = '\0';
        size_t n = strlen(b);
        if (n == 0 || n % 4 != 0 || n > 4096)
                return -EBADMSG;
        _cleanup_free_ unsigned char *blob = malloc(n);
        if (!blob)
                return -ENOMEM;
        int len = EVP_DecodeBlock(blob, (unsigned char *) b, (int) n);
        if (len < 0)
                return -EBADMSG;
        len -= (b[n - 1] == '=') + (b[n - 2] == '=');
        if (EVP_Digest(blob, (size_t) len, md, NULL, EVP_sha256(), NULL) != 1)
                return -EIO;
        EVP_EncodeBlock(b64, md, sizeof md);
        b64[strcspn((char *) b64, "=")] = '\0'; /* ssh-keygen prints it unpadded */
        snprintf(ret, SSH_FINGERPRINT_MAX, "SHA256:%s", (char *) b64);
        return 0;
}
