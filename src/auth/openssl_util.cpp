#include "auth/openssl_util.hpp"

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

}  // namespace onshi::auth
