// Store: the repository interface every backend implements.
//
// One interface, two implementations: SQLite (store/sqlite, one file, the
// default) and PostgreSQL (store/postgres, a server several processes share);
// tests/store runs one parameterised suite against each. Methods throw
// StoreError on I/O or constraint failures; nothing is half-written because
// every multi-row write runs in a transaction (InTransaction nests by joining
// the outer one).
//
// Privacy: the store receives My Number only in AddPerson and
// FindPersonByMyNumber. It keeps a keyed HMAC for lookup and a sealed
// (encrypted) copy for the resident-registry stand-in; eligibility tables
// (members, cards, audit) hold surrogate ids only.
#ifndef ONSHI_STORE_STORE_HPP_
#define ONSHI_STORE_STORE_HPP_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/eligibility.hpp"
#include "core/membership.hpp"
#include "core/my_number.hpp"
#include "store/clinical_store.hpp"
#include "store/records.hpp"

namespace onshi::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The database as a whole cannot take the request now, whatever the request:
// the disk is full, another process holds the write lock past the busy
// timeout, an I/O error, a lost or refused connection, a read-only standby.
// The transaction was rolled back; the same request can succeed later, so
// callers stop (an import) or answer 503 (the server) instead of blaming the
// input.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies pending schema migrations; safe to call on every start.
  virtual void Migrate() = 0;
  virtual int SchemaVersion() = 0;
  // True when the database accepts reads only: a PostgreSQL hot standby
  // (streaming replica). Asks the server, so it also notices a promotion.
  virtual bool IsReplica() { return false; }
  // Runs `fn` in one transaction: all of its writes land, or none do.
  virtual void InTransaction(const std::function<void()>& fn) = 0;
  // Runs `fn`, which only reads, against one consistent snapshot. Cheaper
  // than a transaction per statement, and never blocks writers.
  virtual void InReadSnapshot(const std::function<void()>& fn) = 0;
  // A number that changes whenever another connection commits to the
  // database; this connection's own commits leave it as it is (SQLite's
  // PRAGMA data_version). PostgreSQL counts other connections' writes to the
  // rows an import reads ahead (members and their children, submissions and
  // their benefits: write_epoch, migration 19), from its first call on.
  // nullopt when the backend cannot tell.
  virtual std::optional<int64_t> CommitsByOthers() { return std::nullopt; }

  // --- resident registry stand-in -----------------------------------------
  virtual int64_t AddPerson(const PersonRecord& person, const MyNumber& my_number) = 0;
  virtual std::optional<PersonRecord> GetPerson(int64_t person_id) = 0;
  virtual std::optional<PersonRecord> FindPersonByMyNumber(const MyNumber& my_number) = 0;
  // Issue 19 (the municipal window's search): the persons registered in
  // `municipality` born on `birth_date`, by person_id, at most `limit`. One
  // probe of the index persons_by_municipality_birth (migration 15). The
  // name is matched by the caller (municipal/resident_search.hpp) with the
  // core's comparison keys (異体字, kana spellings), which SQL cannot express.
  virtual std::vector<PersonRecord> PersonsBornOn(std::string_view municipality, Date birth_date,
                                                  int limit) = 0;
  // The sealed My Number, opened: only the intermediate server may call this.
  virtual std::optional<MyNumber> RevealMyNumber(int64_t person_id) = 0;
  // Writes what a 住民異動 changes: name, name_kana, postcode, address and
  // died_on (the birth date, sex and My Number never change here). Throws
  // StoreError for an unknown person.
  virtual void UpdatePerson(const PersonRecord& person) = 0;
  // Stores a 住民異動 (filling nothing in `event`); returns its seq.
  virtual int64_t AddRegistryEvent(const RegistryEventRecord& event) = 0;
  // A person's 住民異動, by effective date, then in order of recording.
  virtual std::vector<RegistryEventRecord> RegistryEventsOf(int64_t person_id) = 0;

  // --- insurers and facilities ------------------------------------------------
  virtual void PutInsurer(const InsurerRecord& insurer) = 0;
  virtual std::optional<InsurerRecord> GetInsurer(std::string_view insurer_number) = 0;
  virtual std::vector<InsurerRecord> ListInsurers() = 0;
  virtual void PutFacility(const FacilityRecord& facility) = 0;
  virtual std::optional<FacilityRecord> GetFacility(std::string_view code) = 0;

  // --- membership (資格) --------------------------------------------------------
  // Stores a qualification with its attributes and certificates; returns its
  // member_id. The 記号・番号・枝番 must be unique within an insurer.
  virtual int64_t AddQualification(const Qualification& q) = 0;
  // Replaces everything stored for q.member_id.
  virtual void UpdateQualification(const Qualification& q) = 0;
  virtual std::optional<Qualification> GetQualification(int64_t member_id) = 0;
  // Qualifications under an insurer + 番号 for a birth date, any symbol/branch.
  virtual std::vector<Qualification> FindByCardKeys(std::string_view insurer_number,
                                                    std::string_view number, Date birth_date) = 0;
  // The persons holding a qualification under those keys (the hot path of
  // an eligibility check: one covering-index probe).
  virtual std::vector<int64_t> FindPersonsByCardKeys(std::string_view insurer_number,
                                                     std::string_view number, Date birth_date) = 0;
  virtual std::vector<Qualification> QualificationsOfPerson(int64_t person_id) = 0;
  // An insurer's members in member_id order after `after_member_id`, those
  // still members or lost on or after `lost_since` (the document sweep).
  virtual std::vector<Qualification> MembersOfInsurer(std::string_view insurer_number,
                                                      Date lost_since, int64_t after_member_id,
                                                      int limit) = 0;
  // Every qualification of every person holding one under these keys, by
  // person then acquisition, from one snapshot: what an eligibility check
  // reads. The default composes the two calls above in InReadSnapshot; a
  // backend whose every statement is a network round trip does it in one.
  virtual std::vector<Qualification> QualificationsForCardKeys(std::string_view insurer_number,
                                                               std::string_view number,
                                                               Date birth_date);

  // Every qualification of the persons with after_person_id < person_id <=
  // through_person_id, by person, then acquisition, then member_id, with
  // their children in the order LoadForCardQuery gives (attributes by
  // effective date; certificates by first day, then as stored): what the
  // serving index (serving/eligibility_index.hpp) is built and refreshed
  // from, a range of persons at a time.
  virtual std::vector<Qualification> QualificationsOfPersons(int64_t after_person_id,
                                                             int64_t through_person_id) = 0;
  // The persons with after_person_id < person_id <= through_person_id who
  // hold a 照会番号 at any facility, ascending, each once: the serving index
  // keeps one bit a person from this, so that a check of a person without
  // one reads no database for it (EligibilityService::ReferenceNumbersFor).
  // reference_numbers writes to the change feed (migration 17).
  virtual std::vector<int64_t> PersonsWithReferenceNumbers(int64_t after_person_id,
                                                           int64_t through_person_id) = 0;
  // The highest person_id ever stored (0 when none): where a range scan of
  // every person stops.
  virtual int64_t LastPersonId() = 0;

  // The day a daily job last ran to its end on this database, if it ever
  // did. The linker's document sweep (intermediate/linker.hpp) walks every
  // member of every insurer; recorded here, a restarted server, or a second
  // server on the same PostgreSQL, does not walk them again the same day.
  virtual std::optional<Date> DailyJobDoneOn(std::string_view job) = 0;
  virtual void SetDailyJobDone(std::string_view job, Date on) = 0;

  // The member under exactly these keys (記号・番号・枝番 are unique within an
  // insurer), if any.
  virtual std::optional<int64_t> FindMemberId(std::string_view insurer_number,
                                              std::string_view symbol, std::string_view number,
                                              std::string_view branch) = 0;
  // Every qualification under an insurer's 記号・番号 (the insured person and
  // the dependents), ordered by 枝番.
  virtual std::vector<Qualification> FindByInsuredNumber(std::string_view insurer_number,
                                                         std::string_view symbol,
                                                         std::string_view number) = 0;
  // --- reads for many keys at once (the importer's read-ahead) ---------------
  // Each answers, in the order of its argument, what the one-key read
  // answers for each element (a key given twice is answered twice). The
  // defaults ask key by key, which in-process SQLite does as fast; PostgreSQL
  // asks once for all (a round trip each, instead of one a key).
  //   FindPersonsByMyNumbers  FindPersonByMyNumber of each
  //   GetSubmissions          GetSubmission(insurer_number, id) of each
  //   FindByInsuredNumbers    FindByInsuredNumber(insurer_number, 記号, 番号) of each
  //   QualificationsOfEach    QualificationsOfPerson of each
  //   CardsOfEach (below)     CardsOfPerson of each
  virtual std::vector<std::optional<PersonRecord>> FindPersonsByMyNumbers(
      const std::vector<MyNumber>& my_numbers);
  virtual std::vector<std::optional<SubmissionRecord>> GetSubmissions(
      std::string_view insurer_number, const std::vector<std::string>& submission_ids);
  virtual std::vector<std::vector<Qualification>> FindByInsuredNumbers(
      std::string_view insurer_number, const std::vector<InsuredNumber>& keys);
  virtual std::vector<std::vector<Qualification>> QualificationsOfEach(
      const std::vector<int64_t>& person_ids);

  // Stores `qs` in order, as AddQualification one by one would, filling each
  // member_id (reception's batch, intermediate/reception_batch.hpp). The
  // default calls AddQualification; SQLite writes members and attributes
  // with one multi-row INSERT per table and chunk.
  virtual void AddQualifications(std::vector<Qualification>& qs);
  // True when a qualification with this id is stored: what the linker needs
  // of a new member it links, without reading the member whole.
  virtual bool HasQualification(int64_t member_id) = 0;
  // Sets only the linkage columns of a qualification (the linker's write).
  virtual void SetLinkage(int64_t member_id, LinkageState state, std::optional<Date> linked_on,
                          std::string_view registration_error) = 0;
  // The same for many qualifications at once (the linker's claim and link
  // of a batch's new members). Throws StoreError, and the caller's
  // transaction must be rolled back, when one of them is not stored.
  virtual void SetLinkages(const std::vector<int64_t>& member_ids, LinkageState state,
                           std::optional<Date> linked_on, std::string_view registration_error) = 0;
  // Those of `member_ids` with no qualification stored, in the order given.
  virtual std::vector<int64_t> MissingQualifications(const std::vector<int64_t>& member_ids) = 0;

  // --- change feed (変更フィード) -------------------------------------------------
  // Every committed change to what an eligibility check reads (members and
  // their attributes and certificates, an insurer's name) leaves a row
  // naming the person concerned, written by triggers in the same transaction
  // as the change, whoever made it (this process, another onshi on the same
  // SQLite file, another server on PostgreSQL, the sqlite3 shell). Sequence
  // numbers grow in commit order: SQLite has one writer at a time, and on
  // PostgreSQL the trigger takes the writers' advisory lock. Readers (the
  // serving index) keep the last seq they applied and read on from it.
  //
  // The highest seq committed (0 when none); read inside the snapshot a
  // reader builds from, it is where that reader follows on.
  virtual int64_t ChangeFeedHead() = 0;
  // Changes after `after_seq` in seq order, at most `limit` of them.
  virtual ChangePage ReadChanges(int64_t after_seq, int limit) = 0;
  // Deletes the changes up to `through_seq` (keeping the feed bounded) and
  // records that they are gone: a reader behind that point must rebuild.
  virtual void TrimChanges(int64_t through_seq) = 0;

  // --- intermediate server queue (中間サーバー) ---------------------------------
  // Stores `s` (filling s.seq) unless the insurer already has a submission
  // with the same submission_id; returns false then and changes nothing.
  // (Reception compares the two forms' content_digest first: the same form
  // again is harmless, a different one under the same id is a conflict.)
  virtual bool AddSubmission(SubmissionRecord& s) = 0;
  // Stores `subs` in order, filling each seq, as AddSubmission one by one
  // would; false when an id is already used (then the caller's transaction
  // must be rolled back: some of the others may be written). The default
  // calls AddSubmission; SQLite writes one multi-row INSERT per chunk.
  virtual bool AddSubmissions(std::vector<SubmissionRecord>& subs);
  virtual std::optional<SubmissionRecord> GetSubmission(std::string_view insurer_number,
                                                        std::string_view submission_id) = 0;
  // The state of submission `seq` now (nullopt: no such submission), read
  // on its own: what the linker re-reads inside the transaction that acts
  // on a form it listed.
  virtual std::optional<LinkageState> SubmissionState(int64_t seq) = 0;
  // SubmissionState of each of `seqs`, in the order given, in one read.
  virtual std::vector<std::optional<LinkageState>> SubmissionStates(
      const std::vector<int64_t>& seqs) = 0;
  // Sets state and linked_on of the submissions `seqs` (the linker's claim
  // and link of a batch, the rest of each row as it is). Throws StoreError,
  // and the caller's transaction must be rolled back, when one is not stored.
  virtual void SetSubmissionStates(const std::vector<int64_t>& seqs, LinkageState state,
                                   std::optional<Date> linked_on) = 0;
  // Writes state, person_id, member_id, error_fields, error and linked_on.
  virtual void UpdateSubmission(const SubmissionRecord& s) = 0;
  // Submissions waiting (submitted or processing) with due_on <= day, in
  // order of due date then receipt.
  virtual std::vector<SubmissionRecord> DueSubmissions(Date day, int limit) = 0;
  virtual std::vector<SubmissionRecord> ListSubmissions(const SubmissionFilter& filter) = 0;
  virtual std::vector<SubmissionRecord> SubmissionsOfPerson(int64_t person_id) = 0;
  // Linked joining forms (acquisition, dependent_add) received on or after
  // `since`, in order of receipt after `after_seq`: the follow-up document job.
  virtual std::vector<SubmissionRecord> LinkedJoinersSince(Date since, int64_t after_seq,
                                                           int limit) = 0;

  // --- cards and insurance-use registration ----------------------------------
  virtual int64_t AddCard(const CardRecord& card) = 0;
  virtual void UpdateCard(const CardRecord& card) = 0;
  virtual std::optional<CardRecord> GetCard(int64_t card_id) = 0;
  virtual std::optional<CardRecord> FindCardByCertSerial(std::string_view serial) = 0;
  virtual std::vector<CardRecord> CardsOfPerson(int64_t person_id) = 0;
  // CardsOfPerson of each of `person_ids`, in their order (reads for many
  // keys, above: reception's new members).
  virtual std::vector<std::vector<CardRecord>> CardsOfEach(const std::vector<int64_t>& person_ids);

  // --- facilities' card readers ------------------------------------------------
  // Throws StoreError for a reader id already registered (to any facility) or
  // an unknown facility.
  virtual void AddReader(const ReaderRecord& reader) = 0;
  virtual std::optional<ReaderRecord> GetReader(std::string_view reader_id) = 0;
  virtual std::vector<ReaderRecord> ReadersOfFacility(std::string_view facility_code) = 0;
  // Marks the reader revoked at `at` (ISO time). False for an unknown id; a
  // reader revoked before keeps its first time (true).
  virtual bool RevokeReader(std::string_view reader_id, std::string_view at) = 0;

  // --- documents --------------------------------------------------------------
  virtual int64_t AddDocument(const DocumentRecord& doc) = 0;
  // Stores `docs` in order, as AddDocument one by one would, filling each
  // document_id (reception's batch: the notices and ticked 資格確認書 of a
  // batch's new members). The default calls AddDocument; SQLite writes one
  // multi-row INSERT per chunk.
  virtual void AddDocuments(std::vector<DocumentRecord>& docs);
  virtual std::vector<DocumentRecord> DocumentsOfMember(int64_t member_id) = 0;
  virtual std::optional<DocumentRecord> GetDocument(int64_t document_id) = 0;
  // An insurer's documents in document order after `after_id`: all of them
  // (the issuance register) or only those not yet printed (the print run).
  virtual std::vector<DocumentRecord> DocumentsOfInsurer(std::string_view insurer_number,
                                                         bool unprinted_only, int64_t after_id,
                                                         int limit) = 0;
  // Record the print run and the return of a document; StoreError if there
  // is no such document.
  virtual void MarkDocumentPrinted(int64_t document_id, Date on) = 0;
  virtual void MarkDocumentReturned(int64_t document_id, Date on) = 0;
  virtual int64_t AddDocumentApplication(const DocumentApplicationRecord& application) = 0;
  virtual std::vector<DocumentApplicationRecord> DocumentApplicationsOfMember(
      int64_t member_id) = 0;
  // MemberDocumentRows of each of `members`, in their order: what the daily
  // sweep reads for a page of members. The default reads member by member;
  // PostgreSQL reads the page in three queries (a round trip each, instead
  // of three a member).
  virtual std::vector<MemberDocumentRows> DocumentRowsOf(const std::vector<Qualification>& members);

  // --- audit log (append-only, hash-chained) ---------------------------------
  // Appends an entry; seq, prev_hash and hash are filled in by the store.
  virtual AuditEntry AppendAudit(const AuditEntry& entry) = 0;
  // Appends `entries` in order, as AppendAudit one by one would, filling
  // each one's seq, prev_hash and hash (the linker's batch). The default
  // calls AppendAudit; PostgreSQL writes one multi-row INSERT a chunk.
  virtual void AppendAudits(std::vector<AuditEntry>& entries);
  virtual std::vector<AuditEntry> ReadAudit(int64_t after_seq, int limit) = 0;
  virtual std::vector<AuditEntry> AuditOfPerson(int64_t person_id) = 0;

  // --- 照会番号 and bulk requests (issue 16) ----------------------------------
  // Registers r (facility + number → keys and person), replacing the same
  // number's earlier keys and the person's earlier number at that facility.
  // StoreError for an unknown facility or person.
  virtual void PutReferenceNumber(const ReferenceNumberRecord& r) = 0;
  virtual std::optional<ReferenceNumberRecord> ReferenceNumberOfPerson(
      std::string_view facility_code, int64_t person_id) = 0;
  // StoreError for a reception number already used or an unknown facility.
  virtual void AddBulkJob(const BulkJobRecord& job) = 0;
  virtual std::optional<BulkJobRecord> GetBulkJob(std::string_view reception_number) = 0;
  // Jobs not yet done, oldest first (without their results).
  virtual std::vector<BulkJobRecord> PendingBulkJobs(int limit) = 0;
  virtual int PendingBulkJobsOf(std::string_view facility_code) = 0;
  // Stores the result of a pending job; false when it was done already (by
  // another server sharing the database) or does not exist.
  virtual bool CompleteBulkJob(const BulkJobRecord& job) = 0;

  virtual StoreCounts Counts() = 0;

  // --- clinical data (issue 18) -------------------------------------------------
  // Visits, medicines, procedures, diagnoses, checkups, claim totals, the
  // consents given at readers and the masters: a sub-store on this store's
  // connection whose writes join this store's transactions.
  virtual ClinicalStore& Clinical() = 0;

  // HMAC-SHA256 (hex) of `text` under the key file's My Number key, for
  // texts that hold a My Number and must be compared but never recovered
  // (a form's digest): equal texts give equal digests, and without the key
  // file the digest cannot be tested against guessed numbers.
  virtual std::string KeyedDigest(std::string_view text) = 0;
};

