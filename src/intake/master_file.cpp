#include "intake/master_file.hpp"

#include <set>
#include <string>

#include "intake/cp932.hpp"
#include "intake/csv.hpp"
#include "intake/encoding.hpp"

namespace onshi::intake {
namespace {

bool AllDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

const std::vector<std::string_view>& Header(MasterKind kind) {
  static const std::vector<std::string_view> kDrugs = {"yj_code", "name", "unit"};
  static const std::vector<std::string_view> kProcedures = {"code", "name", "section"};
  static const std::vector<std::string_view> kDiseases = {"code", "name"};
  static const std::vector<std::string_view> kInteractions = {"ingredient_a", "ingredient_b",
                                                              "severity", "message"};
  switch (kind) {
    case MasterKind::kDrugs:
      return kDrugs;
    case MasterKind::kProcedures:
      return kProcedures;
    case MasterKind::kDiseases:
      return kDiseases;
    case MasterKind::kInteractions:
      break;
  }
  return kInteractions;
}

std::string Join(const std::vector<std::string_view>& v) {
  std::string out;
  for (std::string_view s : v)
    out += (out.empty() ? "" : ",") + std::string(s);
  return out;
}

}  // namespace

MasterFile ParseMasterFile(MasterKind kind, std::string_view bytes) {
  MasterFile out;
  // The encoding: UTF-8 when the whole file is valid UTF-8, else CP932.
  std::string text;
  if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) bytes.remove_prefix(kUtf8Bom.size());
  if (IsUtf8(bytes)) {
    text = std::string(bytes);
  } else {
    size_t bad = 0;
    if (!DecodeCp932(bytes, &text, &bad)) {
      int64_t line = 1;
      for (size_t i = 0; i < bad; ++i)
        line += bytes[i] == '\n' ? 1 : 0;
      out.errors.push_back(
          {line, "",
           "neither UTF-8 nor Shift_JIS: byte " + HexByte(static_cast<unsigned char>(bytes[bad]))});
      return out;
    }
  }
  const std::vector<std::string_view>& header = Header(kind);
  CsvSplitter splitter;
  std::string_view rest = text;
  int64_t line = 1;
  bool header_seen = false;
  std::set<std::string> keys;
  while (!rest.empty()) {
    CsvRecord rec;
    if (splitter.Split(rest, true, &rec) == CsvSplitter::Result::kError) {
      out.errors.push_back({line, "", rec.error});
      return out;  // where the next record starts is unknown
    }
    const int64_t at = line;
    line += rec.line_breaks;
    rest.remove_prefix(rec.bytes);
    if (rec.fields.size() == 1 && rec.fields[0].empty()) continue;  // a blank line
    if (!header_seen) {
      header_seen = true;
      if (rec.fields != header) {
        out.errors.push_back({at, "", "the first line must be the header " + Join(header)});
        return out;
      }
      continue;
    }
    if (rec.fields.size() != header.size()) {
      out.errors.push_back({at, "",
                            std::to_string(header.size()) + " columns expected (" + Join(header) +
                                "), " + std::to_string(rec.fields.size()) + " found"});
      continue;
    }
    auto field = [&](size_t i) { return std::string(rec.fields[i]); };
    auto need_text = [&](size_t i) {
      if (rec.fields[i].empty()) {
        out.errors.push_back({at, std::string(header[i]), "must not be empty"});
        return false;
      }
      return true;
    };
    auto unique = [&](const std::string& key, const char* column) {
      if (!keys.insert(key).second) {
        out.errors.push_back({at, column, key + " is given twice"});
        return false;
      }
      return true;
    };
    switch (kind) {
      case MasterKind::kDrugs: {
        const std::string code = field(0);
        if (!IsYjCodeShape(code)) {
          out.errors.push_back({at, "yj_code",
                                "\"" + code +
                                    "\" is not a YJ code (7 digits, a capital letter, "
                                    "4 digits or capitals)"});
          continue;
        }
        if (!need_text(1) || !need_text(2) || !unique(code, "yj_code")) continue;
        out.drugs.push_back({code, field(1), field(2)});
        break;
      }
      case MasterKind::kProcedures: {
        const std::string code = field(0), section = field(2);
        if (!AllDigits(code, 9)) {
          out.errors.push_back({at, "code", "\"" + code + "\" is not a 9-digit 診療行為コード"});
          continue;
        }
        if (section.size() != 1 || section[0] < 'A' || section[0] > 'N') {
          out.errors.push_back({at, "section", "must be one letter A–N (K: 手術)"});
          continue;
        }
        if (!need_text(1) || !unique(code, "code")) continue;
        out.procedures.push_back({code, field(1), section});
        break;
      }
      case MasterKind::kDiseases: {
        const std::string code = field(0);
        if (!AllDigits(code, 7)) {
          out.errors.push_back({at, "code", "\"" + code + "\" is not a 7-digit 傷病名コード"});
          continue;
        }
        if (!need_text(1) || !unique(code, "code")) continue;
        out.diseases.push_back({code, field(1)});
        break;
      }
      case MasterKind::kInteractions: {
        const std::string a = field(0), b = field(1), severity = field(2);
        bool ok = true;
        for (auto [value, column] : {std::pair{a, "ingredient_a"}, std::pair{b, "ingredient_b"}}) {
          if (!AllDigits(value, 7)) {
            out.errors.push_back(
                {at, column, "\"" + value + "\" is not an ingredient key (7 digits)"});
            ok = false;
          }
        }
        if (!ok) continue;
        if (a == b) {
          out.errors.push_back({at, "ingredient_b", "an ingredient does not interact with itself"});
          continue;
        }
        InteractionSeverity sev;
        if (severity == "contraindicated" || severity == "併用禁忌") {
          sev = InteractionSeverity::kContraindicated;
        } else if (severity == "caution" || severity == "併用注意") {
          sev = InteractionSeverity::kCaution;
        } else {
          out.errors.push_back(
              {at, "severity", "must be contraindicated (併用禁忌) or caution (併用注意)"});
          continue;
        }
        if (!need_text(3) || !unique(a < b ? a + "/" + b : b + "/" + a, "ingredient_b")) continue;
        out.interactions.push_back({a, b, sev, field(3)});
        break;
      }
    }
  }
  if (!header_seen) out.errors.push_back({1, "", "the file is empty; header " + Join(header)});
  return out;
}

}  // namespace onshi::intake
