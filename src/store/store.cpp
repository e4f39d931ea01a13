#include "store/store.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <utility>

#include "core/hex.hpp"

#include "store/my_number_vault.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace onshi::store {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";

std::string SqlitePath(const std::string& location) {
  if (location.rfind(kSqlitePrefix, 0) == 0) return location.substr(kSqlitePrefix.size());
  return location;
}

}  // namespace

bool IsPostgresLocation(std::string_view location) {
  return location.substr(0, 13) == "postgresql://" || location.substr(0, 11) == "postgres://";
}

std::string_view CardStateName(CardState s) {
  switch (s) {
    case CardState::kActive:
      return "active";
    case CardState::kSuspended:
      return "suspended";
    case CardState::kRevoked:
      return "revoked";
  }
  return "active";
}

std::optional<CardState> ParseCardStateName(std::string_view name) {
  if (name == "active") return CardState::kActive;
  if (name == "suspended") return CardState::kSuspended;
  if (name == "revoked") return CardState::kRevoked;
  return std::nullopt;
}

namespace {

constexpr std::pair<DocumentKind, std::string_view> kDocumentKindNames[] = {
    {DocumentKind::kQualificationNotice, "notice"},
    {DocumentKind::kCertificate, "certificate"},
    {DocumentKind::kShortTermCertificate, "short_term_certificate"},
    {DocumentKind::kLegacyCard, "legacy_card"},
    {DocumentKind::kRenewalNotice, "renewal_notice"},
    {DocumentKind::kReturnRequest, "return_request"},
};

constexpr std::pair<ApplicationKind, std::string_view> kApplicationKindNames[] = {
    {ApplicationKind::kCertificate, "certificate"},
    {ApplicationKind::kCardLost, "card_lost"},
    {ApplicationKind::kNoticeLost, "notice_lost"},
    {ApplicationKind::kLegacyCardLost, "legacy_card_lost"},
    {ApplicationKind::kForm, "form"},
};

}  // namespace

std::string_view DocumentKindName(DocumentKind k) {
  for (const auto& [kind, name] : kDocumentKindNames) {
    if (kind == k) return name;
  }
  return "notice";
}

