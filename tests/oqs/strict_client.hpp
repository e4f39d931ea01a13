// The strictest real clinic client's reading of an OQS answer, written from
// the docs (oqs-interface.md §3 "Client strictness", terminal-protocol.md §10:
// myclinic-ts's OnshiResult.cast and its 保険 registration), not from onshi's
// writer, so that a field the writer forgets is a failure. JSON answers are
// read as they are; XML (UTF-8 or Shift_JIS) as fast-xml-parser hands it to
// myclinic. Shared by the OQS codec tests and the terminal's conformance test.
#ifndef ONSHI_TESTS_OQS_STRICT_CLIENT_HPP_
#define ONSHI_TESTS_OQS_STRICT_CLIENT_HPP_

#include <pugixml.hpp>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "oqs/charset.hpp"

namespace onshi::oqs::strict {

namespace json = boost::json;

inline void Require(const json::object& o, std::initializer_list<const char*> names,
                    const std::string& where, std::vector<std::string>& bad) {
  for (const char* n : names) {
    if (!o.contains(n)) bad.push_back(where + "/" + n + " missing");
  }
}

inline void AllStrings(const json::value& v, const std::string& where,
                       std::vector<std::string>& bad) {
  if (v.is_object()) {
    for (const auto& [k, c] : v.as_object())
      AllStrings(c, where + "/" + std::string(k), bad);
  } else if (v.is_array()) {
    for (const auto& c : v.as_array())
      AllStrings(c, where + "[]", bad);
  } else if (!v.is_string()) {
    bad.push_back(where + " is not a string");
  }
}

inline void InSet(const json::object& o, const char* name, std::set<std::string> allowed,
                  const std::string& where, std::vector<std::string>& bad) {
  if (const json::value* v = o.if_contains(name); v && v->is_string()) {
    if (!allowed.count(std::string(v->as_string()))) {
      bad.push_back(where + "/" + name + " = " + std::string(v->as_string()) + " not in its table");
    }
  }
}

// An element that may repeat: one object (XML read by fast-xml-parser when
// it occurs once) or an array of them.
inline std::vector<json::object> Items(const json::value& v) {
  std::vector<json::object> out;
  if (v.is_object()) out.push_back(v.as_object());
  if (v.is_array()) {
    for (const json::value& e : v.as_array())
      out.push_back(e.as_object());
  }
  return out;
}

// The results of a body: JSON's array of {"ResultOfQualificationConfirmation":…}
// wrappers, or XML's ResultList › ResultOfQualificationConfirmation (one or many).
inline std::vector<json::object> Results(const json::object& body) {
  std::vector<json::object> out;
  const json::value* list = body.if_contains("ResultList");
  if (list == nullptr) return out;
  if (list->is_array()) {
    for (const json::value& w : list->as_array()) {
      out.push_back(w.at("ResultOfQualificationConfirmation").as_object());
    }
  } else if (const json::value* r =
                 list->as_object().if_contains("ResultOfQualificationConfirmation")) {
    out = Items(*r);
  }
  return out;
}

// An XML document as fast-xml-parser hands it to myclinic (terminal-protocol
// §10): text is trimmed, an element seen once is an object or a string, a
// repeated one an array; attributes and the declaration are ignored.
inline json::value FromXml(const pugi::xml_node& n) {
  bool has_children = false;
  for (pugi::xml_node c : n.children())
    has_children = has_children || c.type() == pugi::node_element;
  if (!has_children) {
    std::string t = n.child_value();
    const auto b = t.find_first_not_of(" \t\r\n"), e = t.find_last_not_of(" \t\r\n");
    return json::string(b == std::string::npos ? "" : t.substr(b, e - b + 1));
  }
  json::object o;
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    json::value v = FromXml(c);
    if (json::value* prior = o.if_contains(c.name())) {
      if (!prior->is_array()) *prior = json::array{std::move(*prior)};
      prior->as_array().push_back(std::move(v));
    } else {
      o[c.name()] = std::move(v);
    }
  }
  return o;
}

