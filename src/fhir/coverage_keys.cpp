// ReadCoverageKeys (coverage_keys.hpp).
#include "fhir/coverage_keys.hpp"

#include <array>
#include <string>

#include "core/insured_card_id.hpp"
#include "core/insurer_number.hpp"
#include "fhir/uris.hpp"

namespace onshi::fhir {

namespace json = boost::json;

namespace {

// One key as stated by one source.
struct Stated {
  std::string text;   // normalised; "" = absent
  std::string path;   // FHIRPath of the element that stated it
  std::string label;  // prefix for messages about a part of a composite value
};

// The three extensions, in the order 記号, 番号, 枝番.
constexpr std::array<std::string_view, 3> kExtensionUrls = {
    kExtInsuredPersonSymbol, kExtInsuredPersonNumber, kExtInsuredPersonSubNumber};
constexpr std::array<std::string_view, 3> kPartLabels = {"記号 (2nd part)", "番号 (3rd part)",
                                                         "枝番 (4th part)"};

std::string ExtensionPath(std::string_view coverage_path, std::string_view url) {
  return std::string(coverage_path) + ".extension('" + std::string(url) + "')";
}

// Reads the JP Core extensions into `out` (index as kExtensionUrls).
void ReadExtensions(Reader& reader, const json::object& coverage, std::string_view path,
                    std::array<std::optional<Stated>, 3>& out) {
  const json::array* extensions = reader.Array(coverage, "extension", path);
  if (extensions == nullptr) return;
  const std::string array_path = ChildPath(path, "extension");
  for (std::size_t i = 0; i < extensions->size(); ++i) {
    const std::string entry_path = IndexPath(array_path, i);
    const json::object* ext = reader.ObjectAt(*extensions, i, array_path);
    if (ext == nullptr) return;
    const std::optional<std::string_view> url = reader.String(*ext, "url", entry_path);
    if (reader.failed()) return;
    if (!url) {
      reader.Missing(400, ChildPath(entry_path, "url"), "an extension must have a url");
      return;
    }
    for (std::size_t k = 0; k < kExtensionUrls.size(); ++k) {
      if (*url != kExtensionUrls[k]) continue;
      const std::string ext_path = ExtensionPath(path, *url);
      if (out[k]) {
        reader.Rejected(ext_path, "must appear at most once");
        return;
      }
      const std::optional<std::string_view> value = reader.String(*ext, "valueString", ext_path);
      if (reader.failed()) return;
      if (!value) {
        reader.Missing(422, ChildPath(ext_path, "value"), "must carry a valueString");
        return;
      }
      out[k] = Stated{InsuredCardId::Normalize(*value), ChildPath(ext_path, "value"), ""};
    }
  }
}

// "保険者番号:記号:番号:枝番" → 4 stated parts.
std::optional<std::array<Stated, 4>> ReadMemberId(Reader& reader, const json::array* identifiers,
                                                  std::string_view path) {
  if (identifiers == nullptr) return std::nullopt;
  const std::optional<Contained::Identifier> id = FindInIdentifiers(
      reader, *identifiers, ChildPath(path, "identifier"), {kSystemInsuranceMemberId});
  if (!id) return std::nullopt;
  std::array<Stated, 4> parts;
  std::size_t n = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = id->value.find(':', start);
    const std::string_view part = id->value.substr(start, colon - start);
    if (n < parts.size()) parts[n] = Stated{InsuredCardId::Normalize(part), id->path, ""};
    ++n;
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (n != 4) {
    reader.Rejected(id->path,
                    "must be '保険者番号:記号:番号:枝番', four parts separated by ':', got " +
                        std::to_string(n) + " parts");
    return std::nullopt;
  }
  parts[0].label = "保険者番号 (1st part)";
  for (std::size_t k = 0; k < kPartLabels.size(); ++k)
    parts[k + 1].label = kPartLabels[k];
  return parts;
}

// The insurer number from the first payor that names one.
std::optional<Stated> ReadPayor(Reader& reader, const Contained& contained,
                                const json::object& coverage, std::string_view path) {
  const json::array* payors = reader.Array(coverage, "payor", path);
  if (payors == nullptr) return std::nullopt;
  const std::string array_path = ChildPath(path, "payor");
  for (std::size_t i = 0; i < payors->size(); ++i) {
    const json::object* payor = reader.ObjectAt(*payors, i, array_path);
    if (payor == nullptr) return std::nullopt;
    auto found = contained.FindIdentifier(reader, *payor, IndexPath(array_path, i), "Organization",
                                          {kSystemInsurerNumber, kSystemInsurerNumberOid});
    if (reader.failed()) return std::nullopt;
    if (found) return Stated{InsuredCardId::Normalize(found->value), found->path, ""};
  }
  return std::nullopt;
}

std::string Message(const Stated& s, const std::string& message) {
  return s.label.empty() ? message : s.label + " " + message;
}

// One key from up to two sources: the preferred one (extension or payor) and
// the insuranceIdentifier part. They must agree when both are given.
std::optional<Stated> Combine(Reader& reader, const std::optional<Stated>& preferred,
                              const std::optional<Stated>& member, std::string_view what) {
  if (preferred && member && preferred->text != member->text) {
    reader.Rejected(member->path,
                    Message(*member, "disagrees with " + preferred->path + "; send one " +
                                         std::string(what) + " or the same in both"));
    return std::nullopt;
  }
  return preferred ? preferred : member;
}

}  // namespace

std::optional<InsuranceCardQuery> ReadCoverageKeys(Reader& reader, const Contained& contained,
                                                   const json::object& coverage,
                                                   std::string_view path) {
  std::array<std::optional<Stated>, 3> ext;
  ReadExtensions(reader, coverage, path, ext);
  const json::array* identifiers = reader.Array(coverage, "identifier", path);
  const std::optional<std::array<Stated, 4>> member = ReadMemberId(reader, identifiers, path);
  const std::optional<Stated> payor = ReadPayor(reader, contained, coverage, path);
  if (reader.failed()) return std::nullopt;

  auto part = [&](std::size_t k) -> std::optional<Stated> {
    if (!member) return std::nullopt;
    return (*member)[k];
  };
  const std::optional<Stated> symbol = Combine(reader, ext[0], part(1), "記号");
  const std::optional<Stated> number = Combine(reader, ext[1], part(2), "番号");
  const std::optional<Stated> branch = Combine(reader, ext[2], part(3), "枝番");
  if (reader.failed()) return std::nullopt;

  // The insurer number is compared as a number: "00138057" and "138057" are
  // the same 国保 insurer.
  std::optional<InsurerNumber> insurer;
  for (const std::optional<Stated>& source : {payor, part(0)}) {
    if (!source || source->text.empty()) continue;
    const Expected<InsurerNumber> parsed = InsurerNumber::Parse(source->text);
    if (!parsed) {
      reader.Rejected(source->path, Message(*source, parsed.error().message));
      return std::nullopt;
    }
    if (insurer && *insurer != *parsed) {
      reader.Rejected(source->path,
                      Message(*source, "disagrees with " + payor->path +
                                           "; send one 保険者番号 or the same in both"));
      return std::nullopt;
    }
    insurer = *parsed;
  }
  if (!insurer) {
    reader.Missing(
        422, ChildPath(path, "payor"),
        "the 保険者番号 is required: a payor Organization with an identifier of system " +
            std::string(kSystemInsurerNumber) + ", or a Coverage.identifier of system " +
            std::string(kSystemInsuranceMemberId));
    return std::nullopt;
  }
  if (!number || number->text.empty()) {
    reader.Missing(422, number ? number->path : ExtensionPath(path, kExtInsuredPersonNumber),
                   "the 番号 (InsuredPersonNumber) is required");
    return std::nullopt;
  }

  const std::string empty;
  const Expected<InsuredCardId> card = InsuredCardId::Parse(
      symbol ? symbol->text : empty, number->text, branch ? branch->text : empty);
  if (!card) {
    const Error& e = card.error();
    const Stated& at = e.field == InsuredCardId::kSymbolField   ? *symbol
                       : e.field == InsuredCardId::kBranchField ? *branch
                                                                : *number;
    reader.Rejected(at.path, Message(at, e.message));
    return std::nullopt;
  }

  InsuranceCardQuery query;
  query.insurer_number = std::string(insurer->digits());
  query.symbol = card->symbol().value_or("");
  query.number = card->number();
  query.branch = card->branch().value_or("");
  return query;
}

}  // namespace onshi::fhir
