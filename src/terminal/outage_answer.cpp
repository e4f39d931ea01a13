#include "terminal/outage_answer.hpp"

#include <pugixml.hpp>

#include "oqs/charset.hpp"
#include "oqs/error.hpp"
#include "oqs/response.hpp"
#include "terminal/request_folder.hpp"

namespace onshi::terminal {
namespace {

class ToString final : public pugi::xml_writer {
 public:
  explicit ToString(std::string& out) : out_(out) {}
  void write(const void* data, size_t size) override {
    out_.append(static_cast<const char*>(data), size);
  }

 private:
  std::string& out_;
};

// Sets `name` below `parent` to `value`, creating it after `after` (or
// first) when missing; removes it when `value` is nullopt.
void SetChild(pugi::xml_node parent, const char* name, const std::optional<std::string>& value,
              const char* after = nullptr) {
  pugi::xml_node node = parent.child(name);
  if (!value) {
    if (node) parent.remove_child(node);
    return;
  }
  if (!node) {
    const pugi::xml_node prev = after ? parent.child(after) : pugi::xml_node();
    node = prev ? parent.insert_child_after(name, prev) : parent.prepend_child(name);
  }
  node.text().set(value->c_str());
}

std::string Text(pugi::xml_node n, const char* name) {
  return n.child(name).text().get();
}

std::string Display(const std::string& stamp) {
  // yyyyMMddHHmmss → yyyy年MM月dd日 HH:mm
  if (stamp.size() < 12) return stamp;
  return stamp.substr(0, 4) + "年" + stamp.substr(4, 2) + "月" + stamp.substr(6, 2) + "日 " +
         stamp.substr(8, 2) + ":" + stamp.substr(10, 2);
}

oqs::Timestamp TimestampOf(const std::string& c) {
  oqs::Timestamp ts;
  ts.date = *Date::ParseCompact(c.substr(0, 8));
  ts.hour = std::stoi(c.substr(8, 2));
  ts.minute = std::stoi(c.substr(10, 2));
  ts.second = std::stoi(c.substr(12, 2));
  return ts;
}

}  // namespace

std::string AnswerFromCache(const CachedAnswer& cached, const oqs::QualificationRequest& request,
                            std::time_t now) {
  const std::string utf8 = Reencode(cached.xml, oqs::Charset::kUtf8);
  pugi::xml_document doc;
  doc.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8);
  pugi::xml_node root = doc.child("XmlMsg");
  pugi::xml_node header = root.child("MessageHeader");
  pugi::xml_node body = root.child("MessageBody");
  const std::string stamp = JstStamp(now);
  SetChild(header, "ProcessExecutionTime", stamp);
  SetChild(header, "QualificationConfirmationDate",
           request.qualification_confirmation_date.value_or(stamp.substr(0, 8)),
           "ProcessExecutionTime");
  SetChild(header, "MedicalInstitutionCode", request.medical_institution_code,
           "QualificationConfirmationDate");
  SetChild(header, "ArbitraryFileIdentifier", request.arbitrary_file_identifier,
           "MedicalInstitutionCode");
  // This request's search echo, byte for byte.
  if (pugi::xml_node echo = body.child("QualificationConfirmSearchInfo")) {
    for (const oqs::RequestElement& e : oqs::kSearchInfoElements) {
      SetChild(echo, e.name, request.*e.member);
    }
  }
  SetChild(body, "ProcessingResultCode", std::string(kCachedCode), "ProcessingResultStatus");
  SetChild(body, "ProcessingResultMessage",
           "オンライン資格確認システムに接続できないため、前回確認（" +
               Display(JstStamp(cached.confirmed_at)) +
               "）の資格情報を表示しています。復旧後に改めて確認します。",
           "ProcessingResultCode");
  body.remove_child("OnshiCachedResult");
  pugi::xml_node mark = body.append_child("OnshiCachedResult");
  mark.append_child("Source").text().set("cache");
  mark.append_child("ConfirmedAt").text().set(JstStamp(cached.confirmed_at).c_str());
  std::string out = R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)";
  ToString w(out);
  doc.document_element().print(w, "", pugi::format_raw, pugi::encoding_utf8);
  return out;
}

