#include "populate/population.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/birthdays.hpp"
#include "core/business_days.hpp"
#include "core/card_validity.hpp"
#include "core/copay.hpp"
#include "core/document_rules.hpp"
#include "core/insurer_number.hpp"
#include "core/legacy_card.hpp"
#include "core/medical_institution_code.hpp"
#include "core/my_number.hpp"
#include "populate/name_tables.hpp"
#include "populate/rng.hpp"

namespace onshi::populate {
namespace {

using store::CardRecord;
using store::DocumentRecord;
using store::InsurerRecord;
using store::PersonRecord;

std::string InsurerNumberFromBody(const std::string& body) {
  auto n = InsurerNumber::FromBody(body);
  if (!n.ok())
    throw store::StoreError("populate: bad insurer body " + body + ": " + n.error().ToString());
  return std::string(n->digits());
}

std::string_view PrefectureShortName(int pref) {
  std::string_view n = kPrefectures[static_cast<size_t>(pref - 1)].name;
  if (n == "北海道") return n;
  return n.substr(0, n.size() - 3);  // drop 都/府/県 (3 bytes in UTF-8)
}

constexpr std::array<std::string_view, 20> kCompanies = {
    "東都電機", "大和化学",   "日本精機",   "みなと商事", "北斗製薬", "さくら銀行", "富士運輸",
    "中央食品", "青葉建設",   "光通信機",   "瀬戸内造船", "信州精密", "北陸電力",   "九州鉄道",
    "関東ガス", "東海自動車", "近畿百貨店", "四国製紙",   "東北電子", "オンシ情報",
};

struct InsurerPools {
  std::vector<InsurerRecord> all;
  std::vector<size_t> kyokai;  // index by prefecture - 1
  std::vector<size_t> kumiai;
  std::vector<size_t> kyosai;
  std::vector<size_t> kokuho;  // by prefecture - 1
  std::vector<size_t> koki;    // by prefecture - 1
};

InsurerPools MakeInsurers() {
  InsurerPools p;
  auto add = [&p](std::vector<size_t>& pool, InsurerRecord r) {
    pool.push_back(p.all.size());
    p.all.push_back(std::move(r));
  };
  for (int pref = 1; pref <= 47; ++pref) {
    // R-LINK-3: 協会けんぽ "within 5 days"; municipal 国保 "at least 2 business days".
    add(p.kyokai, {InsurerNumberFromBody("01" + Pad(pref, 2) + "001"),
                   "全国健康保険協会" + std::string(PrefectureShortName(pref)) + "支部",
                   "協会けんぽ", 5, true, 5, CertificateForm::kPlasticCard});  // R-DOC-7
    add(p.kokuho, {InsurerNumberFromBody(Pad(pref, 2) + "101"),
                   std::string(kPrefectures[static_cast<size_t>(pref - 1)].city) + "国民健康保険",
                   "国保", 2, true, 1});
    add(p.koki,
        {InsurerNumberFromBody("39" + Pad(pref, 2) + "101"),
         std::string(kPrefectures[static_cast<size_t>(pref - 1)].name) + "後期高齢者医療広域連合",
         "後期高齢者", 3, true, 1});
  }
  for (size_t i = 0; i < kCompanies.size(); ++i) {
    const int pref = i % 3 == 0 ? 13 : (i % 3 == 1 ? 27 : 23);
    // R-DOC-8: every fourth 健保組合 follows the KOA policy (no 資格確認書 for
    // マイナ保険証 holders); lags vary between 2 and 5 business days.
    add(p.kumiai,
        {InsurerNumberFromBody("06" + Pad(pref, 2) + Pad(static_cast<int64_t>(100 + i), 3)),
         std::string(kCompanies[i]) + "健康保険組合", "組合健保", 2 + static_cast<int>(i % 4),
         i % 4 != 3, 5});
  }
  const std::array<std::pair<const char*, const char*>, 4> kyosai = {{
      {"31", "国家公務員共済組合"},
      {"32", "地方職員共済組合"},
      {"33", "警察共済組合"},
      {"34", "公立学校共済組合"},
  }};
  for (const auto& [law, name] : kyosai) {
    add(p.kyosai, {InsurerNumberFromBody(std::string(law) + "13001"), name, "共済", 3, true, 5});
  }
  return p;
}

class Generator {
 public:
  Generator(store::Store& s, const PopulationOptions& o) : store_(s), opt_(o), rng_(o.seed) {}

