#include "municipal/registration.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "card/card.hpp"
#include "municipal/card_files.hpp"
#include "municipal/residency.hpp"
#include "municipal/time_util.hpp"
#include "store/card_facts.hpp"

namespace onshi::municipal {

using store::CardRecord;
using store::CardState;
using store::CredentialKind;

std::string_view ChannelName(RegistrationChannel c) {
  switch (c) {
    case RegistrationChannel::kPortal:
      return "portal";
    case RegistrationChannel::kReader:
      return "reader";
    case RegistrationChannel::kWindow:
      return "window";
    case RegistrationChannel::kAtm:
      return "atm";
  }
  return "portal";
}

std::optional<RegistrationChannel> ParseChannel(std::string_view name) {
  for (auto c : {RegistrationChannel::kPortal, RegistrationChannel::kReader,
                 RegistrationChannel::kWindow, RegistrationChannel::kAtm}) {
    if (ChannelName(c) == name) return c;
  }
  return std::nullopt;
}

bool RegistrationLapsed(Date cert_expires_on, Date today) {
  const std::optional<Date> grace = InsuranceGraceEnd(cert_expires_on);
  return today > (grace ? *grace : cert_expires_on);
}

namespace {

std::string Id(int64_t id) {
  return std::to_string(id);
}

// Why a card with this usability cannot be registered; nullopt if it can.
std::optional<std::string> RefusalOf(CardStatus s) {
  switch (s) {
    case CardStatus::kUsable:
    case CardStatus::kExpiringSoon:
    case CardStatus::kUsableInGrace:
    case CardStatus::kPinLocked:  // not asked with kVisual; the PIN is checked apart
      return std::nullopt;
    case CardStatus::kSuspended:
      return "the card is suspended (一時利用停止, R-CARD-6): resume it at the window first";
    case CardStatus::kRevoked:
      return "the card is revoked: register the new card";
    case CardStatus::kCertificateExpired:
      return "the certificate expired beyond the R-CARD-4 grace: renew it first";
    case CardStatus::kCardExpired:
      return "the card expired beyond the R-CARD-4 grace: a new card is needed";
    case CardStatus::kNotYetIssued:
      return "the card is not issued yet";
  }
  return "the card cannot be used";
}

}  // namespace

Registrar::Registrar(store::Store& store, const card::IssuerKey& issuer_key, std::string cards_dir)
    : store_(store), issuer_key_(issuer_key), cards_dir_(std::move(cards_dir)) {}

Expected<RegistrationResult> Registrar::Register(const RegistrationRequest& request,
                                                 std::time_t now) {
  if ((request.card_id != 0) == !request.cert_serial.empty()) {
    return MakeError("card", "give either a card id or a certificate serial");
  }
  std::optional<CardRecord> rec = request.card_id != 0
                                      ? store_.GetCard(request.card_id)
                                      : store_.FindCardByCertSerial(request.cert_serial);
  if (!rec) return MakeError("card", "no such card or certificate");
  auto person = store_.GetPerson(rec->person_id);
  if (!person) return MakeError("card", "the card names no registry person");
  const Date today = JstDay(now);
  const std::string channel(ChannelName(request.channel));
  if (request.channel == RegistrationChannel::kWindow) {
    if (auto refused = GuardResident(store_, *person, request.municipality,
                                     request.actor.empty() ? channel : request.actor,
                                     "利用登録 of card " + std::to_string(rec->card_id), now)) {
      return *refused;
    }
  }

  // The certificate's state decides before anything else: a suspended card's
  // PIN is not even asked for.
  const CardUsability u = EvaluateCardForInsurance(store::CardFactsOf(*rec, person->birth_date),
                                                   today, IdentityCheck::kVisual);
  if (auto why = RefusalOf(u.status)) return MakeError("card", *why);
  const bool pin_channel = request.channel == RegistrationChannel::kPortal ||
                           request.channel == RegistrationChannel::kAtm;
  if (rec->face_only && pin_channel) {
    return MakeError("channel", "a 顔認証マイナンバーカード has no PIN and cannot use " + channel +
                                    ": register at a facility's reader or the window");
  }
  if (rec->insurance_registered_on) {
    return RegistrationResult{rec->card_id, rec->person_id, *rec->insurance_registered_on,
                              rec->registration_channel, false};
  }

  if (request.channel == RegistrationChannel::kWindow && !rec->face_only) {
    auto card = card::Card::Open(CardFilePath(cards_dir_, rec->card_id), issuer_key_);
    if (!card.ok()) return MakeError("card", "the card cannot be read: " + card.error().message);
    auto check = AskCardForPin(*card, request.pin);
    if (!check.ok()) return check.error();
    // The card already persisted its counter; the store mirrors it.
    const int failures = card->file().pin_counter().consecutive_failures();
    if (failures != rec->pin_failures) {
      rec->pin_failures = failures;
      store_.UpdateCard(*rec);
    }
    if (check->answer == PinAnswer::kLocked) {
      return MakeError("pin", "the PIN is locked (R-CARD-5): reset it at the window first");
    }
    if (check->answer == PinAnswer::kWrong) {
      return MakeError("pin", "wrong PIN; " + Id(check->tries_left) + " tries left (R-CARD-5)");
    }
  }

  rec->insurance_registered_on = today;
  rec->registration_channel = channel;
  store_.InTransaction([&] {
    // Re-read inside the write lock: another channel may have registered
    // the card meanwhile, and the first registration wins.
    auto current = store_.GetCard(rec->card_id);
    if (current && current->insurance_registered_on) {
      *rec = *current;
      return;
    }
    CardRecord updated = current ? *current : *rec;
    updated.insurance_registered_on = today;
    updated.registration_channel = channel;
    store_.UpdateCard(updated);
    store::AuditEntry e;
    e.at = UtcIso(now);
    e.actor = request.actor.empty() ? channel : request.actor;
    e.action = "card.insurance_registration";
    e.person_id = rec->person_id;
    e.detail = "card " + Id(rec->card_id) + " registered via " + channel + " (R-REG-1, R-REG-2)";
    store_.AppendAudit(e);
    *rec = updated;
  });
  const bool fresh = rec->insurance_registered_on == today && rec->registration_channel == channel;
  return RegistrationResult{rec->card_id, rec->person_id, *rec->insurance_registered_on,
                            rec->registration_channel, fresh};
}

std::string Registrar::InsurerName(const Qualification& q) {
  if (!q.insurer_name.empty()) return q.insurer_name;
  if (auto insurer = store_.GetInsurer(q.insurer_number)) return insurer->name;
  return q.insurer_number;
}

std::vector<InsurerRegistration> Registrar::Registrations(
    const std::vector<Qualification>& quals, const std::vector<store::SubmissionRecord>& forms,
    Date today) {
  std::vector<InsurerRegistration> out;
  // From the qualifications: a joining form creates the member at once
  // (state submitted) and `onshi populate` writes members without forms, so
  // these are the registrations. The due day is the joining form's, or the
  // insurer's lag after the member was submitted.
  for (const Qualification& q : quals) {
    if (q.lost && *q.lost <= today) continue;  // over
    std::optional<Date> due;
    for (const store::SubmissionRecord& r : forms) {
      if (r.member_id == q.member_id && Joins(r.form)) {
        due = r.due_on;
      }
    }
    if (!due) {
      const auto insurer = store_.GetInsurer(q.insurer_number);
      due = LinkDueOn(q.submitted_on, insurer ? insurer->link_lag_business_days : 0);
    }
    out.push_back({InsurerName(q), q.acquired, q.linkage, PortalStatusOf(q.linkage, *due, today),
                   q.Covers(today) && q.VisibleOn(today)});
  }
  // A joining form refused at receipt (R-LINK-4) made no member: the portal
  // shows it until a later registration by the same insurer replaces it.
  for (const store::SubmissionRecord& r : forms) {
    if (r.state != LinkageState::kRegistrationError || r.member_id != 0 ||
        (r.form != FormKind::kAcquisition && r.form != FormKind::kDependentAdd)) {
      continue;
    }
    const bool replaced = std::any_of(quals.begin(), quals.end(), [&](const Qualification& q) {
      return q.insurer_number == r.insurer_number && q.submitted_on >= r.received_on;
    });
    if (replaced) continue;
    const auto insurer = store_.GetInsurer(r.insurer_number);
    out.push_back({insurer ? insurer->name : r.insurer_number, r.event_date, r.state,
                   PortalStatusOf(r.state, r.due_on, today), false});
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const InsurerRegistration& a, const InsurerRegistration& b) { return a.since < b.since; });
  return out;
}

