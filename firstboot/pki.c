/* SPDX-License-Identifier: MIT */
#include "pki.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "memory-util.h"
#include "random-util.h"
#include "users.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(X509 *, X509_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(EVP_PKEY *, EVP_PKEY_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(BIO *, BIO_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(BIGNUM *, BN_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(GENERAL_NAMES *, GENERAL_NAMES_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(NAME_CONSTRAINTS *, NAME_CONSTRAINTS_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(X509_EXTENSION *, X509_EXTENSION_free);

/* Maps a failed OpenSSL call to an errno, logging OpenSSL's own reason at
 * debug level (the caller says what failed). */
static int openssl_error(const char *what) {
        unsigned long e = ERR_get_error();
        char buf[256];

        ERR_error_string_n(e, buf, sizeof buf);
        log_debug("OpenSSL: %s: %s", what, e ? buf : "unknown error");
        ERR_clear_error();
        return ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE ? -ENOMEM : -EIO;
}

/* ---- names ---- */

static const struct {
        int family;
        const char *net;
        unsigned prefix;
        const char *mask; /* as OpenSSL's nameConstraints syntax wants it */
} permitted_ranges[] = {
        { AF_INET, "10.0.0.0", 8, "255.0.0.0" },
        { AF_INET, "172.16.0.0", 12, "255.240.0.0" },
        { AF_INET, "192.168.0.0", 16, "255.255.0.0" },
        { AF_INET, "127.0.0.0", 8, "255.0.0.0" },
        { AF_INET6, "::1", 128, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
        { AF_INET6, "fc00::", 7, "fe00::" },
};

static bool prefix_match(const unsigned char *a, const unsigned char *b, unsigned bits) {
        unsigned bytes = bits / 8, rest = bits % 8;

        if (memcmp(a, b, bytes) != 0)
                return false;
        if (rest == 0)
                return true;
        unsigned char m = (unsigned char) (0xff << (8 - rest));
        return (a[bytes] & m) == (b[bytes] & m);
}

bool pki_address_is_permitted(const char *addr) {
        unsigned char a[16], n[16];
        int family = strchr(addr, ':') ? AF_INET6 : AF_INET;

        if (inet_pton(family, addr, a) != 1)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(permitted_ranges); i++) {
                if (permitted_ranges[i].family != family)
                        continue;
                if (inet_pton(family, permitted_ranges[i].net, n) == 1 &&
                    prefix_match(a, n, permitted_ranges[i].prefix))
                        return true;
        }
        return false;
}

void pki_names_done(PkiNames *n) {
        for (size_t i = 0; i < n->n; i++)
                free(n->items[i]);
        free(n->items);
        *n = (PkiNames){};
}

static int names_add(PkiNames *n, const char *kind, const char *value) {
        char *s = NULL;

        if (asprintf(&s, "%s:%s", kind, value) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < n->n; i++)
                if (streq(n->items[i], s)) {
                        free(s);
                        return 0;
                }
        char **items = reallocarray(n->items, n->n + 1, sizeof *items);
        if (!items) {
                free(s);
                return -ENOMEM;
        }
        n->items = items;
        n->items[n->n++] = s;
        return 0;
}