std::string OutageRefusal(const oqs::QualificationRequest& request, std::time_t now) {
  const oqs::OqsError e = oqs::MakeOqsError(
      oqs::ErrorCode::kCentralUnreachable, "",
      "前回確認の資格情報がありません。マイナンバーカードと資格情報のお知らせ、または"
      "被保険者資格申立書で資格を確認し、通常の負担割合で受け付けてください。この照会は"
      "記録し、復旧後に確認します");
  return oqs::WriteErrorResponse(request, e, TimestampOf(JstStamp(now)),
                                 {oqs::WireFormat::kXml, oqs::Charset::kUtf8});
}

std::vector<UnitAnswer> SplitBulkResult(std::string_view xml) {
  std::vector<UnitAnswer> out;
  const std::string utf8 = Reencode(std::string(xml), oqs::Charset::kUtf8);
  pugi::xml_document doc;
  if (!doc.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return out;
  }
  const pugi::xml_node header = doc.child("XmlMsg").child("MessageHeader");
  const pugi::xml_node body = doc.child("XmlMsg").child("MessageBody");
  if (Text(header, "SegmentOfResult") != "1") return out;
  for (pugi::xml_node unit = body.child("BulkConfirmUnit"); unit;
       unit = unit.next_sibling("BulkConfirmUnit")) {
    UnitAnswer a;
    a.request.format = oqs::WireFormat::kXml;
    a.request.qualification_confirmation_date = Text(header, "QualificationConfirmationDate");
    a.request.medical_institution_code = Text(header, "MedicalInstitutionCode");
    const pugi::xml_node echo = unit.child("QualificationConfirmSearchInfo");
    for (const oqs::RequestElement& e : oqs::kSearchInfoElements) {
      if (echo.child(e.name)) a.request.*e.member = std::string(echo.child(e.name).text().get());
    }
    pugi::xml_document single;
    pugi::xml_node root = single.append_child("XmlMsg");
    pugi::xml_node h = root.append_child("MessageHeader");
    for (const char* name :
         {"ProcessExecutionTime", "QualificationConfirmationDate", "MedicalInstitutionCode"}) {
      h.append_child(name).text().set(Text(header, name).c_str());
    }
    h.append_child("ReferenceClassification").text().set("2");
    h.append_child("SegmentOfResult").text().set("1");
    h.append_child("CharacterCodeIdentifier").text().set("0");
    pugi::xml_node b = root.append_child("MessageBody");
    b.append_child("ProcessingResultStatus")
        .text()
        .set(Text(unit, "ProcessingResultStatus").c_str());
    b.append_child("QualificationValidity").text().set(Text(unit, "QualificationValidity").c_str());
    b.append_copy(echo);
    pugi::xml_node list = b.append_child("ResultList");
    for (pugi::xml_node r = unit.child("ResultOfQualificationConfirmation"); r;
         r = r.next_sibling("ResultOfQualificationConfirmation")) {
      list.append_copy(r);
    }
    a.xml = R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)";
    ToString w(a.xml);
    root.print(w, "", pugi::format_raw, pugi::encoding_utf8);
    out.push_back(std::move(a));
  }
  return out;
}

AnswerSummary Summarize(std::string_view xml) {
  AnswerSummary s;
  const std::string utf8 = Reencode(std::string(xml), oqs::Charset::kUtf8);
  pugi::xml_document doc;
  if (!doc.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return s;
  }
  const pugi::xml_node root = doc.child("XmlMsg");
  if (!root) return s;
  s.parsed = true;
  const pugi::xml_node header = root.child("MessageHeader");
  const pugi::xml_node body = root.child("MessageBody");
  s.segment = Text(header, "SegmentOfResult");
  s.error_code = Text(header, "ErrorCode");
  s.error_message = Text(header, "ErrorMessage");
  s.validity = Text(body, "QualificationValidity");
  const pugi::xml_node r = body.child("ResultList").child("ResultOfQualificationConfirmation");
  if (r) {
    s.name = Text(r, "Name");
    s.insurer_number = Text(r, "InsurerNumber");
    s.insurer_name = Text(r, "InsurerName");
    s.symbol = Text(r, "InsuredCardSymbol");
    s.number = Text(r, "InsuredIdentificationNumber");
    s.branch = Text(r, "InsuredBranchNumber");
    s.disqualification_date = Text(r, "DisqualificationDate");
  }
  return s;
}

std::string ValidityText(std::string_view code) {
  if (code == "1") return "有効";
  if (code == "2") return "無効";
  if (code == "3") return "無効（新しい資格あり）";
  if (code == "4") return "該当資格なし";
  if (code == "5") return "複数該当";
  return "不明";
}

}  // namespace onshi::terminal