RegistrationOverview Registrar::Status(int64_t person_id, Date today) {
  RegistrationOverview out;
  out.person_id = person_id;
  std::optional<store::PersonRecord> person;
  std::vector<CardRecord> cards;
  std::vector<Qualification> quals;
  std::vector<store::SubmissionRecord> forms;
  store_.InReadSnapshot([&] {
    person = store_.GetPerson(person_id);
    if (!person) return;
    cards = store_.CardsOfPerson(person_id);
    quals = store_.QualificationsOfPerson(person_id);
    forms = store_.SubmissionsOfPerson(person_id);
  });
  if (!person) throw std::invalid_argument("person " + Id(person_id) + " is not in the registry");
  out.name = person->name;
  out.name_kana = person->name_kana;
  out.postcode = person->postcode;
  out.address = person->address;
  out.died_on = person->died_on;

  for (const CardRecord& c : cards) {
    CredentialStatus s;
    s.card_id = c.card_id;
    s.kind = c.kind;
    s.state = c.status;
    s.usability = EvaluateCardForInsurance(store::CardFactsOf(c, person->birth_date), today,
                                           IdentityCheck::kVisual);
    s.pin_locked = PinCounter::FromFailures(c.pin_failures).locked();
    s.face_only = c.face_only;
    s.registered_on = c.insurance_registered_on;
    s.channel = c.registration_channel;
    if (s.registered_on && RegistrationLapsed(c.cert_expires_on, today)) {
      s.registered_on.reset();
      s.registration_lapsed = true;
    }
    out.credentials.push_back(std::move(s));
  }
  std::stable_sort(out.credentials.begin(), out.credentials.end(),
                   [](const CredentialStatus& a, const CredentialStatus& b) {
                     return (a.state == CardState::kRevoked) < (b.state == CardState::kRevoked);
                   });
  for (const Qualification& q : quals) {
    if (q.Covers(today) && q.VisibleOn(today)) {
      out.has_current_insurer = true;
      out.insurer_name = q.insurer_name;
      if (out.insurer_name.empty()) {
        if (auto insurer = store_.GetInsurer(q.insurer_number)) out.insurer_name = insurer->name;
      }
      break;
    }
  }
  out.registrations = Registrations(quals, forms, today);
  for (const CredentialStatus& s : out.credentials) {
    if (s.registered_on && s.usability.usable()) out.usable_as_insurance_card = true;
  }
  out.usable_as_insurance_card = out.usable_as_insurance_card && out.has_current_insurer;
  return out;
}

