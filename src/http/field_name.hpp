// SameToken: HTTP field names (and tokens such as "chunked") compare without
// regard to case (RFC 9110 §5.1). One definition for the server, the
// client, the security headers and the response head, which each had their
// own copy.
#ifndef ONSHI_HTTP_FIELD_NAME_HPP_
#define ONSHI_HTTP_FIELD_NAME_HPP_

#include <strings.h>

#include <string_view>

namespace onshi::http {

inline bool SameToken(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace onshi::http

#endif  // ONSHI_HTTP_FIELD_NAME_HPP_