  PopulationReport Run(const std::function<void(int64_t)>& progress) {
    pools_ = MakeInsurers();
    store_.InTransaction([&] {
      for (const InsurerRecord& r : pools_.all)
        store_.PutInsurer(r);
      MakeFacilities();
    });
    report_.insurers = static_cast<int64_t>(pools_.all.size());
    if (opt_.scenarios) store_.InTransaction([&] { MakeScenarios(); });
    while (report_.members < opt_.members) {
      const int64_t stop = std::min(opt_.members, report_.members + opt_.batch);
      store_.InTransaction([&] {
        while (report_.members < stop)
          Household(stop);
      });
      if (progress) progress(report_.members);
    }
    return report_;
  }

 private:
  struct Member {
    PersonRecord person;
    std::string insurer_number;
    std::string symbol;
    std::string number;
    std::string branch;
    PersonalFamily family = PersonalFamily::kInsured;
    std::string insured_name;
    Date acquired;
  };

  // ---- facilities ----------------------------------------------------------
  void MakeFacilities() {
    const int64_t n = std::max<int64_t>(20, opt_.members / 500);
    static constexpr std::array<std::pair<char, const char*>, 3> kKinds = {
        {{'1', "医科"}, {'3', "歯科"}, {'4', "薬局"}}};
    for (int64_t i = 0; i < n; ++i) {
      const int pref = static_cast<int>(i % 47) + 1;
      const auto& [type, kind] = kKinds[static_cast<size_t>(i % 3)];
      const std::string body =
          Pad(pref, 2) + type + Pad(1 + i / 47 % 99, 2) + Pad(i / 47 / 99 % 10000, 4);
      auto code = MedicalInstitutionCode::FromBody(body);
      if (!code.ok()) throw store::StoreError("populate: " + code.error().ToString());
      const std::string suffix = type == '4' ? "薬局" : (type == '3' ? "歯科医院" : "クリニック");
      store_.PutFacility({std::string(code->digits()),
                          "オンシ" + std::string(PrefectureShortName(pref)) + suffix +
                              FullWidth(static_cast<int>(i + 1)),
                          kind});
      ++report_.facilities;
    }
  }

  // ---- people ----------------------------------------------------------------
  PersonRecord NewPerson(Sex sex, int age, const NamePair& surname, int pref,
                         const std::string& town) {
    PersonRecord p;
    const NamePair& given = sex == Sex::kMale ? rng_.Pick(kMaleNames.data(), kMaleNames.size())
                                              : rng_.Pick(kFemaleNames.data(), kFemaleNames.size());
    p.name = std::string(surname.kanji) + "\u3000" + std::string(given.kanji);
    p.name_kana = std::string(surname.kana) + "\u3000" + std::string(given.kana);
    p.birth_date = opt_.today.AddYears(-age).AddDays(-rng_.Below(365));
    p.sex = sex;
    p.postcode = Pad(rng_.Between(100, 999), 3) + "-" + Pad(rng_.Below(10000), 4);
    p.address = std::string(kPrefectures[static_cast<size_t>(pref - 1)].name) +
                std::string(kPrefectures[static_cast<size_t>(pref - 1)].city) + town;
    p.municipality = MunicipalityCode(kPrefectures[static_cast<size_t>(pref - 1)]);
    return p;
  }

  std::string NextNumber(const std::string& insurer, int width) {
    return Pad(++next_number_[insurer], width);
  }

  Date AcquiredFor(const PersonRecord& p, int max_years) {
    const Date earliest = std::max(p.birth_date, opt_.today.AddYears(-max_years));
    const int span = std::max(1, DaysBetween(earliest, opt_.today));
    // Skew towards the past: most people have held their insurance for years,
    // a few joined in the last weeks (those show the linkage lag).
    if (rng_.PerMille(15)) return opt_.today.AddDays(-rng_.Below(std::min(span, 20)));
    return earliest.AddDays(rng_.Below(span));
  }

