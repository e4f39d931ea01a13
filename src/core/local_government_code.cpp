#include "core/local_government_code.hpp"

#include <string>

namespace onshi {
namespace {

Error Fail(std::string message) {
  return Error{std::string(LocalGovernmentCode::kField), std::move(message)};
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

LocalGovernmentCode::LocalGovernmentCode(std::string_view digits) {
  for (std::size_t i = 0; i < kLength; ++i)
    digits_[i] = digits[i];
}

Expected<int> LocalGovernmentCode::ComputeCheckDigit(std::string_view body) {
  if (body.size() != kLength - 1 || !AllDigits(body)) {
    return Fail("the body of a 地方公共団体コード is 5 ASCII digits");
  }
  static constexpr int kWeights[] = {6, 5, 4, 3, 2};
  int sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i)
    sum += (body[i] - '0') * kWeights[i];
  return (11 - sum % 11) % 10;
}

Expected<LocalGovernmentCode> LocalGovernmentCode::Parse(std::string_view text) {
  if (text.size() != kLength || !AllDigits(text)) {
    return Fail("a 地方公共団体コード is 6 ASCII digits");
  }
  const int prefecture = (text[0] - '0') * 10 + (text[1] - '0');
  if (prefecture < 1 || prefecture > 47) {
    return Fail("the prefecture (first two digits) must be 01–47, got " +
                std::string(text.substr(0, 2)));
  }
  const int expected = *ComputeCheckDigit(text.substr(0, kLength - 1));
  if (text[kLength - 1] - '0' != expected) {
    return Fail("check digit (検査数字) is " + std::string(1, text[kLength - 1]) + ", expected " +
                std::to_string(expected));
  }
  return LocalGovernmentCode(text);
}

Expected<LocalGovernmentCode> LocalGovernmentCode::FromBody(std::string_view body) {
  auto check = ComputeCheckDigit(body);
  if (!check.ok()) return check.error();
  return Parse(std::string(body) + static_cast<char>('0' + *check));
}

}  // namespace onshi
