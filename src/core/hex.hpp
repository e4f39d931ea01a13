// Lower-case hexadecimal, as onshi writes digests, MACs and fingerprints
// (audit hashes, My Number keys, certificate pins, audit anchors).
#ifndef ONSHI_CORE_HEX_HPP_
#define ONSHI_CORE_HEX_HPP_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace onshi {

// Two lower-case digits per byte.
std::string ToHex(const unsigned char* bytes, std::size_t n);

// The bytes of an even-length lower-case hex string; nullopt for anything else.
std::optional<std::string> FromHex(std::string_view hex);

}  // namespace onshi

#endif  // ONSHI_CORE_HEX_HPP_
