#include "service/audit_text.hpp"

#include "core/utf8.hpp"

namespace onshi::service {

std::string MaskedKeys(const InsuranceCardQuery& q) {
  const std::string number = AuditSafeText(q.number);
  size_t chars = 0;
  for (size_t at = 0; at < number.size(); at += DecodeUtf8(number, at).length)
    ++chars;
  // As InsuredCardId::Masked: the last two characters only of a 番号 of at
  // least four, so that what is shown never is most of the number.
  constexpr size_t kShown = 2;
  const size_t shown = chars >= 4 ? kShown : 0;
  std::string masked;
  size_t index = 0;
  for (size_t at = 0; at < number.size(); ++index) {
    const size_t len = DecodeUtf8(number, at).length;
    if (index + shown < chars) {
      masked += '*';
    } else {
      masked.append(number, at, len);
    }
    at += len;
  }
  return "insurer=" + AuditSafeText(q.insurer_number) + " number=" + masked;
}

std::string AuditSafeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t at = 0; at < text.size();) {
    const Utf8Char c = DecodeUtf8(text, at);
    if (c.code_point == 0 || c.code_point == kReplacementCharacter) {
      AppendUtf8(out, kReplacementCharacter);
    } else {
      out.append(text, at, c.length);
    }
    at += c.length;
  }
  return out;
}

}  // namespace onshi::service