/* Canonical text of an address, so that "::0001" and "::1" compare equal. */
static int canonical_address(const char *addr, char *buf, size_t size) {
        unsigned char a[16];
        int family = strchr(addr, ':') ? AF_INET6 : AF_INET;

        if (inet_pton(family, addr, a) != 1 || !inet_ntop(family, a, buf, (socklen_t) size))
                return -EINVAL;
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int pki_names_build(const char *hostname, char *const *addrs, PkiNames *ret) {
        _cleanup_(pki_names_done) PkiNames n = {};
        char buf[INET6_ADDRSTRLEN];
        char host_local[128];
        int r;

        if (!hostname || !hostname[0] || strlen(hostname) > 63)
                return -EINVAL;
        snprintf(host_local, sizeof host_local, "%s.local", hostname);
        const char *dns[] = { "neuraldrive.local", hostname, host_local, "localhost" };
        for (size_t i = 0; i < ELEMENTSOF(dns); i++)
                if ((r = names_add(&n, "DNS", dns[i])) < 0)
                        return r;
        if ((r = names_add(&n, "IP", "127.0.0.1")) < 0 || (r = names_add(&n, "IP", "::1")) < 0)
                return r;
        for (char *const *a = addrs; a && *a; a++) {
                if (canonical_address(*a, buf, sizeof buf) < 0 || !pki_address_is_permitted(buf)) {
                        log_debug("Address '%s' lies outside the CA's permitted ranges, leaving it out", *a);
                        continue;
                }
                if ((r = names_add(&n, "IP", buf)) < 0)
                        return r;
        }
        qsort(n.items, n.n, sizeof *n.items, cmp_str);
        *ret = n;
        n = (PkiNames){};
        return 0;
}

int pki_current_addresses(char ***ret) {
        struct ifaddrs *ifa = NULL;
        char **list = NULL;
        size_t n = 0;

        if (getifaddrs(&ifa) < 0)
                return negative_errno();
        for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
                char buf[INET6_ADDRSTRLEN];
                const void *a;

                if (!i->ifa_addr || !(i->ifa_flags & IFF_UP))
                        continue;
                if (i->ifa_addr->sa_family == AF_INET) {
                        const struct in_addr *in = &((const struct sockaddr_in *) i->ifa_addr)->sin_addr;
                        if ((ntohl(in->s_addr) & 0xffff0000U) == 0xa9fe0000U) /* 169.254/16 */
                                continue;
                        a = in;
                } else if (i->ifa_addr->sa_family == AF_INET6) {
                        const struct in6_addr *in6 = &((const struct sockaddr_in6 *) i->ifa_addr)->sin6_addr;
                        if (IN6_IS_ADDR_LINKLOCAL(in6))
                                continue;
                        a = in6;
                } else
                        continue;
                if (!inet_ntop(i->ifa_addr->sa_family, a, buf, sizeof buf))
                        continue;
                char **nl = reallocarray(list, n + 2, sizeof *nl);
                if (!nl || !(nl[n] = strdup(buf))) {
                        list = nl ? nl : list;
                        for (size_t k = 0; k < n; k++)
                                free(list[k]);
                        free(list);
                        freeifaddrs(ifa);
                        return -ENOMEM;
                }
                list = nl;
                list[++n] = NULL;
        }
        freeifaddrs(ifa);
        if (!list && !(list = calloc(1, sizeof *list)))
                return -ENOMEM;
        *ret = list;
        return 0;
}

/* ---- files ---- */

static int load_cert(int rootfd, const char *path, X509 **ret) {
        _cleanup_free_ char *data = NULL;
        _cleanup_(BIO_freep) BIO *b = NULL;
        size_t size;
        int r;

        r = read_full_file_beneath(rootfd, path, 64 * 1024, 0, &data, &size);
        if (r < 0)
                return r;
        b = BIO_new_mem_buf(data, (int) size);
        if (!b)
                return -ENOMEM;
        X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
        if (!x)
                return openssl_error(path) == -ENOMEM ? -ENOMEM : -EBADMSG;
        *ret = x;
        return 0;
}

static int load_key(int rootfd, const char *path, EVP_PKEY **ret) {
        _cleanup_erase_free_ char *data = NULL;
        _cleanup_(BIO_freep) BIO *b = NULL;
        size_t size;
        int r;

        r = read_full_file_beneath(rootfd, path, 64 * 1024, READ_FULL_SECRET, &data, &size);
        if (r < 0)
                return r;
        b = BIO_new_mem_buf(data, (int) size);
        if (!b)
                return -ENOMEM;
        EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
        if (!k)
                return openssl_error(path) == -ENOMEM ? -ENOMEM : -EBADMSG;
        *ret = k;
        return 0;
}

static int write_bio(int rootfd, const char *path, BIO *b, mode_t mode, uid_t uid, gid_t gid) {
        char *data;
        long size = BIO_get_mem_data(b, &data);
        int r;

        if (size <= 0)
                return -EIO;
        r = write_file_atomic(rootfd, path, data, (size_t) size, mode, uid, gid, WRITE_ATOMIC_MKDIR_PARENTS);
        if (r < 0)
                return log_debug_errno(r, "Failed to write '%s': %m", path);
        return 0;
}

static int write_key(int rootfd, const char *path, EVP_PKEY *k, mode_t mode, uid_t uid, gid_t gid) {
        _cleanup_(BIO_freep) BIO *b = NULL;

        /* secure memory BIO: the PEM text of the key is wiped when freed */
        b = BIO_new(BIO_s_secmem());
        if (!b)
                return -ENOMEM;
        if (PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) != 1)
                return openssl_error(path);
        return write_bio(rootfd, path, b, mode, uid, gid);
}