std::string_view ChannelWords(std::string_view channel) {
  if (channel == "portal") return "マイナポータル";
  if (channel == "reader") return "医療機関・薬局のカードリーダー";
  if (channel == "window") return "市区町村窓口";
  if (channel == "atm") return "セブン銀行ATM";
  return "不明な経路";
}

std::string_view UsabilityWords(const CredentialStatus& s) {
  switch (s.usability.status) {
    case CardStatus::kUsable:
    case CardStatus::kPinLocked:
      return "利用可";
    case CardStatus::kExpiringSoon:
      return "利用可 (電子証明書の有効期限が3か月以内: 更新してください)";
    case CardStatus::kUsableInGrace:
      return "有効期限切れ (猶予期間中: 更新してください)";
    case CardStatus::kCertificateExpired:
      return "電子証明書の有効期限切れ";
    case CardStatus::kCardExpired:
      return "カードの有効期限切れ";
    case CardStatus::kSuspended:
      return "一時利用停止中";
    case CardStatus::kRevoked:
      return "廃止";
    case CardStatus::kNotYetIssued:
      return "未交付";
  }
  return "";
}

std::string FormatRegistrationStatus(const RegistrationOverview& o) {
  std::ostringstream out;
  out << "健康保険証利用登録 (マイナポータル)\n";
  // 基本4情報 as the registry holds them (a 転居 or 氏名変更 shows here once
  // the municipality has recorded it).
  out << "  氏名: " << o.name;
  if (!o.name_kana.empty()) out << " (" << o.name_kana << ")";
  out << "\n  住所: " << (o.postcode.empty() ? "" : "〒" + o.postcode + " ") << o.address << "\n";
  if (o.died_on) out << "  死亡: " << o.died_on->ToIso() << " (住民票)\n";
  if (o.credentials.empty()) out << "  マイナンバーカード: なし\n";
  for (const CredentialStatus& s : o.credentials) {
    out << "  "
        << (s.kind == CredentialKind::kCard
                ? (s.face_only ? "マイナンバーカード(顔認証)" : "マイナンバーカード")
                : "スマートフォン")
        << " #" << s.card_id << ": ";
    if (s.registered_on) {
      out << "登録済み (" << s.registered_on->ToIso() << ", " << ChannelWords(s.channel) << ")";
    } else if (s.registration_lapsed) {
      out << "登録取消 (電子証明書の更新後に再登録が必要)";
    } else {
      out << "未登録";
    }
    out << " / " << UsabilityWords(s);
    if (s.pin_locked && s.state != CardState::kRevoked) {
      out << " / 暗証番号ロック中 (市区町村窓口で初期化)";
    }
    out << "\n";
  }
  // The insurer in force, then every registration still on its way or
  // refused, in the words the portal API gives (core/portal_status.hpp):
  // during the normal lag that is 「データ連携中」, not "none".
  bool shown = false;
  if (o.has_current_insurer) {
    out << "  保険者: " << (o.insurer_name.empty() ? "登録あり" : o.insurer_name) << "\n";
    shown = true;
  }
  for (const InsurerRegistration& r : o.registrations) {
    if (r.in_force) continue;  // shown above
    out << "  保険者: " << r.status.label << " (" << r.insurer_name << ", " << r.since.ToIso()
        << " から): " << r.status.advice << "\n";
    shown = true;
  }
  if (!shown) {
    out << "  保険者: なし (加入先の保険者による登録がまだです: "
           "勤務先または保険者に確認してください)\n";
  }
  out << "  マイナ保険証: " << (o.usable_as_insurance_card ? "利用できます" : "利用できません")
      << "\n";
  return out.str();
}

}  // namespace onshi::municipal
