// Small RAII wrappers and error text for the OpenSSL objects src/auth uses.
//
// Only the OpenSSL 3 EVP, X509 and BIO interfaces appear here; nothing in
// src/auth touches the deprecated low-level RSA_*/EC_KEY_* APIs. Every owner
// is a std::unique_ptr whose deleter is the matching *_free, so an early
// return on error never leaks.
#ifndef ONSHI_AUTH_OPENSSL_UTIL_HPP_
#define ONSHI_AUTH_OPENSSL_UTIL_HPP_

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace onshi::auth {

template <class T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<T, Free>>;

using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using BignumPtr = OpenSslPtr<BIGNUM, BN_free>;
using EcdsaSigPtr = OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using Asn1IntegerPtr = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using MdCtxPtr = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using PkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using X509Ptr = OpenSslPtr<X509, X509_free>;
using X509CrlPtr = OpenSslPtr<X509_CRL, X509_CRL_free>;
using X509ExtensionPtr = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using X509NamePtr = OpenSslPtr<X509_NAME, X509_NAME_free>;
using X509RevokedPtr = OpenSslPtr<X509_REVOKED, X509_REVOKED_free>;
using X509StorePtr = OpenSslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;

// Frees a STACK_OF(X509) and the certificates in it.
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

// `what`, followed by the oldest queued OpenSSL error (if any). Drains the
// thread's error queue so that a stale entry never explains a later failure.
std::string OpenSslError(std::string_view what);

// A read-only memory BIO over `data` (which must outlive the BIO).
BioPtr MemoryBio(std::string_view data);

// Everything written to a memory BIO so far.
std::string BioContents(BIO* bio);

// Certificate serials, shared by the facility CA and the JPKI CA.
// Uppercase hex of a serial, as BN_bn2hex prints it; empty on failure.
std::string SerialHex(const ASN1_INTEGER* serial);
// Canonical form of a serial typed by a person: colons and a "0x" prefix
// dropped, case folded, leading zero bytes normalised as BN_bn2hex does.
// Empty if it is not a positive hex number, or has more than `max_digits`
// hex digits (0: no limit).
std::string NormaliseSerial(std::string_view text, std::size_t max_digits = 0);
// 128 random bits, non-zero. RFC 5280 §4.1.2.2 allows up to 20 octets;
// randomness (CA/B Forum asks for ≥ 64 bits) makes serials unguessable and
// collision-free without a counter file shared between issuing processes.
Asn1IntegerPtr RandomSerial();

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_OPENSSL_UTIL_HPP_