static int write_cert(int rootfd, const char *path, X509 *x, uid_t uid, gid_t gid) {
        _cleanup_(BIO_freep) BIO *b = NULL;

        b = BIO_new(BIO_s_mem());
        if (!b)
                return -ENOMEM;
        if (PEM_write_bio_X509(b, x) != 1)
                return openssl_error(path);
        return write_bio(rootfd, path, b, 0644, uid, gid);
}

/* ---- building certificates ---- */

static int new_key(EVP_PKEY **ret) {
        EVP_PKEY *k = EVP_EC_gen("P-256");
        if (!k)
                return openssl_error("EC P-256 key generation");
        *ret = k;
        return 0;
}

static int set_random_serial(X509 *x) {
        _cleanup_(BN_freep) BIGNUM *bn = NULL;
        unsigned char b[16];
        int r;

        r = random_bytes(b, sizeof b);
        if (r < 0)
                return r;
        b[0] &= 0x7f; /* positive */
        b[0] |= 0x40; /* and always 16 bytes long */
        bn = BN_bin2bn(b, sizeof b, NULL);
        if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
                return openssl_error("serial number");
        return 0;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value) {
        _cleanup_(X509_EXTENSION_freep) X509_EXTENSION *ext = NULL;
        X509V3_CTX ctx;

        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
        ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
        if (!ext || X509_add_ext(x, ext, -1) != 1)
                return openssl_error(OBJ_nid2sn(nid));
        return 0;
}

/* Creates a certificate skeleton: v3, random serial, validity from a few
 * minutes ago (clients' clocks differ) for days, public key of key. */
static int new_cert(EVP_PKEY *key, long days, X509 **ret) {
        _cleanup_(X509_freep) X509 *x = X509_new();
        int r;

        if (!x)
                return -ENOMEM;
        if (X509_set_version(x, X509_VERSION_3) != 1)
                return openssl_error("version");
        r = set_random_serial(x);
        if (r < 0)
                return r;
        if (!X509_gmtime_adj(X509_getm_notBefore(x), -300) ||
            !X509_time_adj_ex(X509_getm_notAfter(x), (int) days, -300, NULL))
                return openssl_error("validity");
        if (X509_set_pubkey(x, key) != 1)
                return openssl_error("public key");
        *ret = TAKE_PTR(x);
        return 0;
}

static int set_name(X509_NAME *name, const char *org, const char *cn) {
        if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *) org, -1, -1, 0) !=
                    1 ||
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0) !=
                    1)
                return openssl_error("subject");
        return 0;
}

