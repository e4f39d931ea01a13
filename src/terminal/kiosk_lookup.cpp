#include "terminal/kiosk_lookup.hpp"

#include <boost/json.hpp>

#include "core/date.hpp"

namespace onshi::terminal {
namespace {

namespace json = boost::json;

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object* Object(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Full-width digits and spaces typed on a Japanese keyboard, as ASCII.
std::string Narrow(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    // ０-９ are EF BC 90 … EF BC 99.
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC &&
        static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
        static_cast<unsigned char>(s[i + 2]) <= 0x99) {
      out += static_cast<char>('0' + (static_cast<unsigned char>(s[i + 2]) - 0x90));
      i += 2;
      continue;
    }
    if (c == ' ' || c == '-' || c == '/') {
      if (c != ' ') out += static_cast<char>(c);
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string JapaneseDate(const std::string& compact) {
  const std::optional<Date> d = Date::ParseCompact(compact);
  if (!d) return compact;
  return std::to_string(d->year()) + "年" + std::to_string(d->month()) + "月" +
         std::to_string(d->day()) + "日";
}

// "030" → "3割" (3-digit percent, oqs-interface.md §2).
std::string Ratio(const std::string& percent) {
  if (!AllDigits(percent)) return percent;
  const int p = std::stoi(percent);
  return p % 10 == 0 ? std::to_string(p / 10) + "割" : std::to_string(p) + "%";
}

void Add(json::array& fields, const char* label, const std::string& value) {
  if (!value.empty()) fields.push_back(json::array{label, value});
}

}  // namespace

Expected<std::string> LookupRequestJson(const InsuranceLookup& q, const std::string& facility,
                                        const std::string& confirmation_date,
                                        const std::string& arbitrary_file_identifier) {
  const std::string insurer = Narrow(q.insurer_number);
  if (!AllDigits(insurer) || (insurer.size() != 8 && insurer.size() != 6)) {
    return Error{"insurerNumber", "保険者番号は数字8桁(国民健康保険は6桁)で入力してください。"};
  }
  const std::string number = Narrow(q.number);
  if (number.empty() || number.size() > 20) {
    return Error{"number", "番号を入力してください(20文字まで)。"};
  }
  const std::string branch = Narrow(q.branch);
  if (branch.size() != 2 || !AllDigits(branch)) {
    return Error{"branch", "枝番は資格確認書に書かれた数字2桁で入力してください。"};
  }
  std::string birth = Narrow(q.birthdate);
  std::erase(birth, '-');
  std::erase(birth, '/');
  if (birth.size() != 8 || !Date::ParseCompact(birth)) {
    return Error{"birthdate", "生年月日を入力してください。"};
  }
  const std::string symbol = q.symbol;
  if (symbol.size() > 60) return Error{"symbol", "記号が長すぎます。"};
  json::object info;
  // A 6-digit 国保 number goes on the wire space-padded to 8 (§6.1).
  info["InsurerNumber"] = insurer.size() == 6 ? "  " + insurer : insurer;
  if (!symbol.empty()) info["InsuredCardSymbol"] = symbol;
  info["InsuredIdentificationNumber"] = number;
  info["InsuredBranchNumber"] = branch;
  info["Birthdate"] = birth;
  info["LimitApplicationCertificateRelatedConsFlg"] = q.limit_consent ? "1" : "0";
  const json::object header{{"QualificationConfirmationDate", confirmation_date},
                            {"MedicalInstitutionCode", facility},
                            {"ArbitraryFileIdentifier", arbitrary_file_identifier}};
  return json::serialize(json::object{
      {"XmlMsg",
       json::object{{"MessageHeader", header},
                    {"MessageBody", json::object{{"QualificationConfirmSearchInfo", info}}}}}});
}

json::object LookupView(const std::string& answer_json, bool limit_consent) {
  boost::system::error_code ec;
  const json::value root = json::parse(answer_json, ec);
  const json::object* msg = !ec && root.is_object() ? Object(root.as_object(), "XmlMsg") : nullptr;
  const json::object* header = msg ? Object(*msg, "MessageHeader") : nullptr;
  const json::object* body = msg ? Object(*msg, "MessageBody") : nullptr;
  if (!header) {
    return json::object{{"step", "error"}, {"message", "資格確認の結果を読み取れませんでした。"}};
  }
  if (Text(*header, "SegmentOfResult") != "1" || !body) {
    const std::string message = Text(*header, "ErrorMessage");
    return json::object{{"step", "error"},
                        {"message", "照会できませんでした: " +
                                        (message.empty() ? std::string("不明なエラー") : message)}};
  }
  const std::string validity = Text(*body, "QualificationValidity");
  json::object out{{"step", "lookup"}};
  std::string outcome, reason, tell;
  if (validity == "1") {
    outcome = "有効";
  } else if (validity == "2") {
    outcome = "無効";
    reason = "この資格は喪失しています。";
    tell = "現在加入している保険の資格確認書か、マイナ保険証の提示をお願いしてください。";
  } else if (validity == "3") {
    outcome = "無効";
    reason = "新しい資格があります。";
    tell = "新しい保険の資格確認書か、マイナ保険証の提示をお願いしてください。";
  } else if (validity == "5") {
    outcome = "資格情報なし";
    reason = "複数の資格が該当しました。";
    tell = "記号・枝番も資格確認書のとおりに入力して、もう一度照会してください。";
  } else {
    outcome = "資格情報なし";
    reason = "入力された記号・番号・枝番・生年月日に該当する資格がありません。";
    // R-FAC-6 ①: the insurer's registration may not have reached the system.
    tell =
        "入力内容を資格確認書と見比べてください。正しければ保険者の登録が反映されていない"
        "ことがあります。資格確認書の記載で受付し、後日あらためて確認してください。";
  }
  const std::string notice = Text(*body, "ProcessingResultMessage");
  if (!notice.empty()) reason += (reason.empty() ? "" : " ") + notice;
  out["outcome"] = outcome;
  out["reason"] = reason;
  out["tell"] = tell;

  const json::value* list = body->if_contains("ResultList");
  const json::object* r = nullptr;
  if (list && list->is_array() && list->as_array().size() == 1 &&
      list->as_array().front().is_object()) {
    r = Object(list->as_array().front().as_object(), "ResultOfQualificationConfirmation");
  }
  if (!r) return out;
  json::array fields;
  const std::string kana = Text(*r, "NameKana");
  Add(fields, "氏名", Text(*r, "Name") + (kana.empty() ? "" : "(" + kana + ")"));
  Add(fields, "生年月日", JapaneseDate(Text(*r, "Birthdate")));
  const std::string sex = Text(*r, "Sex1");
  Add(fields, "性別", sex == "1" ? "男" : sex == "2" ? "女" : "");
  const std::string insurer_name = Text(*r, "InsurerName");
  Add(fields, "保険者", insurer_name + "(" + Text(*r, "InsurerNumber") + ")");
  const std::string symbol = Text(*r, "InsuredCardSymbol");
  Add(fields, "記号・番号・枝番",
      (symbol.empty() ? "" : symbol + "・") + Text(*r, "InsuredIdentificationNumber") + "・" +
          Text(*r, "InsuredBranchNumber"));
  const std::string family = Text(*r, "PersonalFamilyClassification");
  Add(fields, "本人・家族", family == "1" ? "本人" : family == "2" ? "家族" : "");
  Add(fields, "被保険者氏名", family == "2" ? Text(*r, "InsuredName") : "");
  Add(fields, "資格取得日", JapaneseDate(Text(*r, "QualificationDate")));
  const std::string lost = Text(*r, "DisqualificationDate");
  Add(fields, "資格喪失日", lost.empty() ? "" : JapaneseDate(lost));
  const std::string ratio = Text(*r, "InsuredPartialContributionRatio");
  Add(fields, "一部負担金割合", ratio.empty() ? "" : Ratio(ratio));
  if (const json::object* e = Object(*r, "ElderlyRecipientCertificateInfo")) {
    Add(fields, "高齢受給者証",
        Ratio(Text(*e, "ElderlyRecipientContributionRatio")) + "(" +
            JapaneseDate(Text(*e, "ElderlyRecipientValidEndDate")) + "まで)");
  }
  out["fields"] = std::move(fields);
  if (limit_consent) {
    json::array limit;
    if (const json::object* l = Object(*r, "LimitApplicationCertificateRelatedInfo")) {
      Add(limit, "限度額適用区分", Text(*l, "LimitApplicationCertificateClassification"));
      Add(limit, "有効期間",
          JapaneseDate(Text(*l, "LimitApplicationCertificateValidStartDate")) + "〜" +
              JapaneseDate(Text(*l, "LimitApplicationCertificateValidEndDate")));
    } else {
      Add(limit, "限度額適用区分", "情報なし");
    }
    out["limit"] = std::move(limit);
  }
  return out;
}

}  // namespace onshi::terminal
