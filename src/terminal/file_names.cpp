#include "terminal/file_names.hpp"

#include <array>
#include <cctype>

namespace onshi::terminal {
namespace {

struct Prefix {
  std::string_view text;
  RequestKind kind;
};

// Compared without case: the clients run on Windows, whose shares are
// case-insensitive.
constexpr std::array<Prefix, 8> kPrefixes = {{
    {"OQSsiquc01req_", RequestKind::kQualification},
    {"OQSsiimm01req_", RequestKind::kReferenceNumber},
    {"OQSmuquc01req_", RequestKind::kBulkQualification},
    {"OQSmuquc02req_", RequestKind::kBulkQualification},
    {"OQSmuimm01req_", RequestKind::kBulkReferenceNumber},
    {"OQSmuimm02req_", RequestKind::kBulkReferenceNumber},
    {"YZKsiquc01req_", RequestKind::kDrugOrCheckupInfo},
    {"TKKsiquc01req_", RequestKind::kDrugOrCheckupInfo},
}};

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<RequestName> ClassifyRequest(std::string_view name) {
  constexpr std::string_view kXml = ".xml";
  if (name.size() <= kXml.size()) return std::nullopt;
  const bool zipped = EqualsNoCase(name.substr(name.size() - 4), ".zip");
  if (!zipped && !EqualsNoCase(name.substr(name.size() - 4), kXml)) return std::nullopt;
  for (const Prefix& p : kPrefixes) {
    if (name.size() <= p.text.size() + kXml.size()) continue;
    if (!EqualsNoCase(name.substr(0, p.text.size()), p.text)) continue;
    const std::string_view suffix = name.substr(p.text.size(), name.size() - p.text.size() - 4);
    for (char c : suffix) {
      if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
    }
    std::string result(name);
    // "…01req_" → "…01res_": the three letters before the underscore.
    const size_t at = p.text.size() - 4;
    result[at + 2] = result[at + 2] == 'Q' ? 'S' : 's';
    if (zipped) result.replace(result.size() - 4, 4, ".xml");
    return RequestName{p.kind, std::move(result), zipped};
  }
  return std::nullopt;
}

std::string FaceFileName(std::string_view institution_code, std::string_view hex20,
                         std::string_view stamp14) {
  std::string out = "OQSsiquc01res_face_";
  out += institution_code;
  out += hex20;
  out += '_';
  out += stamp14;
  out += ".xml";
  return out;
}

}  // namespace onshi::terminal