static int build_ca(const char *hostname, EVP_PKEY *key, X509 **ret) {
        _cleanup_(X509_freep) X509 *x = NULL;
        _cleanup_free_ char *nc = NULL;
        char cn[64], id[17];
        size_t off = 0;
        int r;

        r = new_cert(key, PKI_CA_DAYS, &x);
        if (r < 0)
                return r;

        /* A unique subject, so two appliances' CAs never look alike to a
         * client's trust store. */
        r = random_string("0123456789ABCDEF", 16, id, 16);
        if (r < 0)
                return r;
        snprintf(cn, sizeof cn, "NeuralDrive CA %s", id);
        if ((r = set_name(X509_get_subject_name(x), "NeuralDrive", cn)) < 0)
                return r;
        if (X509_set_issuer_name(x, X509_get_subject_name(x)) != 1)
                return openssl_error("issuer");

        _cleanup_(pki_names_done) PkiNames dns = {};
        r = pki_names_build(hostname, NULL, &dns);
        if (r < 0)
                return r;
        FILE *f = open_memstream(&nc, &off);
        if (!f)
                return -ENOMEM;
        fputs("critical", f);
        for (size_t i = 0; i < dns.n; i++)
                if (startswith(dns.items[i], "DNS:"))
                        fprintf(f, ",permitted;%s", dns.items[i]);
        for (size_t i = 0; i < ELEMENTSOF(permitted_ranges); i++)
                fprintf(f, ",permitted;IP:%s/%s", permitted_ranges[i].net, permitted_ranges[i].mask);
        if (fclose(f) != 0)
                return -ENOMEM;

        if ((r = add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0")) < 0 ||
            (r = add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign")) < 0 ||
            (r = add_ext(x, x, NID_subject_key_identifier, "hash")) < 0 ||
            (r = add_ext(x, x, NID_name_constraints, nc)) < 0)
                return r;
        if (X509_sign(x, key, EVP_sha256()) <= 0)
                return openssl_error("signing the CA");
        *ret = TAKE_PTR(x);
        return 0;
}

/* True when the DNS name is inside the CA's permitted DNS subtrees (or
 * the CA has none): a name outside them would make clients reject the
 * whole certificate. */
static bool ca_permits_dns(X509 *ca, const char *name) {
        _cleanup_(NAME_CONSTRAINTS_freep) NAME_CONSTRAINTS *nc = NULL;
        bool any = false;
        size_t nl = strlen(name);

        nc = X509_get_ext_d2i(ca, NID_name_constraints, NULL, NULL);
        if (!nc || !nc->permittedSubtrees)
                return true;
        for (int i = 0; i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); i++) {
                GENERAL_SUBTREE *s = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
                if (s->base->type != GEN_DNS)
                        continue;
                any = true;
                const char *p = (const char *) ASN1_STRING_get0_data(s->base->d.dNSName);
                size_t pl = (size_t) ASN1_STRING_length(s->base->d.dNSName);
                if (nl == pl && strncasecmp(name, p, pl) == 0)
                        return true;
                if (nl > pl + 1 && name[nl - pl - 1] == '.' && strncasecmp(name + nl - pl, p, pl) == 0)
                        return true;
        }
        return !any;
}

static int build_server(X509 *ca, EVP_PKEY *ca_key, EVP_PKEY *key, const PkiNames *names, X509 **ret) {
        _cleanup_(X509_freep) X509 *x = NULL;
        _cleanup_free_ char *san = NULL;
        size_t off = 0;
        int r;

        r = new_cert(key, PKI_SERVER_DAYS, &x);
        if (r < 0)
                return r;
        if ((r = set_name(X509_get_subject_name(x), "NeuralDrive", "neuraldrive.local")) < 0)
                return r;
        if (X509_set_issuer_name(x, X509_get_subject_name(ca)) != 1)
                return openssl_error("issuer");

        FILE *f = open_memstream(&san, &off);
        if (!f)
                return -ENOMEM;
        bool first = true;
        for (size_t i = 0; i < names->n; i++) {
                const char *dns = startswith(names->items[i], "DNS:");
                if (dns && !ca_permits_dns(ca, dns)) {
                        log_warning("Name '%s' is outside the CA's name constraints, leaving it out of the "
                                    "server certificate (nd-firstboot --reprovision=ca makes a CA for it)",
                                    dns);
                        continue;
                }
                fprintf(f, "%s%s", first ? "" : ",", names->items[i]);
                first = false;
        }
        if (fclose(f) != 0)
                return -ENOMEM;

        if ((r = add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE")) < 0 ||
            (r = add_ext(x, ca, NID_key_usage, "critical,digitalSignature")) < 0 ||
            (r = add_ext(x, ca, NID_ext_key_usage, "serverAuth")) < 0 ||
            (r = add_ext(x, ca, NID_subject_key_identifier, "hash")) < 0 ||
            (r = add_ext(x, ca, NID_authority_key_identifier, "keyid:always")) < 0 ||
            (r = add_ext(x, ca, NID_subject_alt_name, san)) < 0)
                return r;
        if (X509_sign(x, ca_key, EVP_sha256()) <= 0)
                return openssl_error("signing the server certificate");
        *ret = TAKE_PTR(x);
        return 0;
}

/* ---- checks ---- */

static int cert_names(X509 *x, PkiNames *ret) {
        _cleanup_(GENERAL_NAMES_freep) GENERAL_NAMES *gens = NULL;
        _cleanup_(pki_names_done) PkiNames n = {};
        int r;

        gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
        for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
                GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
                char buf[INET6_ADDRSTRLEN];

                if (g->type == GEN_DNS) {
                        _cleanup_free_ char *s = strndup((const char *) ASN1_STRING_get0_data(g->d.dNSName),
                                                         (size_t) ASN1_STRING_length(g->d.dNSName));
                        if (!s)
                                return -ENOMEM;
                        r = names_add(&n, "DNS", s);
                } else if (g->type == GEN_IPADD) {
                        int len = ASN1_STRING_length(g->d.iPAddress);
                        int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : AF_UNSPEC;
                        if (family == AF_UNSPEC ||
                            !inet_ntop(family, ASN1_STRING_get0_data(g->d.iPAddress), buf, sizeof buf))
                                continue;
                        r = names_add(&n, "IP", buf);
                } else
                        continue;
                if (r < 0)
                        return r;
        }
        qsort(n.items, n.n, sizeof *n.items, cmp_str);
        *ret = n;
        n = (PkiNames){};
        return 0;
}

static bool names_equal(const PkiNames *a, const PkiNames *b, const char *only_prefix) {
        size_t i = 0, j = 0;

        for (;;) {
                while (i < a->n && only_prefix && !startswith(a->items[i], only_prefix))
                        i++;
                while (j < b->n && only_prefix && !startswith(b->items[j], only_prefix))
                        j++;
                if (i >= a->n || j >= b->n)
                        return i >= a->n && j >= b->n;
                if (!streq(a->items[i], b->items[j]))
                        return false;
                i++, j++;
        }
}

/* Drops DNS names the CA does not permit from the wanted set, so that it
 * compares equal to a certificate issued from it. */
static int wanted_names(X509 *ca, const PkiNames *names, PkiNames *ret) {
        _cleanup_(pki_names_done) PkiNames n = {};
        int r;

        for (size_t i = 0; i < names->n; i++) {
                const char *dns = startswith(names->items[i], "DNS:");
                if (dns && !ca_permits_dns(ca, dns))
                        continue;
                char *colon = strchr(names->items[i], ':');
                *colon = '\0';
                r = names_add(&n, names->items[i], colon + 1);
                *colon = ':';
                if (r < 0)
                        return r;
        }
        *ret = n;
        n = (PkiNames){};
        return 0;
}

/* Returns a reason string when cert must be re-issued, NULL when it is fine. */
static const char *server_cert_problem(X509 *cert, EVP_PKEY *key, X509 *ca, const PkiNames *names,
                                       PkiFlags flags) {
        _cleanup_(pki_names_done) PkiNames have = {}, want = {};
        int days, secs, tdays, tsecs;

        if (X509_check_private_key(cert, key) != 1) {
                ERR_clear_error();
                return "it does not match server.key";
        }
        if (X509_check_issued(ca, cert) != X509_V_OK || X509_verify(cert, X509_get0_pubkey(ca)) != 1) {
                ERR_clear_error();
                return "it is not signed by the current CA";
        }
        if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)) ||
            !ASN1_TIME_diff(&tdays, &tsecs, X509_get0_notBefore(cert), X509_get0_notAfter(cert)))
                return "its validity cannot be read";
        long long left = (long long) days * 86400 + secs, total = (long long) tdays * 86400 + tsecs;
        if (left * 3 <= total)
                return "a third or less of its lifetime is left";
        if (cert_names(cert, &have) < 0 || wanted_names(ca, names, &want) < 0)
                return "its names cannot be read";
        if (!names_equal(&have, &want, "DNS:"))
                return "the host names changed";
        if ((flags & PKI_CHECK_ADDRESSES) && !names_equal(&have, &want, NULL))
                return "the addresses changed";
        return NULL;
}

