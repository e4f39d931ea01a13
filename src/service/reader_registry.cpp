#include "service/reader_registry.hpp"

#include "core/medical_institution_code.hpp"
#include "service/clock.hpp"

namespace onshi::service {
namespace {

std::optional<Error> CheckName(std::string_view name) {
  if (name.empty()) return Error{"name", "a reader needs a name (e.g. 受付1)"};
  size_t chars = 0;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) return Error{"name", "no control characters"};
    chars += (c & 0xC0) != 0x80;
  }
  if (chars > 100) return Error{"name", "at most 100 characters"};
  return std::nullopt;
}

}  // namespace

Expected<store::ReaderRecord> RegisterReader(store::Store& store, const auth::Es256PublicKey& key,
                                             std::string_view facility, std::string_view name,
                                             std::time_t now, const std::string& actor) {
  auto code = MedicalInstitutionCode::Parse(facility);
  if (!code.ok()) return Error{"facility", code.error().message};
  if (auto bad = CheckName(name)) return *bad;
  store::ReaderRecord r{key.key_id(),      std::string(code->digits()),
                        std::string(name), key.jwk(),
                        UtcIsoTime(now),   std::nullopt};
  std::optional<Error> refused;
  store.InTransaction([&] {
    if (!store.GetFacility(r.facility_code)) {
      refused = Error{"facility", "facility " + r.facility_code + " is not registered"};
      return;
    }
    if (auto existing = store.GetReader(r.reader_id)) {
      refused = Error{"publicKey", "this key is registered already as reader " + r.reader_id +
                                       " of facility " + existing->facility_code};
      return;
    }
    store.AddReader(r);
    store.AppendAudit({0, r.registered_at, actor, "reader.add", 0,
                       "reader " + r.reader_id + " facility " + r.facility_code, "", ""});
  });
  if (refused) return *refused;
  return r;
}

Expected<store::ReaderRecord> RevokeReader(store::Store& store, std::string_view reader_id,
                                           std::time_t now, const std::string& actor) {
  std::optional<store::ReaderRecord> out;
  store.InTransaction([&] {
    if (!store.RevokeReader(reader_id, UtcIsoTime(now))) return;
    out = store.GetReader(reader_id);
    store.AppendAudit({0, UtcIsoTime(now), actor, "reader.revoke", 0,
                       "reader " + std::string(reader_id) + " facility " + out->facility_code +
                           " revoked since " + out->revoked_at.value_or(""),
                       "", ""});
  });
  if (!out) return Error{"reader", "no card reader " + std::string(reader_id)};
  return *out;
}

}  // namespace onshi::service
