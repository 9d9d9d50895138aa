#ifndef DOCVAULT_COPENSSL_SHIM_H
#define DOCVAULT_COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/err.h>

/// One libcrypto function docvault calls, as a pointer of the exact type OpenSSL's header declares.
#define DOCVAULT_LIBCRYPTO_FUNCTION(name) __typeof__(&name) _Nonnull name;

/// The libcrypto functions docvault calls, looked up in libcrypto.so.3 at run time (VaultCore's LibCrypto.swift).
///
/// docvault does not link libcrypto: the dynamic linker bound its 4,191 symbols on the main thread
/// before `main` (Debian builds it BIND_NOW). VaultCore opens it on the thread that builds
/// OpenSSL's tables instead. Only these types are used from the
/// declarations above; a direct call would fail to link.
typedef struct docvault_libcrypto {
    DOCVAULT_LIBCRYPTO_FUNCTION(OPENSSL_init_crypto)
    DOCVAULT_LIBCRYPTO_FUNCTION(CRYPTO_memcmp)
    DOCVAULT_LIBCRYPTO_FUNCTION(RAND_bytes)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_MAC_fetch)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_MAC_free)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_MD_fetch)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_MD_free)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_CIPHER_fetch)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_CIPHER_free)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_aes_256_gcm)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_sha256)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_sha512)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_CIPHER_CTX_new)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_CIPHER_CTX_free)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_CIPHER_CTX_ctrl)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_EncryptInit_ex)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_EncryptUpdate)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_EncryptFinal_ex)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_DecryptInit_ex)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_DecryptUpdate)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_DecryptFinal_ex)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_MD_CTX_new)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_MD_CTX_free)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_DigestInit_ex)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_DigestUpdate)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_DigestFinal_ex)
    DOCVAULT_LIBCRYPTO_FUNCTION(HMAC)
    DOCVAULT_LIBCRYPTO_FUNCTION(EVP_PBE_scrypt)
} docvault_libcrypto;

#undef DOCVAULT_LIBCRYPTO_FUNCTION
#endif