  void Household(int64_t stop) {
    const int pref = rng_.Between(1, 47);
    const NamePair& surname = rng_.Pick(kSurnames.data(), kSurnames.size());
    const std::string town = std::string(kTownNames[static_cast<size_t>(rng_.Below(12))]) +
                             FullWidth(rng_.Between(1, 5)) + "－" + FullWidth(rng_.Between(1, 30)) +
                             "－" + FullWidth(rng_.Between(1, 20));
    const int head_age = rng_.Between(20, 92);
    const Sex head_sex = rng_.PerMille(500) ? Sex::kMale : Sex::kFemale;
    const Sex spouse_sex = head_sex == Sex::kMale ? Sex::kFemale : Sex::kMale;
    std::vector<Member> members;

    if (head_age >= 75) {
      // 後期高齢者医療: everyone 75+ is insured individually (本人).
      const std::string& ins =
          pools_.all[pools_.koki[static_cast<size_t>(pref - 1)]].insurer_number;
      Member m;
      m.person = NewPerson(head_sex, head_age, surname, pref, town);
      m.insurer_number = ins;
      m.number = NextNumber(ins, 8);
      m.branch = "00";
      members.push_back(m);
      if (rng_.PerMille(450)) {
        Member s;
        s.person = NewPerson(spouse_sex, std::max(75, head_age + rng_.Between(-3, 3)), surname,
                             pref, town);
        s.insurer_number = ins;
        s.number = NextNumber(ins, 8);
        s.branch = "00";
        members.push_back(s);
      }
      for (Member& x : members)
        x.insured_name = x.person.name;
    } else if (rng_.PerMille(640)) {
      // Employee insurance: the insured and dependents share 記号・番号 and
      // differ by 枝番 (00 for the insured person).
      const int kind = rng_.Below(100);
      const std::string& ins =
          kind < 55 ? pools_.all[pools_.kyokai[static_cast<size_t>(pref - 1)]].insurer_number
          : kind < 90
              ? pools_
                    .all[pools_.kumiai[static_cast<size_t>(
                        rng_.Below(static_cast<int>(pools_.kumiai.size())))]]
                    .insurer_number
              : pools_.all[pools_.kyosai[static_cast<size_t>(rng_.Below(4))]].insurer_number;
      const std::string symbol = kind < 55 ? Pad(rng_.Between(1000000, 99999999), 8)
                                           : std::to_string(rng_.Between(1, 999));
      const std::string number = NextNumber(ins, kind < 55 ? 6 : 5);
      Member head;
      head.person = NewPerson(head_sex, std::min(head_age, 74), surname, pref, town);
      members.push_back(head);
      if (rng_.PerMille(600)) {
        Member s;
        s.person = NewPerson(spouse_sex, std::clamp(head_age + rng_.Between(-6, 6), 18, 74),
                             surname, pref, town);
        s.family = PersonalFamily::kDependent;
        members.push_back(s);
      }
      const int children = head_age < 60 ? rng_.Below(4) : 0;
      for (int c = 0; c < children; ++c) {
        Member k;
        k.person = NewPerson(rng_.PerMille(500) ? Sex::kMale : Sex::kFemale,
                             rng_.Between(0, std::min(22, std::max(0, head_age - 20))), surname,
                             pref, town);
        k.family = PersonalFamily::kDependent;
        members.push_back(k);
      }
      for (size_t i = 0; i < members.size(); ++i) {
        members[i].insurer_number = ins;
        members[i].symbol = symbol;
        members[i].number = number;
        members[i].branch = Pad(static_cast<int64_t>(i), 2);
        members[i].insured_name = head.person.name;
      }
    } else {
      // 国保: every member of the 世帯 is an insured person; 世帯主 is shown as
      // InsuredName.
      const std::string& ins =
          pools_.all[pools_.kokuho[static_cast<size_t>(pref - 1)]].insurer_number;
      const std::string symbol = Pad(rng_.Between(1, 40), 2);
      const std::string number = NextNumber(ins, 7);
      Member head;
      head.person = NewPerson(head_sex, std::min(head_age, 74), surname, pref, town);
      members.push_back(head);
      if (rng_.PerMille(500)) {
        Member s;
        s.person = NewPerson(spouse_sex, std::clamp(head_age + rng_.Between(-6, 6), 18, 74),
                             surname, pref, town);
        members.push_back(s);
      }
      for (size_t i = 0; i < members.size(); ++i) {
        members[i].insurer_number = ins;
        members[i].symbol = symbol;
        members[i].number = number;
        members[i].branch = Pad(static_cast<int64_t>(i), 2);
        members[i].insured_name = head.person.name;
      }
    }

    for (Member& m : members) {
      if (report_.members >= stop) return;
      WriteMember(m);
    }
  }

