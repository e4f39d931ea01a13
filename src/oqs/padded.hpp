// Padded: a zero-padded decimal in a fixed buffer, for the codes and small
// numbers of OQS answers ("01", "030"), formatted on the hot path without
// touching the heap. Used by result.cpp and response.cpp.
#ifndef ONSHI_OQS_PADDED_HPP_
#define ONSHI_OQS_PADDED_HPP_

#include <array>
#include <cassert>
#include <cstddef>
#include <string_view>

namespace onshi::oqs {

class Padded {
 public:
  Padded(long value, int width) {
    assert(value >= 0);
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value > 0);
    while (n < width && n < static_cast<int>(sizeof(digits)))
      digits[n++] = '0';
    for (int i = 0; i < n; ++i)
      buf_[i] = digits[n - 1 - i];
    len_ = static_cast<std::size_t>(n);
  }
  operator std::string_view() const { return {buf_.data(), len_}; }  // NOLINT: implicit

 private:
  std::array<char, 20> buf_{};
  std::size_t len_ = 0;
};

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_PADDED_HPP_
