#include "municipal/resident_registry.hpp"

#include "core/filed_text.hpp"
#include "core/japanese_text.hpp"

namespace onshi::municipal {
namespace {

Error Refuse(std::string field, std::string message) {
  return Error{std::move(field), std::move(message)};
}

bool SixDigits(std::string_view code) {
  return code.size() == 6 && AllDigits(code);
}

}  // namespace

Expected<RegistryEventResult> RecordRegistryEvent(store::Store& store,
                                                  const RegistryEventRequest& r, Date today,
                                                  const std::string& actor, const std::string& at) {
  const std::string kind(RegistryEventName(r.kind));
  const bool moves = r.kind == RegistryEventKind::kMoved || r.kind == RegistryEventKind::kMovedIn;
  const bool renames = r.kind == RegistryEventKind::kRenamed;

  // The fields each kind takes; anything else would be silently dropped.
  if (!moves && !TrimFiled(r.address).empty()) {
    return Refuse("address", "住所 is not part of a " + kind + " (a 転居 or 転入 changes it)");
  }
  if (!moves && !TrimFiled(r.postcode).empty()) {
    return Refuse("postcode", "郵便番号 is not part of a " + kind);
  }
  if (!renames && (!TrimFiled(r.name).empty() || !TrimFiled(r.name_kana).empty())) {
    return Refuse(TrimFiled(r.name).empty() ? "name_kana" : "name",
                  "氏名 is not part of a " + kind + " (a 氏名変更 changes it)");
  }
  if (!SixDigits(r.municipality)) {
    return Refuse("municipality",
                  "the 地方公共団体コード of the recording window must be 6 digits");
  }
  if (r.effective_on > today) return Refuse("date", "異動日 is after today");

  Expected<RegistryEventResult> out = Refuse("", "");
  store.InTransaction([&] {
    std::optional<store::PersonRecord> person = store.GetPerson(r.person_id);
    if (!person) {
      out =
          Refuse("person_id", "person " + std::to_string(r.person_id) + " is not in the registry");
      return;
    }
    if (person->died_on) {
      out = Refuse("person_id", "the registry records this person's death (" +
                                    person->died_on->ToIso() + "); nothing changes after it");
      return;
    }
    if (r.effective_on < person->birth_date) {
      out = Refuse("date", "異動日 is before the person's birth date");
      return;
    }
    const std::vector<store::RegistryEventRecord> earlier = store.RegistryEventsOf(r.person_id);
    if (!earlier.empty() && r.effective_on < earlier.back().effective_on) {
      out = Refuse("date", "a " + std::string(RegistryEventName(earlier.back().kind)) +
                               " effective " + earlier.back().effective_on.ToIso() +
                               " is recorded already; the registry takes events in the order "
                               "they happened");
      return;
    }

    store::RegistryEventRecord e;
    e.person_id = r.person_id;
    e.kind = r.kind;
    e.effective_on = r.effective_on;
    e.recorded_on = today;
    e.municipality = r.municipality;
    e.name_before = person->name;
    e.name_kana_before = person->name_kana;
    e.postcode_before = person->postcode;
    e.address_before = person->address;
    store::PersonRecord after = *person;

    if (moves) {
      const std::string address(TrimFiled(r.address));
      if (address.empty()) {
        out = Refuse("address", "a " + kind + " needs the new 住所");
        return;
      }
      if (CompareAddressKeys(address, person->address) == KeyComparison::kEqual) {
        out = Refuse("address", "the registry already holds this 住所");
        return;
      }
      after.address = address;
      if (const std::string_view code = TrimFiled(r.postcode); !code.empty()) {
        const std::optional<std::string> postcode = ParsePostcode(code);
        if (!postcode) {
          out = Refuse("postcode", "郵便番号 must be 7 digits (123-4567)");
          return;
        }
        after.postcode = *postcode;
      } else {
        after.postcode.clear();  // a new address; the old postcode is not its
      }
    } else if (renames) {
      const std::string name = TidyName(r.name);
      if (name.empty()) {
        out = Refuse("name", "a 氏名変更 needs the new 氏名");
        return;
      }
      after.name = name;
      if (const std::string_view kana = TrimFiled(r.name_kana); !kana.empty()) {
        const std::optional<std::string> k = ToFullWidthKatakana(kana);
        if (!k) {
          out = Refuse("name_kana", "氏名カナ must be katakana or hiragana");
          return;
        }
        after.name_kana = *k;
      }
      if (after.name == person->name && after.name_kana == person->name_kana) {
        out = Refuse("name", "the registry already holds this 氏名");
        return;
      }
    } else if (r.kind == RegistryEventKind::kDied) {
      after.died_on = r.effective_on;
    }

    // A 転入 makes the person a resident of the municipality that recorded
    // it: from now on only its window acts on them (issue 15's residency).
    if (r.kind == RegistryEventKind::kMovedIn) after.municipality = r.municipality;
    e.seq = store.AddRegistryEvent(e);
    store.UpdatePerson(after);
    store::AuditEntry a;
    a.at = at;
    a.actor = actor;
    a.action = "registry." + std::string(RegistryEventCode(r.kind));
    a.person_id = r.person_id;
    // The event, not its contents: names and addresses stay out of the log.
    a.detail = "effective=" + r.effective_on.ToIso() + " municipality=" + r.municipality;
    store.AppendAudit(a);
    out = RegistryEventResult{e, after};
  });
  return out;
}

}  // namespace onshi::municipal
