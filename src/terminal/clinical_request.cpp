#include "terminal/clinical_request.hpp"

#include <pugixml.hpp>

#include <cctype>

namespace onshi::terminal {

const char* ClinicalRouteOf(std::string_view request_name) {
  const bool drugs =
      !request_name.empty() && std::toupper(static_cast<unsigned char>(request_name[0])) == 'Y';
  return drugs ? kDrugInfoPath : kCheckupInfoPath;
}

bool IsWholeXmlMsg(std::string_view bytes) {
  pugi::xml_document doc;
  // Shift_JIS bytes are opaque to the structure check: the markup is ASCII
  // either way, so they are read as Latin-1, which never fails to decode.
  const pugi::xml_parse_result r =
      doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_latin1);
  return r && doc.child("XmlMsg");
}

bool IsPdfAnswer(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  for (char& c : type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/pdf";
}

std::string PdfResultName(std::string_view result_name) {
  const size_t dot = result_name.rfind('.');
  return std::string(result_name.substr(0, dot)) + ".pdf";
}

}  // namespace onshi::terminal