  void WriteMember(Member& m) {
    const int64_t person_id = store_.AddPerson(m.person, SyntheticMyNumber(next_person_++));
    ++report_.persons;
    const int age = AgeOn(m.person.birth_date, opt_.today);
    m.acquired =
        AcquiredFor(m.person, m.insurer_number.rfind("39", 0) == 0 ? std::max(0, age - 75) : 15);

    // About 4% of working-age people changed insurer: their previous
    // qualification was lost the day the new one started (reason 03).
    if (age >= 25 && age < 75 && m.family == PersonalFamily::kInsured && rng_.PerMille(40) &&
        m.acquired > m.person.birth_date.AddYears(20)) {
      const InsurerRecord& prev = pools_.all[pools_.kumiai[static_cast<size_t>(
          rng_.Below(static_cast<int>(pools_.kumiai.size())))]];
      if (prev.insurer_number != m.insurer_number) {
        Qualification old = BaseQualification(m, person_id, age);
        old.insurer_number = prev.insurer_number;
        old.symbol = std::to_string(rng_.Between(1, 999));
        old.number = NextNumber(prev.insurer_number, 5);
        old.branch = "00";
        old.acquired =
            std::max(m.person.birth_date.AddYears(18), m.acquired.AddYears(-rng_.Between(1, 10)));
        old.lost = m.acquired;
        old.loss_reason = LossReason::kOtherInsurance;
        Link(old, prev.link_lag_business_days);
        old.copay_percent = 30;
        old.elderly.reset();
        old.limits.clear();
        old.diseases.clear();
        WriteQualification(old, nullptr);
      }
    }

    Qualification q = BaseQualification(m, person_id, age);
    const InsurerRecord& ins = InsurerOf(m.insurer_number);
    Link(q, ins.link_lag_business_days);
    // A few deaths among the oldest (資格喪失事由 01).
    if (age >= 80 && rng_.PerMille(30)) {
      q.lost = opt_.today.AddDays(-rng_.Between(1, 300));
      if (*q.lost <= q.acquired) q.lost = q.acquired.AddDays(1);
      q.loss_reason = LossReason::kDeath;
      // No certificate is issued for a time after the death.
      std::erase_if(q.limits, [&](const LimitCertificate& l) { return l.valid_from >= *q.lost; });
      std::erase_if(q.diseases, [&](const SpecificDisease& d) { return d.valid_from >= *q.lost; });
      if (q.elderly && q.elderly->valid_from >= *q.lost) q.elderly.reset();
    }
    const std::optional<CardRecord> card = MakeCard(person_id, m.person, age);
    WriteQualification(q, card ? &*card : nullptr);
  }

  const InsurerRecord& InsurerOf(const std::string& number) {
    for (const InsurerRecord& r : pools_.all) {
      if (r.insurer_number == number) return r;
    }
    throw store::StoreError("populate: unknown insurer " + number);
  }

  Qualification BaseQualification(const Member& m, int64_t person_id, int age) {
    Qualification q;
    q.person_id = person_id;
    q.insurer_number = m.insurer_number;
    q.symbol = m.symbol;
    q.number = m.number;
    q.branch = m.branch;
    q.personal_family = m.family;
    q.birth_date = m.person.birth_date;
    q.sex = m.person.sex;
    q.acquired = m.acquired;
    q.attributes.push_back({m.acquired, m.person.name, m.person.name_kana, m.insured_name,
                            m.person.postcode, m.person.address});
    const bool koki = IsLateStageElderlyInsurer(m.insurer_number);
    const Date elderly_from = ElderlyRecipientFrom(m.person.birth_date);
    // Ratios are the law's (core/copay.hpp: 2割 before school age and from
    // the month after 70, else 3割), stored as they are on the first day;
    // only the 広域連合 files one, by income.
    q.copay_percent = StatutoryCopayPercent(m.person.birth_date, m.acquired, koki);
    if (koki) {
      // 後期高齢者: 1割 for most, 2割 or 3割 (現役並み所得) for some.
      const int r = rng_.Below(100);
      q.copay_percent = r < 70 ? 10 : (r < 90 ? 20 : 30);
      q.copay_filed = true;
    } else if (age < 6) {
      // 未就学児: 2割 by law.
    } else if (age >= 70) {
      // 高齢受給者証, renewed every 1 August, within the 70-74 years; 3割
      // for 現役並み所得.
      const int ratio = rng_.PerMille(900) ? 20 : 30;
      const int start_year = opt_.today.month() >= 8 ? opt_.today.year() : opt_.today.year() - 1;
      const Date from = std::max({Date::FromYmd(start_year, 8, 1), elderly_from, q.acquired});
      const Date until = std::min(Date::FromYmd(start_year + 1, 7, 31),
                                  ElderlyRecipientUntil(m.person.birth_date));
      if (from <= until) q.elderly = ElderlyRecipient{from.AddDays(-10), from, until, ratio};
    }
    if (rng_.PerMille(30)) {
      static constexpr std::array<const char*, 5> kUnder70 = {"A01", "A02", "A03", "A04", "A05"};
      static constexpr std::array<const char*, 6> kOver70 = {"B01", "B02", "B03",
                                                             "B04", "B05", "B06"};
      const Date from =
          std::max(q.acquired, Date::FromYmd(opt_.today.year(), 1, 1).AddMonths(rng_.Below(5)));
      // ア〜オ before the 高齢受給者 month, the B categories from it and in
      // 後期高齢者医療 (core/benefits.hpp).
      const bool over70 = koki || from >= elderly_from;
      const int classification = rng_.PerMille(800) ? 1 : 2;
      const size_t under = static_cast<size_t>(rng_.Below(5));
      const size_t over = static_cast<size_t>(rng_.Below(6));
      q.limits.push_back({classification, over70 ? kOver70[over] : kUnder70[under],
                          from.AddDays(-7), from, from.AddYears(1).AddDays(-1), std::nullopt});
    }
    if (age >= 20 && rng_.PerMille(3)) {
      const Date from = std::max(q.acquired, opt_.today.AddYears(-3));
      // 20,000 yen only for 人工透析 of a high-income member under 70.
      const bool high_income = rng_.PerMille(200);
      q.diseases.push_back({1, from, from, from.AddYears(5),
                            high_income && !koki && from < elderly_from ? 20000 : 10000});
    }
    return q;
  }

