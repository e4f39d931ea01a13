// Every kind of answer onshi sends, read as the strictest real clinic client
// reads it: myclinic-ts's OnshiResult.cast and its 保険 registration
// (oqs-interface.md §3 "Client strictness", terminal-protocol.md §10). The
// profile is written from the docs, not from onshi's writer, so a field the
// writer forgets is a failure here (issue 14: InsuredCardValidDate was never
// sent, and error answers had an empty MessageBody).
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/eligibility.hpp"
#include "oqs/charset.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"

namespace onshi::oqs {
namespace {

namespace json = boost::json;

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

const Timestamp kNow{D(2026, 12, 3), 9, 15, 0};

void Require(const json::object& o, std::initializer_list<const char*> names,
             const std::string& where, std::vector<std::string>& bad) {
  for (const char* n : names) {
    if (!o.contains(n)) bad.push_back(where + "/" + n + " missing");
  }
}

void AllStrings(const json::value& v, const std::string& where, std::vector<std::string>& bad) {
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

void InSet(const json::object& o, const char* name, std::set<std::string> allowed,
           const std::string& where, std::vector<std::string>& bad) {
  if (const json::value* v = o.if_contains(name); v && v->is_string()) {
    if (!allowed.count(std::string(v->as_string()))) {
      bad.push_back(where + "/" + name + " = " + std::string(v->as_string()) + " not in its table");
    }
  }
}

// An element that may repeat: one object (XML read by fast-xml-parser when
// it occurs once) or an array of them.
std::vector<json::object> Items(const json::value& v) {
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
std::vector<json::object> Results(const json::object& body) {
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
json::value FromXml(const pugi::xml_node& n) {
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
std::vector<std::string> MyclinicViolations(std::string_view text, bool one_result = false) {
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

Qualification Member(std::string insurer, Date birth) {
  Qualification q;
  q.insurer_number = std::move(insurer);
  q.insurer_name = "試験保険者";
  q.number = "1234";
  q.branch = "00";
  q.birth_date = birth;
  q.sex = Sex::kMale;
  q.acquired = D(2020, 4, 1);
  q.attributes = {MemberAttributes{D(2020, 4, 1), "試験　太郎", "シケン　タロウ", "試験　太郎",
                                   "100-0001", "東京都千代田区千代田１－１"}};
  q.diseases = {SpecificDisease{1, D(2024, 1, 10), D(2024, 1, 1), D(2027, 12, 31), 10000}};
  q.limits = {LimitCertificate{1, "A03", D(2026, 8, 1), D(2026, 8, 1), D(2027, 7, 31), {}}};
  q.linkage = LinkageState::kLinked;
  q.linked_on = D(2020, 4, 5);
  return q;
}

QualificationRequest Request(const Qualification& q) {
  QualificationRequest r;
  r.qualification_confirmation_date = "20261203";
  r.medical_institution_code = "1312345679";
  r.insurer_number = q.insurer_number;
  r.insured_identification_number = q.number;
  r.birthdate = q.birth_date.ToCompact();
  r.limit_application_certificate_related_cons_flg = "1";
  return r;
}

std::string NumberAnswer(const Qualification& q) {
  const QualificationRequest r = Request(q);
  Result<ValidatedRequest> v = ValidateRequest(r);
  EXPECT_TRUE(v.ok());
  EligibilityDecision d;
  d.validity = QualificationValidity::kValid;
  d.reason = EligibilityReason::kValid;
  d.results = {&q};
  return WriteQualificationResponse(r, *v, d, kNow, AnswerEncoding(r));
}

TEST(StrictClient, NumberAnswersForEveryKindOfMember) {
  const std::vector<Qualification> members = {
      Member("06139992", D(1980, 5, 15)),  // 組合健保, working age
      Member("06139992", D(2021, 6, 1)),   // 未就学
      Member("06139992", D(1955, 3, 3)),   // 高齢受給者 (71)
      Member("39139993", D(1945, 2, 10)),  // 後期高齢者医療
      Member("138057", D(1990, 1, 1)),     // 国保 (6 digits)
  };
  for (const Qualification& q : members) {
    const auto bad = MyclinicViolations(NumberAnswer(q));
    EXPECT_TRUE(bad.empty()) << q.insurer_number << " " << q.birth_date.ToCompact() << ": "
                             << bad.front();
  }
}

TEST(StrictClient, XmlAnswersInUtf8AndShiftJis) {
  // The file-protocol form of the same answers (§4.6: a Shift_JIS client
  // writes Shift_JIS and reads it back), for every kind of member.
  const std::vector<Qualification> members = {
      Member("06139992", D(1980, 5, 15)), Member("06139992", D(2021, 6, 1)),
      Member("06139992", D(1955, 3, 3)), Member("39139993", D(1945, 2, 10)),
      Member("138057", D(1990, 1, 1))};
  for (const char* cci : {"0", "1"}) {
    for (const Qualification& q : members) {
      QualificationRequest r = Request(q);
      r.format = WireFormat::kXml;
      r.character_code_identifier = cci;
      Result<ValidatedRequest> v = ValidateRequest(r);
      ASSERT_TRUE(v.ok());
      EligibilityDecision d;
      d.validity = QualificationValidity::kValid;
      d.reason = EligibilityReason::kValid;
      d.results = {&q};
      const std::string out = WriteQualificationResponse(r, *v, d, kNow, AnswerEncoding(r));
      const auto bad = MyclinicViolations(out, /*one_result=*/true);
      EXPECT_TRUE(bad.empty()) << cci << " " << q.insurer_number << ": " << bad.front();
    }
  }
  // And the error answer.
  QualificationRequest r;
  r.format = WireFormat::kXml;
  r.charset = Charset::kShiftJis;
  r.medical_institution_code = "1312345679";
  const OqsError e = MakeOqsError(ErrorCode::kBirthdateInvalid,
                                  "MessageBody/QualificationConfirmSearchInfo/Birthdate", "bad");
  const auto bad = MyclinicViolations(WriteErrorResponse(r, e, kNow, AnswerEncoding(r)));
  EXPECT_TRUE(bad.empty()) << bad.front();
}

TEST(StrictClient, ErrorAnswerIsReadable) {
  QualificationRequest r;
  r.medical_institution_code = "1312345679";
  r.qualification_confirmation_date = "20261203";
  const OqsError e = MakeOqsError(ErrorCode::kBirthdateInvalid,
                                  "MessageBody/QualificationConfirmSearchInfo/Birthdate", "bad");
  const auto bad = MyclinicViolations(WriteErrorResponse(r, e, kNow, AnswerEncoding(r)));
  EXPECT_TRUE(bad.empty()) << bad.front();
}

TEST(StrictClient, ProfileCatchesWhatTheOldWriterSent) {
  // Negative controls: the shapes issue 14 saw refused.
  EXPECT_FALSE(
      MyclinicViolations(
          R"({"XmlMsg":{"MessageHeader":{"ProcessExecutionTime":"1","QualificationConfirmationDate":"1",
      "MedicalInstitutionCode":"1","ReferenceClassification":"2","SegmentOfResult":"9","ErrorCode":"E",
      "CharacterCodeIdentifier":"0"},"MessageBody":{}}})")
          .empty());
  EXPECT_FALSE(
      MyclinicViolations(
          R"({"XmlMsg":{"MessageHeader":{"ProcessExecutionTime":"1","QualificationConfirmationDate":"1",
      "MedicalInstitutionCode":"1","ReferenceClassification":"2","SegmentOfResult":"1",
      "CharacterCodeIdentifier":"0"},"MessageBody":{"ProcessingResultStatus":"1","QualificationValidity":"1",
      "ResultList":[{"ResultOfQualificationConfirmation":{"InsuredCardClassification":"01","InsurerNumber":"06139992",
      "InsuredIdentificationNumber":"1","PersonalFamilyClassification":"1","Name":"a","Sex1":"1",
      "Birthdate":"19800101","InsurerName":"x","InsuredPartialContributionRatio":"030"}}]}}})")
          .empty());
}

TEST(StrictClient, CardAnswerWithConsentsAndOneResult) {
  const Qualification q = Member("06139992", D(1955, 3, 3));
  EligibilityDecision d;
  d.validity = QualificationValidity::kValid;
  d.reason = EligibilityReason::kValid;
  d.results = {&q};
  CardAnswer a;
  a.institution = "1312345679";
  a.confirmation_date = D(2026, 12, 3);
  a.file_identifier = "ArnHCeDfNjMCFzg";
  a.decision = &d;
  a.consents.limit = Consent{"1", kNow.ToCompact(), ""};
  a.consents.specific_diseases = Consent{"1", kNow.ToCompact(), ""};
  a.consents.pharmacists = Consent{"1", kNow.ToCompact(), kNow.AddHours(24).ToCompact()};
  a.consents.diagnosis = Consent{"0", "", ""};
  a.card_status = "usable";
  const std::string text = WriteCardResponse(a, kNow, {WireFormat::kJson, Charset::kUtf8});
  const auto bad = MyclinicViolations(text, /*one_result=*/true);
  EXPECT_TRUE(bad.empty()) << bad.front();
  const json::value root = json::parse(text);
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageHeader/ReferenceClassification"), "1");
  const json::object& r =
      root.at_pointer("/XmlMsg/MessageBody/ResultList/0/ResultOfQualificationConfirmation")
          .as_object();
  // The consents of §7, with AvailableTime = ConsTime + 24 h.
  EXPECT_EQ(r.at("PharmacistsInfoConsFlg"), "1");
  EXPECT_EQ(r.at("PharmacistsInfoConsTime"), "20261203091500");
  EXPECT_EQ(r.at("PharmacistsInfoAvailableTime"), "20261204091500");
  EXPECT_EQ(r.at("DiagnosisInfoConsFlg"), "0");
  EXPECT_FALSE(r.contains("DiagnosisInfoConsTime"));
  EXPECT_FALSE(r.contains("OperationInfoConsFlg"));  // never asked: absent
  // With consent the card answer carries what the seeds promise (R-FAC-9).
  EXPECT_TRUE(r.contains("LimitApplicationCertificateRelatedInfo"));
  EXPECT_TRUE(r.contains("ElderlyRecipientCertificateInfo"));
  EXPECT_TRUE(r.contains("SpecificDiseasesCertificateList"));
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageBody/OnshiCardCheck/Reason"), "valid");

  // Without consent, none of the certificates.
  a.consents = {};
  a.consents.limit = Consent{"0", "", ""};
  const json::value none =
      json::parse(WriteCardResponse(a, kNow, {WireFormat::kJson, Charset::kUtf8}));
  const json::object& r0 =
      none.at_pointer("/XmlMsg/MessageBody/ResultList/0/ResultOfQualificationConfirmation")
          .as_object();
  EXPECT_FALSE(r0.contains("LimitApplicationCertificateRelatedInfo"));
  EXPECT_FALSE(r0.contains("SpecificDiseasesCertificateList"));
}

TEST(StrictClient, CardAnswerForABlockedCardSaysWhatToDo) {
  EligibilityDecision d;
  d.validity = QualificationValidity::kNotFound;
  d.reason = EligibilityReason::kCardSuspended;
  CardAnswer a;
  a.institution = "1312345679";
  a.confirmation_date = D(2026, 12, 3);
  a.decision = &d;
  a.notice_code = "ONS-I0101";
  a.notice_message = "マイナンバーカードは一時利用停止中です。";
  a.card_status = "suspended";
  const std::string text = WriteCardResponse(a, kNow, {WireFormat::kJson, Charset::kUtf8});
  EXPECT_TRUE(MyclinicViolations(text).empty());
  const json::value root = json::parse(text);
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageBody/QualificationValidity"), "4");
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageBody/ProcessingResultCode"), "ONS-I0101");
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageBody/OnshiCardCheck/CardStatus"), "suspended");
  EXPECT_FALSE(root.at_pointer("/XmlMsg/MessageBody").as_object().contains("ResultList"));
}

}  // namespace
}  // namespace onshi::oqs
