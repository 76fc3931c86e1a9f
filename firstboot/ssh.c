/* SPDX-License-Identifier: MIT */
#include "ssh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
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

/* Wraps one key into the openssh-key-v1 container (PROTOCOL.key): pub is
 * its public key blob, fields the type-specific private fields. */
static int wrap_key(const Buf *pub, const Buf *fields, char **ret, size_t *ret_size) {
        _cleanup_(buf_done) Buf file = {}, priv = {};
        uint32_t check;
        int r;

        r = random_bytes(&check, sizeof check);
        if (r < 0)
                return r;
        buf_u32(&priv, check);
        buf_u32(&priv, check);
        buf_put(&priv, fields->data, fields->size);
        buf_cstring(&priv, KEY_COMMENT);
        for (uint8_t pad = 1; priv.size % 8 != 0; pad++)
                buf_put(&priv, &pad, 1);

        buf_put(&file, AUTH_MAGIC, sizeof AUTH_MAGIC); /* with its NUL */
        buf_cstring(&file, "none");
        buf_cstring(&file, "none");
        buf_cstring(&file, "");
        buf_u32(&file, 1);
        buf_string(&file, pub->data, pub->size);
        buf_string(&file, priv.data, priv.size);
        if (file.failed || priv.failed)
                return -ENOMEM;
        return armor(&file, ret, ret_size);
}

/* A new Ed25519 key in openssh-key-v1 format. */
static int generate_ed25519(char **ret, size_t *ret_size) {
        _cleanup_(EVP_PKEY_freep) EVP_PKEY *k = NULL;
        _cleanup_(buf_done) Buf pub = {}, fields = {};
        uint8_t pk[32], sk[64];
        size_t pkl = 32, skl = 32;
        int r;

        k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        if (!k)
                return -EIO;
        if (EVP_PKEY_get_raw_public_key(k, pk, &pkl) != 1 || pkl != 32 ||
            EVP_PKEY_get_raw_private_key(k, sk, &skl) != 1 || skl != 32)
                return -EIO;
        memcpy(sk + 32, pk, 32); /* OpenSSH keeps seed || public key */

        buf_cstring(&pub, "ssh-ed25519");
        buf_string(&pub, pk, 32);
        buf_cstring(&fields, "ssh-ed25519");
        buf_string(&fields, pk, 32);
        buf_string(&fields, sk, 64);
        secure_erase(sk, sizeof sk);
        if (pub.failed || fields.failed)
                return -ENOMEM;
        r = wrap_key(&pub, &fields, ret, ret_size);
        return r;
}

/* A new ECDSA P-256 key in openssh-key-v1 format. */
static int generate_ecdsa(char **ret, size_t *ret_size) {
        _cleanup_(EVP_PKEY_freep) EVP_PKEY *k = NULL;
        _cleanup_(buf_done) Buf pub = {}, fields = {};
        BIGNUM *d = NULL;
        uint8_t q[65], mp[33];
        size_t ql = 0;
        int r;

        k = EVP_EC_gen("P-256");
        if (!k)
                return -EIO;
        if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, q, sizeof q, &ql) != 1 || ql != 65 ||
            q[0] != 0x04 || EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1)
                return -EIO;
        /* SSH mpint: big-endian, minimal, a leading zero when the top bit is set */
        int n = BN_num_bytes(d);
        if (n <= 0 || n > 32 || BN_bn2bin(d, mp + 1) != n) {
                BN_clear_free(d);
                return -EIO;
        }
        BN_clear_free(d);
        mp[0] = 0;
        bool pad = mp[1] & 0x80;

        buf_cstring(&pub, "ecdsa-sha2-nistp256");
        buf_cstring(&pub, "nistp256");
        buf_string(&pub, q, ql);
        buf_cstring(&fields, "ecdsa-sha2-nistp256");
        buf_cstring(&fields, "nistp256");
        buf_string(&fields, q, ql);
        buf_string(&fields, pad ? mp : mp + 1, (size_t) n + pad);
        secure_erase(mp, sizeof mp);
        if (pub.failed || fields.failed)
                return -ENOMEM;
        r = wrap_key(&pub, &fields, ret, ret_size);
        return r;
}

typedef struct HostKeyType {
        const char *name;
        const char *key_path, *pub_path;
        int (*generate)(char **ret, size_t *ret_size);
} HostKeyType;

static const HostKeyType host_key_types[] = {
        { "ED25519", SSH_ED25519_KEY, SSH_ED25519_PUB, generate_ed25519 },
        { "ECDSA", SSH_ECDSA_KEY, SSH_ECDSA_PUB, generate_ecdsa },
};

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

static int read_pub_blob(int rootfd, const char *path, uint8_t **ret, size_t *ret_size) {
        _cleanup_erase_free_ char *text = NULL;
        size_t size;
        int r;

        r = read_full_file_beneath(rootfd, path, 64 * 1024, READ_FULL_SECRET, &text, &size);
        if (r < 0)
                return r;
        return ssh_parse_private_key(text, size, ret, ret_size);
}

static int ensure_host_key(int rootfd, const HostKeyType *t, bool force, uid_t uid, gid_t gid) {
        _cleanup_free_ uint8_t *blob = NULL;
        _cleanup_free_ char *pub = NULL;
        bool created = false;
        size_t size;
        int r;

        r = force ? -ENOENT : read_pub_blob(rootfd, t->key_path, &blob, &size);
        if (r < 0) {
                _cleanup_erase_free_ char *text = NULL;
                size_t text_size;

                if (r != -ENOENT)
                        log_warning_errno(r, "Failed to read '%s' (%m), making a new host key", t->key_path);
                r = t->generate(&text, &text_size);
                if (r < 0)
                        return log_error_errno(r, "Failed to generate the %s host key: %m", t->name);
                r = write_file_atomic(rootfd, t->key_path, text, text_size, 0600, uid, gid,
                                      WRITE_ATOMIC_MKDIR_PARENTS);
                if (r < 0)
                        return log_error_errno(r, "Failed to write '%s': %m", t->key_path);
                created = true;
                r = ssh_parse_private_key(text, text_size, &blob, &size);
                if (r < 0)
                        return log_error_errno(r, "Failed to read back '%s': %m", t->key_path);
        }

        r = ssh_format_public_key(blob, size, KEY_COMMENT, &pub);
        if (r < 0)
                return log_error_errno(r, "Failed to format the public key of '%s': %m", t->key_path);
        r = write_file_atomic(rootfd, t->pub_path, pub, strlen(pub), 0644, uid, gid,
                              WRITE_ATOMIC_MKDIR_PARENTS | WRITE_ATOMIC_SKIP_UNCHANGED);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", t->pub_path);
        return created;
}

int ssh_ensure_host_keys(int rootfd, bool force, bool chown_files) {
        uid_t uid = chown_files ? 0 : (uid_t) -1;
        gid_t gid = chown_files ? 0 : (gid_t) -1;
        bool created = false;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(host_key_types); i++) {
                r = ensure_host_key(rootfd, &host_key_types[i], force, uid, gid);
                if (r < 0)
                        return r;
                created = created || r > 0;
        }
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
