// OpenSSL 3 shim for central's at-rest encryption and hashing (EVP AES-256-GCM, SHA-256, RAND).
// The GCM control codes are macros aliasing other macros; they are re-exported as constants.
#ifndef COPENSSL_CRYPTO_SHIM_H
#define COPENSSL_CRYPTO_SHIM_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

static const int COPENSSL_EVP_CTRL_GCM_SET_IVLEN = EVP_CTRL_GCM_SET_IVLEN;
static const int COPENSSL_EVP_CTRL_GCM_GET_TAG = EVP_CTRL_GCM_GET_TAG;
static const int COPENSSL_EVP_CTRL_GCM_SET_TAG = EVP_CTRL_GCM_SET_TAG;

#endif