// The myclinic profile. `one_result`: the Face file rule (exactly one).
inline std::vector<std::string> MyclinicViolations(std::string_view text, bool one_result = false) {
  std::vector<std::string> bad;
  json::value root;
  if (text.starts_with("<?xml")) {
    // Read as UTF-8 (myclinic does); a Shift_JIS answer is converted first,
    // as a client configured for it would.
    std::string utf8(text);
    if (text.find("encoding=\"Shift_JIS\"") != std::string_view::npos) {
      auto converted = Cp932ToUtf8(text);
      if (!converted) return {"not valid Shift_JIS"};
      utf8 = *converted;
      const auto decl = utf8.find("?>");
      utf8 = "<?xml version=\"1.0\"?>" + utf8.substr(decl + 2);
    }
    pugi::xml_document doc;
    if (!doc.load_string(utf8.c_str())) return {"not well-formed XML"};
    if (doc.first_child().first_child().type() == pugi::node_null) return {"empty root"};
    root = json::object{{doc.document_element().name(), FromXml(doc.document_element())}};
  } else {
    root = json::parse(text);
  }
  AllStrings(root, "", bad);
  const json::object& msg = root.at("XmlMsg").as_object();
  const json::object& h = msg.at("MessageHeader").as_object();
  const json::object& b = msg.at("MessageBody").as_object();
  Require(h,
          {"ProcessExecutionTime", "QualificationConfirmationDate", "MedicalInstitutionCode",
           "ReferenceClassification", "SegmentOfResult", "CharacterCodeIdentifier"},
          "MessageHeader", bad);
  InSet(h, "CharacterCodeIdentifier", {"0", "1"}, "MessageHeader", bad);
  InSet(h, "ReferenceClassification", {"1", "2"}, "MessageHeader", bad);
  InSet(h, "SegmentOfResult", {"1", "2", "9"}, "MessageHeader", bad);
  const bool ok = h.contains("SegmentOfResult") && h.at("SegmentOfResult") == "1";
  if (ok == h.contains("ErrorCode"))
    bad.push_back("ErrorCode must appear exactly when SegmentOfResult != 1");
  Require(b, {"ProcessingResultStatus"}, "MessageBody", bad);
  InSet(b, "ProcessingResultStatus", {"1", "2"}, "MessageBody", bad);
  if (b.contains("ProcessingResultStatus") && b.at("ProcessingResultStatus") == "2") {
    Require(b, {"ProcessingResultCode", "ProcessingResultMessage"}, "MessageBody", bad);
  }
  InSet(b, "QualificationValidity", {"1", "2", "3", "4", "5"}, "MessageBody", bad);
  const std::vector<json::object> results = Results(b);
  if (one_result && results.size() != 1) bad.push_back("exactly one result required");
  for (const json::object& r : results) {
    const std::string w = "ResultOfQualificationConfirmation";
    Require(r, {"InsuredCardClassification", "Name", "Sex1", "Birthdate", "InsurerName"}, w, bad);
    // createHokenFromOnshiResult: what registering the 保険 needs.
    Require(r, {"InsuredCardValidDate", "InsurerNumber", "InsuredIdentificationNumber"}, w, bad);
    const std::string insurer = r.contains("InsurerNumber")
                                    ? std::string(r.at("InsurerNumber").as_string())
                                    : std::string();
    if (insurer.find_first_not_of(" 0123456789") != std::string::npos) {
      bad.push_back(w + "/InsurerNumber not an integer");
    }
    const bool late_stage = insurer.starts_with("39");
    if (late_stage) {
      Require(r, {"InsuredPartialContributionRatio"}, w, bad);
    } else {
      Require(r, {"PersonalFamilyClassification"}, w, bad);
      // The ratio element is 後期高齢者医療's: elsewhere it misleads screens.
      if (r.contains("InsuredPartialContributionRatio")) {
        bad.push_back(w + "/InsuredPartialContributionRatio outside 後期高齢者医療");
      }
    }
    InSet(r, "InsuredCardClassification", {"01", "02", "03", "04", "05", "06", "07"}, w, bad);
    InSet(r, "PreschoolClassification", {"1"}, w, bad);
    InSet(r, "Sex1", {"1", "2", "3"}, w, bad);
    InSet(r, "SpecificDiseasesCertificateRelatedConsFlg", {"0", "1", "2"}, w, bad);
    InSet(r, "LimitApplicationCertificateRelatedConsFlg", {"0", "1"}, w, bad);
    if (const json::value* list2 = r.if_contains("SpecificDiseasesCertificateList")) {
      for (const json::object& item : Items(*list2)) {
        if (item.contains("SpecificDiseasesCertificateInfo")) {
          bad.push_back(w + "/SpecificDiseasesCertificateList nests …Info");
        }
        Require(item, {"SpecificDiseasesDiseaseCategory"}, w + "/SpecificDiseases", bad);
      }
    }
  }
  return bad;
}

}  // namespace onshi::oqs::strict

#endif  // ONSHI_TESTS_OQS_STRICT_CLIENT_HPP_