  // R-LINK-3: linked `lag` business days after the insurer submitted it.
  // A small share is still pending or failed the resident-registry check.
  void Link(Qualification& q, int lag) {
    q.submitted_on = q.acquired.AddDays(rng_.Between(0, 5));
    const Date due = AddBusinessDays(q.submitted_on, lag);
    if (rng_.PerMille(3)) {
      q.linkage = LinkageState::kRegistrationError;
      q.registration_error = rng_.PerMille(500) ? "氏名が住民基本台帳と一致しません"
                                                : "生年月日が住民基本台帳と一致しません";
    } else if (due > opt_.today) {
      q.linkage =
          q.submitted_on > opt_.today ? LinkageState::kSubmitted : LinkageState::kProcessing;
    } else {
      q.linkage = LinkageState::kLinked;
      q.linked_on = due;
    }
  }

  // Stores the qualification and the documents the core's rules
  // (PlanDocuments: R-DOC-1, 4, 5, 6, 7, 8, 10, R-CARD-4) would have issued
  // by today, by replaying them on the days an insurer's batch would have
  // run: a week after joining, on day 50, and today. 資格確認書 exist only
  // from 2024-12-02 (R-OLD-1), so no evaluation day is earlier. Everything
  // replayed was printed and posted on its day; a member who joined before
  // then holds an old card (R-OLD-1), printed with an expiry by 国保 (9/30)
  // and 後期高齢者医療 (7/31, the national extension), none by the others.
  void WriteQualification(Qualification& q, const CardRecord* card) {
    q.member_id = store_.AddQualification(q);
    ++report_.members;
    const InsurerRecord& ins = InsurerOf(q.insurer_number);
    InsurerDocumentPolicy policy;
    policy.certificate_validity_years = ins.certificate_validity_years;
    policy.holders_can_request_certificate = ins.holders_may_get_certificate;
    policy.default_form = ins.certificate_form;
    MemberDocumentFacts f;
    f.acquired = q.acquired;
    f.membership_lost = q.lost;
    const Date transition = LegacyIssuanceEndDate();  // R-OLD-1
    if (q.acquired < transition) {
      std::optional<Date> printed;
      if (ins.category == "国保") printed = Date::FromYmd(2025, 9, 30);
      if (ins.category == "後期高齢者") printed = Date::FromYmd(2025, 7, 31);
      const int64_t id =
          store_.AddDocument({0, q.member_id, DocumentKind::kLegacyCard, "R-OLD-1", q.acquired,
                              printed, std::nullopt, std::nullopt, std::nullopt, q.acquired});
      f.documents.push_back(
          {id, DocumentKind::kLegacyCard, q.acquired, printed, std::nullopt, std::nullopt, {}});
    }
    if (rng_.PerMille(50)) {  // ticked on the form (R-DOC-5)
      f.certificate_requested_on = q.acquired;
      store_.AddDocumentApplication(
          {0, q.member_id, store::ApplicationKind::kCertificate, q.acquired, std::nullopt, ""});
    }
    const Date first = std::max(q.acquired.AddDays(7), transition);
    const Date second = std::max(q.acquired.AddDays(50), transition);
    for (Date on : {first, second, opt_.today}) {
      if (on > opt_.today) continue;
      f.has_card = card != nullptr && card->issued_on <= on;
      f.insurance_use_registered = f.has_card && card->status == store::CardState::kActive &&
                                   card->insurance_registered_on.has_value() &&
                                   *card->insurance_registered_on <= on;
      f.certificate_expiry = f.has_card ? std::optional<Date>(card->cert_expires_on) : std::nullopt;
      f.card_expiry = f.has_card ? std::optional<Date>(card->card_expires_on) : std::nullopt;
      for (const DocumentAction& a : PlanDocuments(f, policy, on)) {
        const DocumentKind kind = IssuedKind(a.kind);
        const int64_t id =
            store_.AddDocument({0, q.member_id, kind, std::string(RuleOf(a.reason)), on,
                                a.valid_until, std::nullopt, a.form, a.document_id, on});
        f.documents.push_back({id, kind, on, a.valid_until, a.form, a.document_id, {}});
        ++report_.documents;
      }
    }
  }