// Opens a store from a location: a file path or "sqlite:PATH" for SQLite;
// "postgresql://…" or "postgres://…" for PostgreSQL, a libpq URI passed to
// PQconnectdb as it is (user, password, host, port, database, sslmode and
// other parameters are libpq's to read). `key_file`
// holds the secrets for the My Number HMAC and sealing; it is created with
// fresh random keys (mode 0600) if it does not exist. Runs Migrate() unless
// `migrate` is false: a streaming replica cannot be migrated (it follows its
// primary's schema), so read-only connections skip it.
std::unique_ptr<Store> OpenStore(const std::string& location, const std::string& key_file,
                                 bool migrate = true);

// The default key file for a SQLite location: "<path>.keys" next to the
// file. A PostgreSQL location has none (its key file is the caller's to
// place; never the working directory): throws StoreError.
std::string DefaultKeyFile(const std::string& location);

// True for "postgresql://…" and "postgres://…" locations.
bool IsPostgresLocation(std::string_view location);

// Whether a database is already there: the SQLite file exists, or the
// PostgreSQL database holds onshi's schema (its schema_migrations table).
// Creates nothing. Throws StoreUnavailable when PostgreSQL does not answer.
bool DatabaseExists(const std::string& location);

// Everything DecideByInsuranceCard needs: the qualifications matching the
// keys plus every other qualification of each matched person, read from one
// snapshot.
std::vector<Qualification> LoadForCardQuery(Store& store, const InsuranceCardQuery& query);

// Verifies the audit chain from the first entry; returns the seq of the
// first entry whose hash or link does not match, or nullopt if intact.
std::optional<int64_t> VerifyAuditChain(Store& store);

// The hash the store puts on an entry: hex SHA-256 over the previous hash and
// the entry's fields, each length-prefixed so no two entries collide.
std::string AuditEntryHash(const AuditEntry& entry);

}  // namespace onshi::store

#endif  // ONSHI_STORE_STORE_HPP_
