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

RegistrationOverview Registrar::Status(int64_t person_id, Date today) {
  RegistrationOverview out;
  out.person_id = person_id;
  std::optional<store::PersonRecord> person;
  std::vector<CardRecord> cards;
  std::vector<Qualification> quals;
  store_.InReadSnapshot([&] {
    person = store_.GetPerson(person_id);
    if (!person) return;
    cards = store_.CardsOfPerson(person_id);
    quals = store_.QualificationsOfPerson(person_id);
  });
  if (!person) throw std::invalid_argument("person " + Id(person_id) + " is not in the registry");

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
  for (const CredentialStatus& s : out.credentials) {
    if (s.registered_on && s.usability.usable()) out.usable_as_insurance_card = true;
  }
  out.usable_as_insurance_card = out.usable_as_insurance_card && out.has_current_insurer;
  return out;
}

namespace {

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

}  // namespace

std::string FormatRegistrationStatus(const RegistrationOverview& o) {
  std::ostringstream out;
  out << "健康保険証利用登録 (マイナポータル)\n";
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
  out << "  保険者: ";
  if (o.has_current_insurer) {
    out << (o.insurer_name.empty() ? "登録あり" : o.insurer_name) << "\n";
  } else {
    out << "なし (加入先の保険者による登録がまだです: 勤務先または保険者に確認してください)\n";
  }
  out << "  マイナ保険証: " << (o.usable_as_insurance_card ? "利用できます" : "利用できません")
      << "\n";
  return out.str();
}

}  // namespace onshi::municipal