  // Makes the person's My Number card (80% of people have one), in a
  // realistic state (R-REG-1, R-CARD-2..6).
  std::optional<CardRecord> MakeCard(int64_t person_id, const PersonRecord& p, int age) {
    if (!rng_.PerMille(800)) return std::nullopt;
    CardRecord c;
    c.person_id = person_id;
    const Date first = std::max({p.birth_date, Date::FromYmd(2016, 1, 4), opt_.today.AddYears(-9)});
    const int span = DaysBetween(first, opt_.today);
    if (span < 40) return std::nullopt;
    c.application_date = first.AddDays(rng_.Below(span - 35));
    c.issued_on = c.application_date.AddDays(rng_.Between(14, 35));
    c.card_expires_on = CardExpiry({p.birth_date, c.application_date, c.issued_on, std::nullopt});
    c.cert_issued_on = c.issued_on;
    c.cert_expires_on = CertificateExpiry(p.birth_date, c.cert_issued_on, c.card_expires_on);
    // Most people renew the certificate when it expires (R-CARD-3/4).
    if (c.cert_expires_on < opt_.today && c.card_expires_on > opt_.today && rng_.PerMille(880)) {
      c.cert_issued_on = c.cert_expires_on.AddDays(-rng_.Between(0, 80));
      c.cert_expires_on = CertificateExpiry(p.birth_date, c.cert_issued_on, c.card_expires_on);
    }
    c.cert_serial = SerialFor(next_card_++);
    c.face_only = age >= 80 && rng_.PerMille(100);
    if (rng_.PerMille(8)) c.status = store::CardState::kSuspended;
    if (!c.face_only && rng_.PerMille(6)) c.pin_failures = 3;
    if (rng_.PerMille(720)) {
      c.insurance_registered_on = std::min(opt_.today, c.issued_on.AddDays(rng_.Between(0, 400)));
      static constexpr std::array<const char*, 4> kChannels = {"portal", "reader", "window", "atm"};
      c.registration_channel = kChannels[static_cast<size_t>(rng_.Below(4))];
    }
    c.card_id = store_.AddCard(c);
    ++report_.cards;
    return c;
  }

  static std::string SerialFor(uint64_t n) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string s(16, '0');
    uint64_t v = n * 0x9E3779B97F4A7C15ULL;  // bijective on 64 bits: unique, not sequential
    for (int i = 15; i >= 0; --i, v >>= 4)
      s[static_cast<size_t>(i)] = kHex[v & 15];
    return s;
  }