std::optional<DocumentKind> ParseDocumentKindName(std::string_view name) {
  for (const auto& [kind, n] : kDocumentKindNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

std::string_view ApplicationKindName(ApplicationKind k) {
  for (const auto& [kind, name] : kApplicationKindNames) {
    if (kind == k) return name;
  }
  return "certificate";
}

std::optional<ApplicationKind> ParseApplicationKindName(std::string_view name) {
  for (const auto& [kind, n] : kApplicationKindNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

std::string DefaultKeyFile(const std::string& location) {
  if (IsPostgresLocation(location)) {
    throw StoreError("a PostgreSQL database has no default key file; give one explicitly");
  }
  return SqlitePath(location) + ".keys";
}

bool DatabaseExists(const std::string& location) {
  if (IsPostgresLocation(location)) return postgres::HasSchema(location);
  struct stat st;
  return ::stat(SqlitePath(location).c_str(), &st) == 0;
}

std::unique_ptr<Store> OpenStore(const std::string& location, const std::string& key_file,
                                 bool migrate) {
  if (IsPostgresLocation(location)) {
    // The location is a libpq URI and goes to PQconnectdb as it is.
    return postgres::OpenPgStore(location, MyNumberVault::FromKeyFile(key_file), migrate);
  }
  const std::string path = SqlitePath(location);
  if (path.empty()) throw StoreError("empty database path");
  return sqlite::OpenSqliteStore(path, MyNumberVault::FromKeyFile(key_file), migrate);
}

void Store::AddQualifications(std::vector<Qualification>& qs) {
  InTransaction([&] {
    for (Qualification& q : qs)
      q.member_id = AddQualification(q);
  });
}

void Store::AddDocuments(std::vector<DocumentRecord>& docs) {
  InTransaction([&] {
    for (DocumentRecord& d : docs)
      d.document_id = AddDocument(d);
  });
}

std::vector<MemberDocumentRows> Store::DocumentRowsOf(const std::vector<Qualification>& members) {
  std::vector<MemberDocumentRows> out;
  out.reserve(members.size());
  for (const Qualification& q : members) {
    MemberDocumentRows& r = out.emplace_back();
    r.cards = CardsOfPerson(q.person_id);
    r.applications = DocumentApplicationsOfMember(q.member_id);
    r.documents = DocumentsOfMember(q.member_id);
  }
  return out;
}

std::vector<std::optional<PersonRecord>> Store::FindPersonsByMyNumbers(
    const std::vector<MyNumber>& my_numbers) {
  std::vector<std::optional<PersonRecord>> out;
  out.reserve(my_numbers.size());
  for (const MyNumber& n : my_numbers)
    out.push_back(FindPersonByMyNumber(n));
  return out;
}

std::vector<std::optional<SubmissionRecord>> Store::GetSubmissions(
    std::string_view insurer_number, const std::vector<std::string>& submission_ids) {
  std::vector<std::optional<SubmissionRecord>> out;
  out.reserve(submission_ids.size());
  for (const std::string& id : submission_ids)
    out.push_back(GetSubmission(insurer_number, id));
  return out;
}

std::vector<std::vector<Qualification>> Store::FindByInsuredNumbers(
    std::string_view insurer_number, const std::vector<InsuredNumber>& keys) {
  std::vector<std::vector<Qualification>> out;
  out.reserve(keys.size());
  for (const InsuredNumber& k : keys)
    out.push_back(FindByInsuredNumber(insurer_number, k.symbol, k.number));
  return out;
}

std::vector<std::vector<Qualification>> Store::QualificationsOfEach(
    const std::vector<int64_t>& person_ids) {
  std::vector<std::vector<Qualification>> out;
  out.reserve(person_ids.size());
  for (int64_t id : person_ids)
    out.push_back(QualificationsOfPerson(id));
  return out;
}

std::vector<std::vector<CardRecord>> Store::CardsOfEach(const std::vector<int64_t>& person_ids) {
  std::vector<std::vector<CardRecord>> out;
  out.reserve(person_ids.size());
  for (int64_t id : person_ids)
    out.push_back(CardsOfPerson(id));
  return out;
}

void Store::AppendAudits(std::vector<AuditEntry>& entries) {
  InTransaction([&] {
    for (AuditEntry& e : entries)
      e = AppendAudit(e);
  });
}

bool Store::AddSubmissions(std::vector<SubmissionRecord>& subs) {
  bool all = true;
  InTransaction([&] {
    for (SubmissionRecord& r : subs)
      all = AddSubmission(r) && all;
  });
  return all;
}

std::vector<Qualification> Store::QualificationsForCardKeys(std::string_view insurer_number,
                                                            std::string_view number,
                                                            Date birth_date) {
  std::vector<Qualification> out;
  InReadSnapshot([&] {
    for (int64_t p : FindPersonsByCardKeys(insurer_number, number, birth_date)) {
      for (Qualification& q : QualificationsOfPerson(p))
        out.push_back(std::move(q));
    }
  });
  return out;
}

std::vector<Qualification> LoadForCardQuery(Store& store, const InsuranceCardQuery& query) {
  // Every qualification of every person matching the keys: the decision
  // needs a newer qualification under other keys (another insurer) to tell
  // 無効 from 無効（新しい資格あり）.
  return store.QualificationsForCardKeys(query.insurer_number, query.number, query.birth_date);
}

std::string AuditEntryHash(const AuditEntry& e) {
  std::string buf;
  auto add = [&buf](std::string_view field) {
    buf += std::to_string(field.size());
    buf += ':';
    buf += field;
  };
  add(e.prev_hash);
  add(std::to_string(e.seq));
  add(e.at);
  add(e.actor);
  add(e.action);
  add(std::to_string(e.person_id));
  add(e.detail);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // Fetched once: EVP_sha256() would look the provider's implementation up
  // on every entry, and every eligibility check writes one.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!kSha256 || EVP_Digest(buf.data(), buf.size(), md, &len, kSha256, nullptr) != 1) {
    throw StoreError("SHA-256 failed");
  }
  return ToHex(md, len);
}

std::optional<int64_t> VerifyAuditChain(Store& store) {
  std::string prev;
  int64_t expected_seq = 1;
  for (;;) {
    std::vector<AuditEntry> page = store.ReadAudit(expected_seq - 1, 1000);
    if (page.empty()) return std::nullopt;
    for (const AuditEntry& e : page) {
      // A deleted row shows as a gap; an edited one as a hash mismatch; a
      // re-linked one as a prev_hash that is not the previous row's hash.
      if (e.seq != expected_seq || e.prev_hash != prev || AuditEntryHash(e) != e.hash) {
        return expected_seq;
      }
      prev = e.hash;
      ++expected_seq;
    }
  }
}

}  // namespace onshi::store
