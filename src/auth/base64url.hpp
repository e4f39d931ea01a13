// Base64url (RFC 4648 §5) without padding, as JOSE requires (RFC 7515 §2).
//
// Decoding is strict: '=' padding, characters outside the url-safe alphabet,
// whitespace, an impossible length, and non-zero leftover bits are all
// rejected. A strict decoder gives every byte string exactly one encoding,
// so a token cannot be altered into a different text that verifies the same.
#ifndef ONSHI_AUTH_BASE64URL_HPP_
#define ONSHI_AUTH_BASE64URL_HPP_

#include <optional>
#include <string>
#include <string_view>

namespace onshi::auth {

std::string Base64UrlEncode(std::string_view bytes);

// The decoded bytes, or nullopt if `text` is not canonical unpadded base64url.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_BASE64URL_HPP_
