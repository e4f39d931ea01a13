#include "auth/openssl_util.hpp"

#include <openssl/bn.h>
#include <openssl/rand.h>

#include <cctype>

#include <openssl/err.h>

namespace onshi::auth {

std::string OpenSslError(std::string_view what) {
  std::string out(what);
  const unsigned long first = ERR_get_error();  // oldest: usually the root cause
  if (first != 0) {
    char buf[256];
    ERR_error_string_n(first, buf, sizeof buf);
    out += " (";
    out += buf;
    out += ")";
  }
  ERR_clear_error();
  return out;
}

BioPtr MemoryBio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioContents(BIO* bio) {
  char* p = nullptr;
  const long n = BIO_get_mem_data(bio, &p);
  return n > 0 ? std::string(p, static_cast<size_t>(n)) : std::string();
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  if (!hex) return "";
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

std::string NormaliseSerial(std::string_view text, std::size_t max_digits) {
  if (text.substr(0, 2) == "0x" || text.substr(0, 2) == "0X") text.remove_prefix(2);
  std::string s;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    s += c;
  }
  if (s.empty() || (max_digits != 0 && s.size() > max_digits)) return "";
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, s.c_str()) != static_cast<int>(s.size())) {
    BN_free(raw);
    return "";
  }
  BignumPtr bn(raw);
  if (BN_is_zero(bn.get())) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex ? hex : "");
  OPENSSL_free(hex);
  return out;
}

Asn1IntegerPtr RandomSerial() {
  unsigned char bytes[16];
  BignumPtr bn;
  do {
    if (RAND_bytes(bytes, sizeof bytes) != 1) return nullptr;
    bn.reset(BN_bin2bn(bytes, sizeof bytes, nullptr));
    if (!bn) return nullptr;
  } while (BN_is_zero(bn.get()));
  return Asn1IntegerPtr(BN_to_ASN1_INTEGER(bn.get(), nullptr));
}

}  // namespace onshi::auth