int pki_ensure_ca(int rootfd, const char *hostname, PkiFlags flags) {
        _cleanup_(X509_freep) X509 *ca = NULL;
        _cleanup_(EVP_PKEY_freep) EVP_PKEY *key = NULL;
        uid_t uid = (flags & PKI_CHOWN) ? 0 : (uid_t) -1;
        gid_t gid = (flags & PKI_CHOWN) ? 0 : (gid_t) -1;
        int r;

        if (!(flags & PKI_FORCE)) {
                int rk = load_key(rootfd, PKI_CA_KEY, &key);
                int rc = load_cert(rootfd, PKI_CA_CERT, &ca);
                if (rk >= 0 && rc >= 0 && X509_check_private_key(ca, key) == 1)
                        return 0;
                ERR_clear_error();
                if ((rk < 0 && rk != -ENOENT) || (rc < 0 && rc != -ENOENT))
                        log_warning_errno(rk < 0 ? rk : rc,
                                          "The CA in '%s' is unusable (%m), making a new one", PKI_DIR);
                else if (rk >= 0 && rc >= 0)
                        log_warning("'%s' and '%s' do not belong together, making a new CA", PKI_CA_KEY,
                                    PKI_CA_CERT);
                X509_free(TAKE_PTR(ca));
                EVP_PKEY_free(TAKE_PTR(key));
        }

        r = new_key(&key);
        if (r < 0)
                return log_error_errno(r, "Failed to generate the CA key: %m");
        r = build_ca(hostname, key, &ca);
        if (r < 0)
                return log_error_errno(r, "Failed to build the CA certificate: %m");
        /* key first: a crash between the two leaves a pair that does not
         * match, which the next run detects and replaces */
        r = write_key(rootfd, PKI_CA_KEY, key, 0600, uid, gid);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", PKI_CA_KEY);
        r = write_cert(rootfd, PKI_CA_CERT, ca, uid, gid);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", PKI_CA_CERT);
        return 1;
}

