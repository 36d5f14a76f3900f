// OpenSSL 3 shim for central's development certificate authority (key generation, X.509
// certificates, PEM in memory). Each wrapper exists only because what it wraps is a macro or
// a variadic function, neither of which imports into Swift.
#ifndef COPENSSL_X509_SHIM_H
#define COPENSSL_X509_SHIM_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static const int COPENSSL_MBSTRING_ASC = MBSTRING_ASC;

/// A new P-256 key pair, or NULL (EVP_EC_gen is a macro over the variadic EVP_PKEY_Q_keygen).
static inline EVP_PKEY *copenssl_generate_p256_key(void) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/// The bytes a memory BIO holds (BIO_get_mem_data is a macro); returns their count.
static inline long copenssl_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/// X509V3_set_ctx_nodb is a macro: extensions here never look anything up in a config database.
static inline void copenssl_X509V3_set_ctx_nodb(X509V3_CTX *context) {
    X509V3_set_ctx_nodb(context);
}

#endif
