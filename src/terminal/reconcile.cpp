#include "terminal/reconcile.hpp"

#include <pugixml.hpp>

namespace onshi::terminal {
namespace {

std::string Day(const std::string& yyyymmdd) {
  if (yyyymmdd.size() != 8) return yyyymmdd;
  return yyyymmdd.substr(0, 4) + "年" + yyyymmdd.substr(4, 2) + "月" + yyyymmdd.substr(6, 2) + "日";
}

std::string Minute(const std::string& stamp) {
  if (stamp.size() < 12) return stamp;
  return Day(stamp.substr(0, 8)) + " " + stamp.substr(8, 2) + ":" + stamp.substr(10, 2);
}

std::string KindText(VisitKind k) {
  switch (k) {
    case VisitKind::kCached:
      return "再診：前回確認の資格情報で回答";
    case VisitKind::kRequest:
      return "初診等：記号・番号で照会（前回確認なし）";
    case VisitKind::kNotice:
      return "マイナンバーカード＋資格情報のお知らせで受付";
    case VisitKind::kStatement:
      return "被保険者資格申立書で受付";
  }
  return "";
}

// Names compared without the spaces people type between family and given
// names (half- or full-width).
std::string Squeezed(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == ' ') {
      ++i;
    } else if (s.compare(i, 3, "\xE3\x80\x80") == 0) {  // U+3000
      i += 3;
    } else {
      out += s[i++];
    }
  }
  return out;
}

std::string Digits(std::string s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  // 国保 numbers come zero- or space-padded; compare the 6 digits.
  if (out.size() == 8 && out.starts_with("00")) out.erase(0, 2);
  return out;
}

}  // namespace

std::string CheckRequestFor(const QueuedVisit& v) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("XmlMsg");
  pugi::xml_node h = root.append_child("MessageHeader");
  h.append_child("QualificationConfirmationDate").text().set(v.visit_date.c_str());
  h.append_child("MedicalInstitutionCode").text().set(v.institution.c_str());
  h.append_child("ArbitraryFileIdentifier")
      .text()
      .set(("onshi-reconcile-" + std::to_string(v.id)).c_str());
  pugi::xml_node i =
      root.append_child("MessageBody").append_child("QualificationConfirmSearchInfo");
  i.append_child("InsurerNumber").text().set(v.insurer_number.c_str());
  if (!v.symbol.empty()) i.append_child("InsuredCardSymbol").text().set(v.symbol.c_str());
  i.append_child("InsuredIdentificationNumber").text().set(v.number.c_str());
  if (!v.branch.empty()) i.append_child("InsuredBranchNumber").text().set(v.branch.c_str());
  i.append_child("Birthdate").text().set(v.birthdate.c_str());
  i.append_child("LimitApplicationCertificateRelatedConsFlg").text().set("0");
  struct W final : pugi::xml_writer {
    std::string out = R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)";
    void write(const void* d, size_t n) override { out.append(static_cast<const char*>(d), n); }
  } w;
  root.print(w, "", pugi::format_raw, pugi::encoding_utf8);
  return w.out;
}

Reconciled Reconcile(const QueuedVisit& v, const AnswerSummary& a) {
  Reconciled r;
  std::string& t = r.text;
  const std::string nl = "\r\n";
  t += "受付 " + Minute(JstStamp(v.recorded_at)) + "　" + KindText(v.kind) + nl;
  t += "    保険者番号 " + v.insurer_number + "　記号 " + (v.symbol.empty() ? "なし" : v.symbol) +
       "　番号 " + v.number + "　枝番 " + (v.branch.empty() ? "なし" : v.branch) + "　生年月日 " +
       Day(v.birthdate) + nl;
  if (!v.name.empty()) t += "    申出の氏名 " + v.name + nl;
  if (v.kind == VisitKind::kCached) {
    t += "    回答した資格 " + ValidityText(v.cached_validity) + "（" +
         Minute(v.cached_confirmed_at) + " 確認）" + nl;
  }
  std::vector<std::string> differences;
  if (!a.parsed) {
    differences.push_back("照合の回答を読めませんでした。保険者に確認してください。");
  } else if (a.segment != "1") {
    differences.push_back("照合できませんでした（" + a.error_code + " " + a.error_message + "）。");
  } else {
    t += "    " + Day(v.visit_date) + " の資格 " + ValidityText(a.validity);
    if (!a.name.empty()) t += "　" + a.name;
    if (!a.insurer_name.empty()) t += "　" + a.insurer_name;
    t += nl;
    if (a.validity != "1") {
      std::string d = "受診日に有効な資格がありません（" + ValidityText(a.validity);
      if (!a.disqualification_date.empty()) {
        d += "、資格喪失日 " + Day(a.disqualification_date);
      }
      d += "）。";
      if (v.kind == VisitKind::kCached) d = "前回確認時と異なり、" + d;
      differences.push_back(d + "患者に現在の保険を確認し、請求先を訂正してください。");
    }
    if (v.kind == VisitKind::kCached && a.validity == "1") {
      if (!v.cached_insurer.empty() && !a.insurer_number.empty() &&
          Digits(v.cached_insurer) != Digits(a.insurer_number)) {
        differences.push_back("保険者番号が変わっています（" + v.cached_insurer + " → " +
                              a.insurer_number + "）。");
      }
      if (!v.cached_name.empty() && !a.name.empty() &&
          Squeezed(v.cached_name) != Squeezed(a.name)) {
        differences.push_back("氏名が変わっています（" + v.cached_name + " → " + a.name + "）。");
      }
    }
    if (!v.name.empty() && !a.name.empty() && Squeezed(v.name) != Squeezed(a.name)) {
      differences.push_back("申出の氏名（" + v.name + "）と資格情報の氏名（" + a.name +
                            "）が一致しません。本人確認をしてください。");
    }
  }
  r.differs = !differences.empty();
  if (differences.empty()) {
    t += "    照合結果: 相違なし" + nl;
  } else {
    for (const std::string& d : differences)
      t += "    相違: " + d + nl;
  }
  return r;
}

std::string RenderReport(const std::vector<Reconciled>& visits, std::time_t now) {
  int differing = 0;
  for (const Reconciled& v : visits)
    differing += v.differs ? 1 : 0;
  const std::string nl = "\r\n";
  std::string out =
      "資格確認 照合結果（オンライン資格確認システムに接続できなかった間の受付）" + nl;
  out += "作成 " + Minute(JstStamp(now)) + nl;
  out += "照合 " + std::to_string(visits.size()) + "件　うち相違あり " + std::to_string(differing) +
         "件" + nl + nl;
  int n = 0;
  for (const Reconciled& v : visits) {
    out += "[" + std::to_string(++n) + "]" + (v.differs ? "【相違あり】" : "") + " " + v.text + nl;
  }
  return out;
}

}  // namespace onshi::terminal