int pki_ensure_server_cert(int rootfd, const PkiNames *names, PkiFlags flags) {
        _cleanup_(X509_freep) X509 *ca = NULL, *cert = NULL;
        _cleanup_(EVP_PKEY_freep) EVP_PKEY *ca_key = NULL, *key = NULL;
        uid_t uid = (flags & PKI_CHOWN) ? 0 : (uid_t) -1;
        gid_t gid = (flags & PKI_CHOWN) ? 0 : (gid_t) -1;
        gid_t caddy = (flags & PKI_CHOWN) ? USERS_CADDY_UID : (gid_t) -1;
        const char *why = NULL;
        int r;

        r = load_cert(rootfd, PKI_CA_CERT, &ca);
        if (r < 0)
                return log_error_errno(r, "Failed to load '%s': %m", PKI_CA_CERT);

        if (!(flags & PKI_FORCE)) {
                r = load_key(rootfd, PKI_SERVER_KEY, &key);
                if (r < 0 && r != -ENOENT)
                        log_warning_errno(r, "Failed to load '%s' (%m), making a new key", PKI_SERVER_KEY);
        }
        if (key && !(flags & PKI_FORCE)) {
                r = load_cert(rootfd, PKI_SERVER_CERT, &cert);
                if (r >= 0) {
                        why = server_cert_problem(cert, key, ca, names, flags);
                        if (!why)
                                return 0;
                        log_info("Re-issuing '%s': %s", PKI_SERVER_CERT, why);
                } else if (r != -ENOENT)
                        log_warning_errno(r, "Failed to load '%s' (%m), issuing a new one", PKI_SERVER_CERT);
        }

        r = load_key(rootfd, PKI_CA_KEY, &ca_key);
        if (r < 0)
                return log_error_errno(r, "Failed to load '%s': %m", PKI_CA_KEY);

        if (!key) {
                r = new_key(&key);
                if (r < 0)
                        return log_error_errno(r, "Failed to generate the server key: %m");
                r = write_key(rootfd, PKI_SERVER_KEY, key, 0640, uid, caddy);
                if (r < 0)
                        return log_error_errno(r, "Failed to write '%s': %m", PKI_SERVER_KEY);
        }
        X509_free(TAKE_PTR(cert));
        r = build_server(ca, ca_key, key, names, &cert);
        if (r < 0)
                return log_error_errno(r, "Failed to build the server certificate: %m");
        r = write_cert(rootfd, PKI_SERVER_CERT, cert, uid, gid);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", PKI_SERVER_CERT);
        return 1;
}

int pki_fingerprint(int rootfd, const char *path, char ret[static 96]) {
        _cleanup_(X509_freep) X509 *x = NULL;
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n = 0;
        int r;

        r = load_cert(rootfd, path, &x);
        if (r < 0)
                return r;
        if (X509_digest(x, EVP_sha256(), md, &n) != 1 || n != 32)
                return openssl_error("fingerprint");
        for (unsigned i = 0; i < n; i++)
                snprintf(ret + 3 * i, 4, "%02X%s", md[i], i + 1 < n ? ":" : "");
        return 0;
}

int pki_not_after(int rootfd, const char *path, long long *ret) {
        _cleanup_(X509_freep) X509 *x = NULL;
        struct tm tm;
        int r;

        r = load_cert(rootfd, path, &x);
        if (r < 0)
                return r;
        if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1)
                return openssl_error("notAfter");
        *ret = (long long) timegm(&tm);
        return 0;
}