  // ---- hand-made scenarios -------------------------------------------------------
  // One person per outcome a newcomer wants to try, under a dedicated
  // insurer (オンシ健康保険組合) so their keys are easy to type.
  void MakeScenarios() {
    const InsurerRecord demo{
        InsurerNumberFromBody("0613999"), "オンシ健康保険組合", "組合健保", 2, true, 5};
    store_.PutInsurer(demo);
    pools_.all.push_back(demo);
    ++report_.insurers;
    const Date today = opt_.today;
    const NamePair family{"試験", "シケン"};
    int serial = 0;
    auto person = [&](Sex sex, Date birth, const char* given, const char* kana) {
      PersonRecord p;
      p.name = std::string(family.kanji) + "\u3000" + given;
      p.name_kana = std::string(family.kana) + "\u3000" + kana;
      p.birth_date = birth;
      p.sex = sex;
      p.postcode = "160-0023";
      p.address = "東京都新宿区西新宿２－８－１";
      p.municipality = MunicipalityCode(kPrefectures[12]);  // 新宿区 131041
      const int64_t id = store_.AddPerson(
          p, SyntheticMyNumber(5'000'000'000ULL + static_cast<uint64_t>(++serial)));
      ++report_.persons;
      return std::make_pair(id, p);
    };
    auto member = [&](int64_t id, const PersonRecord& p, const std::string& insurer,
                      std::string number, std::string branch, PersonalFamily fam, Date acquired) {
      Qualification q;
      q.person_id = id;
      q.insurer_number = insurer;
      q.symbol = "1";
      q.number = std::move(number);
      q.branch = std::move(branch);
      q.personal_family = fam;
      q.birth_date = p.birth_date;
      q.sex = p.sex;
      q.acquired = acquired;
      q.copay_percent = 30;
      q.submitted_on = acquired;
      q.linkage = LinkageState::kLinked;
      q.linked_on = AddBusinessDays(acquired, 2);
      q.attributes.push_back(
          {acquired, p.name, p.name_kana, "試験\u3000一郎", p.postcode, p.address});
      return q;
    };
    auto card = [&](int64_t id, const PersonRecord& p, Date issued, bool registered) {
      CardRecord c;
      c.person_id = id;
      c.application_date = issued.AddDays(-30);
      c.issued_on = issued;
      c.card_expires_on = CardExpiry({p.birth_date, c.application_date, issued, std::nullopt});
      c.cert_issued_on = issued;
      c.cert_expires_on = CertificateExpiry(p.birth_date, issued, c.card_expires_on);
      c.cert_serial = "DEMO" + Pad(serial, 12);
      if (registered) {
        c.insurance_registered_on = issued.AddDays(10);
        c.registration_channel = "portal";
      }
      return c;
    };
    auto add = [&](Scenario s) { report_.scenarios.push_back(std::move(s)); };
    auto write = [&](Qualification& q) {
      q.member_id = store_.AddQualification(q);
      ++report_.members;
    };
    const std::string& ins = demo.insurer_number;

    // 1. 有効, with a registered card.
    auto [ichiro, ichiro_p] = person(Sex::kMale, Date::FromYmd(1980, 5, 15), "一郎", "イチロウ");
    Qualification q1 = member(ichiro, ichiro_p, ins, "1001", "00", PersonalFamily::kInsured,
                              Date::FromYmd(2015, 4, 1));
    q1.limits.push_back(
        {1, "A03", today.AddMonths(-2), today.AddMonths(-2), today.AddMonths(10), std::nullopt});
    write(q1);
    CardRecord c1 = card(ichiro, ichiro_p, Date::FromYmd(2023, 3, 1), true);
    store_.AddCard(c1);
    add({"有効 (valid), card registered", "QualificationValidity=1", ins, "1", "1001", "00",
         "19800515", c1.cert_serial});

    // 1b. dependent (家族) of the same card number.
    auto [hanako, hanako_p] = person(Sex::kFemale, Date::FromYmd(1982, 2, 28), "花子", "ハナコ");
    Qualification q1b = member(hanako, hanako_p, ins, "1001", "01", PersonalFamily::kDependent,
                               Date::FromYmd(2015, 4, 1));
    write(q1b);
    add({"有効 (valid), 家族 (dependent)", "QualificationValidity=1", ins, "1", "1001", "01",
         "19820228", ""});

    // 2. 無効: left the job two months ago, nothing newer.
    auto [jiro, jiro_p] = person(Sex::kMale, Date::FromYmd(1975, 11, 3), "次郎", "ジロウ");
    Qualification q2 = member(jiro, jiro_p, ins, "1002", "00", PersonalFamily::kInsured,
                              Date::FromYmd(2010, 4, 1));
    q2.lost = today.AddMonths(-2);
    q2.loss_reason = LossReason::kOther;
    write(q2);
    add({"無効 (lost, nothing newer)", "QualificationValidity=2", ins, "1", "1002", "00",
         "19751103", ""});

    // 3. 無効（新しい資格あり）: changed to 協会けんぽ a month ago.
    auto [saburo, saburo_p] = person(Sex::kMale, Date::FromYmd(1990, 7, 20), "三郎", "サブロウ");
    Qualification q3 = member(saburo, saburo_p, ins, "1003", "00", PersonalFamily::kInsured,
                              Date::FromYmd(2012, 4, 1));
    q3.lost = today.AddMonths(-1);
    q3.loss_reason = LossReason::kOtherInsurance;
    write(q3);
    const std::string& kyokai = pools_.all[pools_.kyokai[12]].insurer_number;
    Qualification q3n =
        member(saburo, saburo_p, kyokai, "990001", "00", PersonalFamily::kInsured, *q3.lost);
    q3n.symbol = "12345678";
    write(q3n);
    add({"無効（新しい資格あり） (old card after a job change)", "QualificationValidity=3", ins,
         "1", "1003", "00", "19900720", ""});

    // 4. 該当資格なし: joined yesterday, insurer data not linked yet (R-LINK-2).
    auto [shiro, shiro_p] = person(Sex::kMale, Date::FromYmd(2001, 1, 9), "四郎", "シロウ");
    Qualification q4 =
        member(shiro, shiro_p, ins, "1004", "00", PersonalFamily::kInsured, today.AddDays(-1));
    q4.linkage = LinkageState::kSubmitted;
    q4.linked_on.reset();
    write(q4);
    add({"該当資格なし (data linkage pending, R-LINK-2)", "QualificationValidity=4", ins, "1",
         "1004", "00", "20010109", ""});

    // 4b. 該当資格なし: registration error at the insurer (R-LINK-4).
    auto [goro, goro_p] = person(Sex::kMale, Date::FromYmd(1995, 9, 9), "五郎", "ゴロウ");
    Qualification q4b =
        member(goro, goro_p, ins, "1005", "00", PersonalFamily::kInsured, today.AddMonths(-4));
    q4b.linkage = LinkageState::kRegistrationError;
    q4b.linked_on.reset();
    q4b.registration_error = "氏名が住民基本台帳と一致しません";
    write(q4b);
    add({"該当資格なし (insurer registration error, R-LINK-4)", "QualificationValidity=4", ins, "1",
         "1005", "00", "19950909", ""});

    // 5. 複数該当: twins on one card number, queried without 枝番.
    for (const auto& [given, kana, branch] :
         {std::tuple{"桜", "サクラ", "02"}, std::tuple{"楓", "カエデ", "03"}}) {
      auto [twin, twin_p] = person(Sex::kFemale, Date::FromYmd(2015, 6, 1), given, kana);
      Qualification qt = member(twin, twin_p, ins, "1001", branch, PersonalFamily::kDependent,
                                Date::FromYmd(2015, 6, 1));
      write(qt);
    }
    add({"複数該当 (twins, query without 枝番)", "QualificationValidity=5", ins, "1", "1001", "",
         "20150601", ""});

    // Cards in the states the reader must handle (R-CARD-4..6, R-REG-3).
    struct CardCase {
      const char* given;
      const char* kana;
      const char* title;
      const char* expect;
    };
    const std::array<CardCase, 5> cases = {{
        {"六郎", "ロクロウ", "card: certificate expired, inside the 3-month grace (R-CARD-4)",
         "usable: QualificationValidity=1, drug/medical info sharing off"},
        {"七郎", "シチロウ", "card: certificate expired beyond grace (R-CARD-4)",
         "refused: certificate_expired_beyond_grace (use 資格確認書)"},
        {"八郎", "ハチロウ", "card: suspended by the hotline (R-CARD-6)",
         "refused: card_suspended"},
        {"九郎", "クロウ", "card: PIN locked after 3 tries (R-CARD-5)",
         "PIN mode refused; face or 目視 → QualificationValidity=1"},
        {"十郎", "ジュウロウ", "card: not registered for insurance use (R-REG-3)",
         "not_registered_for_insurance_use: the reader offers registration"},
    }};
    for (size_t i = 0; i < cases.size(); ++i) {
      // The certificate expiry is what the rules compute (R-CARD-3: the 5th
      // birthday after issuance), so the person's birthday is placed on the
      // wanted expiry day: 1 month ago (in grace), 5 months ago (beyond it),
      // or 2 years ahead (valid).
      const Date expiry = i == 0   ? today.AddMonths(-1)
                          : i == 1 ? today.AddMonths(-5)
                                   : today.AddYears(2);
      const Date birth =
          Date::FromYmd(expiry.year() - 50, expiry.month(), std::min(expiry.day(), 28));
      const Date cert_issued = NthBirthdayAfter(birth, birth, 46).AddDays(-10);
      auto [id, p] = person(Sex::kMale, birth, cases[i].given, cases[i].kana);
      Qualification q = member(id, p, ins, Pad(static_cast<int64_t>(2001 + i), 4), "00",
                               PersonalFamily::kInsured, Date::FromYmd(2018, 4, 1));
      write(q);
      CardRecord c = card(id, p, cert_issued, i != 4);
      if (i == 2) c.status = store::CardState::kSuspended;
      if (i == 3) c.pin_failures = 3;
      store_.AddCard(c);
      add({cases[i].title, cases[i].expect, ins, "1", q.number, "00", birth.ToCompact(),
           c.cert_serial});
    }
    report_.cards += 6;
  }

  store::Store& store_;
  PopulationOptions opt_;
  Rng rng_;
  InsurerPools pools_;
  PopulationReport report_;
  std::map<std::string, int64_t> next_number_;
  uint64_t next_person_ = 1;
  uint64_t next_card_ = 1;
};

}  // namespace

PopulationReport Populate(store::Store& store, const PopulationOptions& options,
                          const std::function<void(int64_t)>& progress) {
  Generator g(store, options);
  return g.Run(progress);
}

}  // namespace onshi::populate
