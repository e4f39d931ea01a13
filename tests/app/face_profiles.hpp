// The Face file rules of the clients that read Face/ (terminal-protocol.md
// §10, §11.1), written from the docs, not from onshi's writer:
//  - ReceptionAgent (FaceXmlParser.cs, FaceCaptureMonitor.cs): the declared
//    encoding equals the configured one; one XmlMsg with exactly one
//    MessageHeader, MessageBody, ResultList and ResultOfQualificationConfirmation;
//    SegmentOfResult 1 and ProcessingResultStatus 1; NameKana non-empty and at
//    most 200; Birthdate a real yyyyMMdd; MedicalInstitutionCode 10 digits; no
//    optional element twice; no DTD; the file name with today's stamp
//    (\AOQSsiquc01res_face_.+_(\d{14})\.xml\z, case-insensitive), here with
//    the real sample's middle part (医療機関コード + 20 hex) too.
//  - myclinic's fast-xml-parser reading of SpecificDiseasesCertificateList: an
//    element seen once becomes an object, and myclinic accepts the list only
//    as two or more repeated elements, so a single one is a failure.
// The myclinic profile itself is tests/oqs/strict_client.hpp's.
#ifndef ONSHI_TESTS_APP_FACE_PROFILES_HPP_
#define ONSHI_TESTS_APP_FACE_PROFILES_HPP_

#include <pugixml.hpp>

#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "oqs/charset.hpp"

namespace onshi::testing {

inline std::vector<std::string> ReceptionAgentViolations(std::string_view bytes,
                                                         std::string_view file_name,
                                                         oqs::Charset configured,
                                                         std::string_view today_yyyymmdd) {
  std::vector<std::string> bad;
  std::string text(bytes);
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // ReceptionAgent strips a BOM
  const std::string want = configured == oqs::Charset::kShiftJis ? "shift_jis" : "utf-8";
  const size_t decl_end = text.find("?>");
  std::string decl = decl_end == std::string::npos ? "" : text.substr(0, decl_end);
  for (char& c : decl)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (decl.find("encoding=\"" + want + "\"") == std::string::npos) {
    bad.push_back("declared encoding is not the configured " + want);
  }
  if (text.find("<!DOCTYPE") != std::string::npos) bad.push_back("a DTD");
  if (configured == oqs::Charset::kShiftJis) {
    auto utf8 = oqs::Cp932ToUtf8(text);
    if (!utf8) return {"not Shift_JIS"};
    text = *utf8;
    text = "<?xml version=\"1.0\"?>" + text.substr(text.find("?>") + 2);
  }
  pugi::xml_document doc;
  if (!doc.load_string(text.c_str())) return {"not well-formed XML"};
  const pugi::xml_node msg = doc.document_element();
  if (std::string_view(msg.name()) != "XmlMsg") bad.push_back("root is not XmlMsg");
  const auto count = [](pugi::xml_node parent, const char* name) {
    int n = 0;
    for (pugi::xml_node c : parent.children(name)) {
      (void)c;
      ++n;
    }
    return n;
  };
  if (count(msg, "MessageHeader") != 1 || count(msg, "MessageBody") != 1) {
    bad.push_back("not exactly one MessageHeader and MessageBody");
  }
  const pugi::xml_node h = msg.child("MessageHeader");
  const pugi::xml_node b = msg.child("MessageBody");
  if (count(b, "ResultList") != 1) bad.push_back("not exactly one ResultList");
  const pugi::xml_node list = b.child("ResultList");
  if (count(list, "ResultOfQualificationConfirmation") != 1) {
    bad.push_back("not exactly one ResultOfQualificationConfirmation");
  }
  const pugi::xml_node r = list.child("ResultOfQualificationConfirmation");
  if (std::string_view(h.child_value("SegmentOfResult")) != "1") bad.push_back("SegmentOfResult");
  if (std::string_view(b.child_value("ProcessingResultStatus")) != "1") {
    bad.push_back("ProcessingResultStatus");
  }
  const std::string kana = r.child_value("NameKana");
  if (kana.empty() || kana.size() > 200 * 3) bad.push_back("NameKana empty or too long");
  if (!Date::ParseCompact(r.child_value("Birthdate"))) bad.push_back("Birthdate not yyyyMMdd");
  if (!std::regex_match(std::string(h.child_value("MedicalInstitutionCode")),
                        std::regex("[0-9]{10}"))) {
    bad.push_back("MedicalInstitutionCode not 10 digits");
  }
  for (pugi::xml_node parent : {h, b, r}) {
    std::map<std::string, int> seen;
    for (pugi::xml_node c : parent.children()) {
      // Repeated by design (§6.3); everything else is optional and single.
      if (std::string_view(c.name()) == "SpecificDiseasesCertificateList") continue;
      if (++seen[c.name()] == 2) bad.push_back(std::string("duplicated ") + c.name());
    }
  }
  std::smatch m;
  const std::string name(file_name);
  if (!std::regex_match(name, m,
                        std::regex("OQSsiquc01res_face_.+_([0-9]{14})\\.xml", std::regex::icase))) {
    bad.push_back("file name pattern");
  } else if (m[1].str().substr(0, 8) != today_yyyymmdd) {
    bad.push_back("file name stamp is not today");
  }
  if (!std::regex_match(name,
                        std::regex("OQSsiquc01res_face_[0-9]{10}[0-9a-f]{20}_[0-9]{14}\\.xml"))) {
    bad.push_back("not the real sample's name (医療機関コード + 20 hex)");
  }
  return bad;
}

// True when a single SpecificDiseasesCertificateList would reach myclinic as
// an object rather than a list (§10).
inline bool HasSingleSpecificDiseasesList(std::string_view utf8_xml) {
  size_t n = 0;
  for (size_t at = utf8_xml.find("<SpecificDiseasesCertificateList>"); at != std::string_view::npos;
       at = utf8_xml.find("<SpecificDiseasesCertificateList>", at + 1)) {
    ++n;
  }
  return n == 1;
}

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_APP_FACE_PROFILES_HPP_
