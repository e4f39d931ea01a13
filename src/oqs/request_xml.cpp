// ParseRequestXml (request.hpp).
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "oqs/request.hpp"

namespace onshi::oqs {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The encoding="…" value of a leading XML declaration; empty when there is
// no declaration or it names no encoding. The declaration is ASCII in both
// encodings we accept, so it can be read before decoding.
std::string_view DeclaredEncoding(std::string_view doc) {
  if (!doc.starts_with("<?xml")) return {};
  const std::size_t end = doc.find("?>");
  if (end == std::string_view::npos) return {};
  std::string_view decl = doc.substr(0, end);
  const std::size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return {};
  decl.remove_prefix(at + 8);
  auto skip_spaces = [&decl] {
    while (!decl.empty() &&
           (decl[0] == ' ' || decl[0] == '\t' || decl[0] == '\r' || decl[0] == '\n')) {
      decl.remove_prefix(1);
    }
  };
  skip_spaces();
  if (decl.empty() || decl[0] != '=') return {};
  decl.remove_prefix(1);
  skip_spaces();
  if (decl.empty() || (decl[0] != '"' && decl[0] != '\'')) return {};
  const char quote = decl[0];
  decl.remove_prefix(1);
  const std::size_t close = decl.find(quote);
  return close == std::string_view::npos ? std::string_view{} : decl.substr(0, close);
}

std::optional<Charset> CharsetByName(std::string_view name) {
  for (std::string_view alias : {"UTF-8", "UTF8"}) {
    if (EqualsIgnoreCase(name, alias)) return Charset::kUtf8;
  }
  // Windows software labels CP932 with any of these; all are read as CP932.
  for (std::string_view alias :
       {"Shift_JIS", "Shift-JIS", "SJIS", "x-sjis", "Windows-31J", "CP932", "MS932"}) {
    if (EqualsIgnoreCase(name, alias)) return Charset::kShiftJis;
  }
  return std::nullopt;
}

// Decodes `bytes` to UTF-8 in `utf8`, setting out.request.charset.
bool Decode(ParsedRequest& out, std::string_view bytes, std::string& utf8) {
  const bool bom = bytes.starts_with(kUtf8Bom);
  if (bom) bytes.remove_prefix(kUtf8Bom.size());
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    out.error = MakeOqsError(ErrorCode::kBadEncoding, "",
                             "UTF-16 is not supported; use UTF-8 or Shift_JIS");
    return false;
  }
  const std::string_view declared = DeclaredEncoding(bytes);
  Charset charset = Charset::kUtf8;
  if (!declared.empty()) {
    const std::optional<Charset> c = CharsetByName(declared);
    if (!c) {
      out.error = MakeOqsError(
          ErrorCode::kBadEncoding, "",
          "encoding \"" + std::string(declared) + "\" is not supported; use UTF-8 or Shift_JIS");
      return false;
    }
    charset = *c;
  }
  if (bom && charset != Charset::kUtf8) {
    out.error = MakeOqsError(
        ErrorCode::kBadEncoding, "",
        "a UTF-8 byte order mark contradicts encoding=\"" + std::string(declared) + "\"");
    return false;
  }
  out.request.charset = charset;
  if (charset == Charset::kUtf8) {
    if (!IsValidUtf8(bytes)) {
      out.error = MakeOqsError(ErrorCode::kBadEncoding, "", "invalid UTF-8 byte sequence");
      return false;
    }
    utf8.assign(bytes);
    return true;
  }
  std::size_t bad = 0;
  std::optional<std::string> decoded = Cp932ToUtf8(bytes, &bad);
  if (!decoded) {
    out.error = MakeOqsError(ErrorCode::kBadEncoding, "",
                             "invalid Shift_JIS (CP932) byte sequence at byte offset " +
                                 std::to_string(bad + (bom ? kUtf8Bom.size() : 0)));
    return false;
  }
  utf8 = std::move(*decoded);
  return true;
}

std::string Path(std::string_view group, std::string_view name) {
  std::string path(group);
  path += '/';
  path += name;
  return path;
}

void Keep(ParsedRequest& out, OqsError error) {
  if (!out.error) out.error = std::move(error);
}

// The single child element `name`; records an error when absent or repeated.
pugi::xml_node Group(ParsedRequest& out, pugi::xml_node parent, const char* name,
                     std::string_view path) {
  pugi::xml_node node = parent.child(name);
  if (!node) {
    Keep(out, MakeOqsError(ErrorCode::kMissingGroup, std::string(path), "element is missing"));
  } else if (node.next_sibling(name)) {
    Keep(out, MakeOqsError(ErrorCode::kDuplicateElement, std::string(path),
                           "element appears more than once"));
    return {};
  }
  return node;
}

template <std::size_t N>
void ReadScalars(ParsedRequest& out, pugi::xml_node group,
                 const std::array<RequestElement, N>& elements, std::string_view group_path) {
  for (const RequestElement& e : elements) {
    const pugi::xml_node node = group.child(e.name);
    if (!node) continue;  // presence is ValidateRequest's business
    if (node.next_sibling(e.name)) {
      Keep(out, MakeOqsError(ErrorCode::kDuplicateElement, Path(group_path, e.name),
                             "element appears more than once"));
      continue;
    }
    std::string text;
    bool scalar = true;
    for (pugi::xml_node child : node.children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        text += child.value();
      } else if (child.type() == pugi::node_element) {
        scalar = false;
      }
    }
    if (!scalar) {
      Keep(out, MakeOqsError(ErrorCode::kNotAString, Path(group_path, e.name),
                             "must contain text only, found child elements"));
      continue;
    }
    out.request.*e.member = std::move(text);
  }
}

}  // namespace

ParsedRequest DecodeRequestXml(std::string_view bytes, std::string& utf8) {
  ParsedRequest out;
  out.request.format = WireFormat::kXml;
  Decode(out, bytes, utf8);
  return out;
}

ParsedRequest ParseRequestXml(std::string_view bytes) {
  ParsedRequest out;
  out.request.format = WireFormat::kXml;
  std::string utf8;
  if (!Decode(out, bytes, utf8)) return out;

  // Parse in place: `utf8` is ours and outlives `doc`. parse_default keeps
  // leading and trailing spaces in text ("  138057") and skips the DOCTYPE.
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer_inplace(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    out.error = MakeOqsError(
        ErrorCode::kNotXml, "",
        std::string(parsed.description()) + " at offset " + std::to_string(parsed.offset));
    return out;
  }
  const pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "XmlMsg") {
    out.error =
        MakeOqsError(ErrorCode::kWrongRoot, "",
                     "the root element is <" + std::string(root.name()) + ">, expected <XmlMsg>");
    return out;
  }

  if (pugi::xml_node header = Group(out, root, "MessageHeader", kHeaderPath)) {
    ReadScalars(out, header, kHeaderElements, kHeaderPath);
  }
  if (pugi::xml_node message_body = Group(out, root, "MessageBody", "MessageBody")) {
    if (pugi::xml_node info =
            Group(out, message_body, "QualificationConfirmSearchInfo", kSearchInfoPath)) {
      ReadScalars(out, info, kSearchInfoElements, kSearchInfoPath);
    }
  }
  return out;
}

}  // namespace onshi::oqs
