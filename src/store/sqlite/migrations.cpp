#include "store/sqlite/migrations.hpp"

namespace onshi::store::sqlite {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema", R"sql(
-- Resident registry stand-in (住民基本台帳). My Number only as a keyed HMAC
-- (lookup) and an AES-GCM sealed copy (the intermediate server's use).
CREATE TABLE persons (
  person_id        INTEGER PRIMARY KEY,
  my_number_key    BLOB NOT NULL UNIQUE,
  my_number_sealed BLOB NOT NULL,
  name             TEXT NOT NULL,
  name_kana        TEXT NOT NULL,
  birth_date       TEXT NOT NULL,
  sex              INTEGER NOT NULL CHECK (sex IN (1, 2, 3)),
  postcode         TEXT NOT NULL,
  address          TEXT NOT NULL
);

CREATE TABLE insurers (
  insurer_number              TEXT PRIMARY KEY,
  name                        TEXT NOT NULL,
  category                    TEXT NOT NULL,
  link_lag_business_days      INTEGER NOT NULL CHECK (link_lag_business_days >= 0),
  holders_may_get_certificate INTEGER NOT NULL,
  certificate_validity_years  INTEGER NOT NULL CHECK (certificate_validity_years BETWEEN 1 AND 5)
);

CREATE TABLE facilities (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL
);

-- 資格: one qualification period of one person with one insurer.
CREATE TABLE members (
  member_id             INTEGER PRIMARY KEY,
  person_id             INTEGER NOT NULL REFERENCES persons (person_id),
  insurer_number        TEXT NOT NULL REFERENCES insurers (insurer_number),
  symbol                TEXT NOT NULL,
  number                TEXT NOT NULL,
  branch                TEXT NOT NULL,
  personal_family       INTEGER NOT NULL CHECK (personal_family IN (1, 2)),
  card_classification   INTEGER NOT NULL,
  birth_date            TEXT NOT NULL,
  sex                   INTEGER NOT NULL,
  acquired              TEXT NOT NULL,
  lost                  TEXT,
  loss_reason           TEXT,
  copay_percent         INTEGER NOT NULL CHECK (copay_percent IN (0, 10, 20, 30)),
  elderly_certificate_date TEXT,
  elderly_valid_from    TEXT,
  elderly_valid_until   TEXT,
  elderly_copay_percent INTEGER,
  linkage               TEXT NOT NULL,
  submitted_on          TEXT NOT NULL,
  linked_on             TEXT,
  registration_error    TEXT NOT NULL DEFAULT '',
  UNIQUE (insurer_number, symbol, number, branch)
);
-- The eligibility hot path: insurer + 番号 + 生年月日 → person (covering).
CREATE INDEX members_by_card ON members (insurer_number, number, birth_date, person_id);
CREATE INDEX members_by_person ON members (person_id);

CREATE TABLE member_attributes (
  member_id      INTEGER NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  effective_from TEXT NOT NULL,
  name           TEXT NOT NULL,
  name_kana      TEXT NOT NULL,
  insured_name   TEXT NOT NULL,
  postcode       TEXT NOT NULL,
  address        TEXT NOT NULL,
  PRIMARY KEY (member_id, effective_from)
) WITHOUT ROWID;

CREATE TABLE member_limits (
  member_id        INTEGER NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  classification   INTEGER NOT NULL,
  category_flag    TEXT NOT NULL,
  certificate_date TEXT NOT NULL,
  valid_from       TEXT NOT NULL,
  valid_until      TEXT NOT NULL,
  long_term_date   TEXT
);
CREATE INDEX member_limits_by_member ON member_limits (member_id);

CREATE TABLE member_diseases (
  member_id        INTEGER NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  category         INTEGER NOT NULL CHECK (category IN (1, 2, 3)),
  certificate_date TEXT NOT NULL,
  valid_from       TEXT NOT NULL,
  valid_until      TEXT NOT NULL,
  self_pay_yen     INTEGER NOT NULL
);
CREATE INDEX member_diseases_by_member ON member_diseases (member_id);

-- My Number cards and smartphone credentials with their user-authentication
-- certificate; the certificate serial is how the service identifies a person.
CREATE TABLE cards (
  card_id                 INTEGER PRIMARY KEY,
  person_id               INTEGER NOT NULL REFERENCES persons (person_id),
  kind                    TEXT NOT NULL CHECK (kind IN ('card', 'smartphone')),
  application_date        TEXT NOT NULL,
  issued_on               TEXT NOT NULL,
  card_expires_on         TEXT NOT NULL,
  cert_serial             TEXT NOT NULL UNIQUE,
  cert_issued_on          TEXT NOT NULL,
  cert_expires_on         TEXT NOT NULL,
  status                  TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
  pin_failures            INTEGER NOT NULL CHECK (pin_failures BETWEEN 0 AND 3),
  face_only               INTEGER NOT NULL,
  insurance_registered_on TEXT,
  registration_channel    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cards_by_person ON cards (person_id);

CREATE TABLE documents (
  document_id INTEGER PRIMARY KEY,
  member_id   INTEGER NOT NULL REFERENCES members (member_id),
  kind        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  issued_on   TEXT NOT NULL,
  valid_until TEXT,
  returned_on TEXT
);
CREATE INDEX documents_by_member ON documents (member_id);

-- Append-only, hash-chained audit log. The triggers make UPDATE and DELETE
-- fail through the store; the hash chain catches edits made around it.
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  person_id INTEGER NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_by_person ON audit_log (person_id) WHERE person_id <> 0;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
      {2, "intermediate server queue", R"sql(
-- Forms received by the intermediate server (中間サーバー), R-LINK-1..4. No
-- My Number: the registry check at receipt turns it into person_id.
CREATE TABLE submissions (
  seq                INTEGER PRIMARY KEY,
  insurer_number     TEXT NOT NULL REFERENCES insurers (insurer_number),
  submission_id      TEXT NOT NULL,
  form               TEXT NOT NULL CHECK (form IN ('acquisition', 'dependent_add',
                       'dependent_remove', 'loss', 'change')),
  state              TEXT NOT NULL CHECK (state IN ('submitted', 'processing', 'linked',
                       'registration_error')),
  received_on        TEXT NOT NULL,
  due_on             TEXT NOT NULL,
  person_id          INTEGER NOT NULL,
  member_id          INTEGER NOT NULL,
  symbol             TEXT NOT NULL,
  number             TEXT NOT NULL,
  branch             TEXT NOT NULL,
  name               TEXT NOT NULL,
  name_kana          TEXT NOT NULL,
  birth_date         TEXT NOT NULL,
  sex                INTEGER NOT NULL,
  postcode           TEXT NOT NULL,
  address            TEXT NOT NULL,
  event_date         TEXT NOT NULL,
  loss_reason        TEXT,
  certificate_wanted INTEGER NOT NULL,
  copay_percent      INTEGER,
  error_fields       TEXT NOT NULL,
  error              TEXT NOT NULL,
  linked_on          TEXT,
  UNIQUE (insurer_number, submission_id)
);
-- The linker's queue: only waiting rows are indexed.
CREATE INDEX submissions_waiting ON submissions (due_on, seq)
  WHERE state IN ('submitted', 'processing');
CREATE INDEX submissions_errors ON submissions (insurer_number, seq)
  WHERE state = 'registration_error';
CREATE INDEX submissions_by_person ON submissions (person_id) WHERE person_id <> 0;
)sql"},
      {3, "follow-up document index", R"sql(
-- The daily follow-up documents (R-DOC-5, day 30-50 after joining) select
-- linked joiners by acquisition date.
CREATE INDEX submissions_joiners ON submissions (event_date, seq)
  WHERE state = 'linked' AND form IN ('acquisition', 'dependent_add');
)sql"},
      {4, "check constraints without IN lists", R"sql(
-- SQLite checks a CHECK (x IN (a, b, c)) of three or more values by building
-- a temporary B-tree on every INSERT, a twelfth of the cost of importing a
-- form. The same constraints as OR chains cost nothing extra. Only the
-- stored CREATE TABLE text changes (SQLite's documented way to change a
-- CHECK): the two forms accept exactly the same values, so no stored row
-- needs a second look. A text that does not match (a database whose table
-- was made otherwise) is left as it was, which is still correct.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (sex IN (1, 2, 3))',
  'CHECK (sex = 1 OR sex = 2 OR sex = 3)') WHERE type = 'table' AND name = 'persons';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (copay_percent IN (0, 10, 20, 30))',
  'CHECK (copay_percent = 0 OR copay_percent = 10 OR copay_percent = 20 OR copay_percent = 30)')
  WHERE type = 'table' AND name = 'members';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (category IN (1, 2, 3))',
  'CHECK (category = 1 OR category = 2 OR category = 3)')
  WHERE type = 'table' AND name = 'member_diseases';
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (status IN (''active'', ''suspended'', ''revoked''))',
  'CHECK (status = ''active'' OR status = ''suspended'' OR status = ''revoked'')')
  WHERE type = 'table' AND name = 'cards';
UPDATE sqlite_schema SET sql = replace(replace(sql,
  'CHECK (form IN (''acquisition'', ''dependent_add'',
                       ''dependent_remove'', ''loss'', ''change''))',
  'CHECK (form = ''acquisition'' OR form = ''dependent_add'' OR form = ''dependent_remove'' OR
    form = ''loss'' OR form = ''change'')'),
  'CHECK (state IN (''submitted'', ''processing'', ''linked'',
                       ''registration_error''))',
  'CHECK (state = ''submitted'' OR state = ''processing'' OR state = ''linked'' OR
    state = ''registration_error'')')
  WHERE type = 'table' AND name = 'submissions';
PRAGMA writable_schema = OFF;
)sql",
       true},
      {5, "residents' municipality, pinned card certificates, card readers", R"sql(
-- Issue 15. A municipal window acts only on its own residents: each person's
-- 地方公共団体コード ('' for rows from before this version: no window may act
-- on them until it is recorded).
ALTER TABLE persons ADD COLUMN municipality TEXT NOT NULL DEFAULT ''
  CHECK (municipality = '' OR length(municipality) = 6);
-- The hex SHA-256 of the DER certificate the card was issued with: a
-- certificate minted with a leaked CA key under the same serial is not it.
-- '' = issued before this version, not pinned (refused until pinned again).
ALTER TABLE cards ADD COLUMN cert_fingerprint TEXT NOT NULL DEFAULT ''
  CHECK (cert_fingerprint = '' OR length(cert_fingerprint) = 64);
-- The facilities' card readers: each proves face and 目視 checks with its
-- own P-256 key (RFC 7638 thumbprint = reader_id), registered to one
-- facility. A revoked reader keeps its row (the audit log names it).
CREATE TABLE card_readers (
  reader_id     TEXT PRIMARY KEY,
  facility_code TEXT NOT NULL REFERENCES facilities (code),
  name          TEXT NOT NULL,
  public_jwk    TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  revoked_at    TEXT
);
CREATE INDEX card_readers_by_facility ON card_readers (facility_code);
)sql"},
      {6, "benefits data, registry events", R"sql(
-- Issue 14. Migration 5 is another change's (persons.municipality); the
-- runner applies each version it has not recorded, so the gap is harmless.
--
-- The qualification's new facts (core/membership.hpp): 性別2, whether the
-- insurer filed the 一部負担金割合 (otherwise the law gives it day by day,
-- core/copay.hpp), and the card's or 資格確認書's 交付年月日 and 有効期限;
-- the 通称 and its reading with the other effective-dated attributes.
ALTER TABLE members ADD COLUMN sex2 INTEGER
  CHECK (sex2 IS NULL OR sex2 = 1 OR sex2 = 2 OR sex2 = 3);
ALTER TABLE members ADD COLUMN copay_filed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN card_issued_on TEXT;
ALTER TABLE members ADD COLUMN card_valid_until TEXT;
ALTER TABLE member_attributes ADD COLUMN name_of_other TEXT NOT NULL DEFAULT '';
ALTER TABLE member_attributes ADD COLUMN name_of_other_kana TEXT NOT NULL DEFAULT '';
-- Which stored ratios were filed. A member made by reception has its
-- joining form: filed when the form gave a ratio; otherwise the stored one
-- was reception's own guess, frozen at acquisition, and the law now decides.
UPDATE members SET copay_filed = 1 WHERE member_id IN (
  SELECT member_id FROM submissions
  WHERE copay_percent IS NOT NULL AND (form = 'acquisition' OR form = 'dependent_add'));
-- A member with no joining form was written by `onshi populate`, which gave
-- a 後期高齢者 a 2割 or 3割 ratio by income: a filing in all but name. (1割
-- is the law's own ratio there, and every other populated ratio was the
-- law's at the time.)
UPDATE members SET copay_filed = 1
  WHERE length(insurer_number) = 8 AND substr(insurer_number, 1, 2) = '39'
    AND copay_percent <> 10
    AND member_id NOT IN (SELECT member_id FROM submissions
                          WHERE form = 'acquisition' OR form = 'dependent_add');

-- The benefits data an insurer filed on a form (core/benefits.hpp), kept
-- with the form until it links (給付情報届) and for the record (joining
-- forms). One row per form that filed any.
CREATE TABLE submission_benefits (
  seq                      INTEGER PRIMARY KEY REFERENCES submissions (seq),
  card_classification      INTEGER,
  card_issued_on           TEXT,
  card_valid_until         TEXT,
  name_of_other            TEXT NOT NULL,
  name_of_other_kana       TEXT NOT NULL,
  sex2                     INTEGER,
  elderly_certificate_date TEXT,
  elderly_valid_from       TEXT,
  elderly_valid_until      TEXT,
  elderly_copay_percent    INTEGER,
  limit_classification     INTEGER,
  limit_category           TEXT,
  limit_certificate_date   TEXT,
  limit_valid_from         TEXT,
  limit_valid_until        TEXT,
  limit_long_term_date     TEXT,
  disease_category         INTEGER,
  disease_certificate_date TEXT,
  disease_valid_from       TEXT,
  disease_valid_until      TEXT,
  disease_self_pay         INTEGER
);

-- 住民異動 (core/registry_event.hpp): persons holds the registry as it is
-- now; each event keeps what it replaced, so the registry on any earlier
-- day can be read back (store/registry_history.hpp).
ALTER TABLE persons ADD COLUMN died_on TEXT;
CREATE TABLE registry_events (
  seq              INTEGER PRIMARY KEY,
  person_id        INTEGER NOT NULL REFERENCES persons (person_id),
  kind             TEXT NOT NULL CHECK (kind = 'moved' OR kind = 'renamed' OR
                     kind = 'moved_in' OR kind = 'died'),
  effective_on     TEXT NOT NULL,
  recorded_on      TEXT NOT NULL,
  municipality     TEXT NOT NULL,
  name_before      TEXT NOT NULL,
  name_kana_before TEXT NOT NULL,
  postcode_before  TEXT NOT NULL,
  address_before   TEXT NOT NULL
);
CREATE INDEX registry_events_by_person ON registry_events (person_id, effective_on);

-- The 給付情報届 (form 'benefits') joins the forms a submission may be.
-- SQLite changes a CHECK by its stored table text (as version 4 did): the
-- text version 4 wrote, or the original one where version 4 left it.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(sql,
  'form = ''change'')', 'form = ''change'' OR form = ''benefits'')'),
  '''loss'', ''change''))', '''loss'', ''change'', ''benefits''))')
  WHERE type = 'table' AND name = 'submissions';
PRAGMA writable_schema = OFF;
)sql",
       true},
      {7, "submission content digest", R"sql(
-- A 受付番号 received again is the same form only if its content is: the
-- keyed digest of the form as filed (My Number included, so HMAC under the
-- key file, never a plain hash) lets reception tell a harmless resend from a
-- different form filed under a used id. '' for forms received before.
ALTER TABLE submissions ADD COLUMN content_digest TEXT NOT NULL DEFAULT '';
)sql"},
      {8, "facilities that accept the smartphone", R"sql(
-- R-CARD-8: a smartphone with the My Number card function is accepted only
-- at facilities flagged as supporting it.
ALTER TABLE facilities ADD COLUMN smartphone_supported INTEGER NOT NULL DEFAULT 0
  CHECK (smartphone_supported = 0 OR smartphone_supported = 1);
)sql"},
      {9, "documents issued when the rules say", R"sql(
-- R-DOC-7: the insurer's own 資格確認書 form; postcard and electronic are
-- given on application only.
ALTER TABLE insurers ADD COLUMN certificate_form TEXT NOT NULL DEFAULT 'a4'
  CHECK (certificate_form = 'a4' OR certificate_form = 'plastic_card');

-- Each certificate's form; for a return request (返還のお願い, R-DOC-10,
-- R-OLD-4) the document asked back; the day it went to print and post
-- (NULL: still to be printed, what `onshi documents issue` takes).
ALTER TABLE documents ADD COLUMN form TEXT
  CHECK (form IS NULL OR form = 'a4' OR form = 'plastic_card' OR form = 'postcard' OR
    form = 'electronic');
ALTER TABLE documents ADD COLUMN subject_document_id INTEGER REFERENCES documents (document_id);
ALTER TABLE documents ADD COLUMN printed_on TEXT;
-- Documents recorded before this version were posted when they were issued.
UPDATE documents SET printed_on = issued_on;
CREATE INDEX documents_unprinted ON documents (document_id) WHERE printed_on IS NULL;
-- The old 健康保険証 every member who joined before 2024-12-02 was given
-- (R-OLD-1), so that its end (R-OLD-2, R-OLD-3) and return (R-OLD-4) are
-- planned from a record. No expiry is known: the 2025-12-01 cap applies.
INSERT INTO documents (member_id, kind, reason, issued_on, printed_on)
  SELECT member_id, 'legacy_card', 'R-OLD-1', acquired, acquired FROM members
  WHERE acquired < '2024-12-02';

-- What members asked the insurer for (R-DOC-1, R-DOC-5, R-DOC-7, R-OLD-3):
-- a 資格確認書 (the tick on the form, or later), after losing the card, a
-- lost notice or old card, a form. Only the e-mail address of an electronic
-- form is kept, for its delivery.
CREATE TABLE document_applications (
  application_id INTEGER PRIMARY KEY,
  member_id      INTEGER NOT NULL REFERENCES members (member_id),
  kind           TEXT NOT NULL CHECK (kind = 'certificate' OR kind = 'card_lost' OR
                   kind = 'notice_lost' OR kind = 'legacy_card_lost' OR kind = 'form'),
  applied_on     TEXT NOT NULL,
  form           TEXT CHECK (form IS NULL OR form = 'a4' OR form = 'plastic_card' OR
                   form = 'postcard' OR form = 'electronic'),
  email          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX document_applications_by_member ON document_applications (member_id);
-- The request ticks already received count from the acquisition date.
INSERT INTO document_applications (member_id, kind, applied_on)
  SELECT member_id, 'certificate', event_date FROM submissions
  WHERE certificate_wanted = 1 AND member_id <> 0 AND state <> 'registration_error'
    AND (form = 'acquisition' OR form = 'dependent_add');
-- The sweep over an insurer's members pages by member_id.
CREATE INDEX members_by_insurer ON members (insurer_number, member_id);
)sql"},
      {11, "照会番号 and bulk requests", R"sql(
-- Issue 16. Migration 10 is another change's; the runner applies each
-- version it has not recorded, so the gap is harmless.
--
-- 照会番号: a facility's own number for a patient (OQSsiimm / OQSmuimm),
-- returned in that facility's later results for the person. One number per
-- person and facility.
CREATE TABLE reference_numbers (
  facility_code    TEXT NOT NULL REFERENCES facilities (code),
  reference_number TEXT NOT NULL,
  insurer_number   TEXT NOT NULL,
  symbol           TEXT NOT NULL,
  number           TEXT NOT NULL,
  branch           TEXT NOT NULL,
  person_id        INTEGER NOT NULL REFERENCES persons (person_id),
  registered_at    TEXT NOT NULL,
  PRIMARY KEY (facility_code, reference_number)
);
CREATE UNIQUE INDEX reference_numbers_by_person ON reference_numbers (facility_code, person_id);

-- 一括照会 / 照会番号一括登録 as received (01req), until processed and after:
-- the facility fetches the result with the 受付番号 (02req). Kept in the
-- database so that a restart between submission and result loses nothing.
CREATE TABLE bulk_jobs (
  reception_number TEXT PRIMARY KEY,
  facility_code    TEXT NOT NULL REFERENCES facilities (code),
  kind             TEXT NOT NULL CHECK (kind = 'qualification' OR kind = 'reference_number'),
  done             INTEGER NOT NULL DEFAULT 0 CHECK (done = 0 OR done = 1),
  items            INTEGER NOT NULL,
  submitted_at     TEXT NOT NULL,
  request          TEXT NOT NULL,
  result           TEXT NOT NULL DEFAULT '',
  normal           INTEGER NOT NULL DEFAULT 0,
  errors           INTEGER NOT NULL DEFAULT 0,
  completed_at     TEXT
);
CREATE INDEX bulk_jobs_pending ON bulk_jobs (submitted_at) WHERE done = 0;
CREATE INDEX bulk_jobs_pending_by_facility ON bulk_jobs (facility_code) WHERE done = 0;
)sql"},
      {12, "change feed for the serving index", R"sql(
-- Issue 20: servers answer checks from memory (serving/eligibility_index)
-- and follow this feed to stay current. Every change to what a check reads
-- leaves the person's id here in the same transaction, whoever writes it
-- (SQLite has one writer at a time, so seq grows in commit order).
-- AUTOINCREMENT: a trimmed seq is never handed out again.
CREATE TABLE changes (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id INTEGER NOT NULL
);
-- How far the feed has been trimmed: a reader behind it rebuilds.
CREATE TABLE change_feed (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  trimmed_through INTEGER NOT NULL
);
INSERT INTO change_feed (id, trimmed_through) VALUES (1, 0);

CREATE TRIGGER members_changed_insert AFTER INSERT ON members
  BEGIN INSERT INTO changes (person_id) VALUES (NEW.person_id); END;
CREATE TRIGGER members_changed_update AFTER UPDATE ON members BEGIN
  INSERT INTO changes (person_id) VALUES (NEW.person_id);
  INSERT INTO changes (person_id) SELECT OLD.person_id WHERE OLD.person_id <> NEW.person_id;
END;
CREATE TRIGGER members_changed_delete AFTER DELETE ON members
  BEGIN INSERT INTO changes (person_id) VALUES (OLD.person_id); END;

CREATE TRIGGER member_attributes_changed_insert AFTER INSERT ON member_attributes BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members WHERE member_id = NEW.member_id;
END;
CREATE TRIGGER member_attributes_changed_update AFTER UPDATE ON member_attributes BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members
    WHERE member_id = NEW.member_id OR member_id = OLD.member_id;
END;
CREATE TRIGGER member_attributes_changed_delete AFTER DELETE ON member_attributes BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members WHERE member_id = OLD.member_id;
END;
CREATE TRIGGER member_limits_changed_insert AFTER INSERT ON member_limits BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members WHERE member_id = NEW.member_id;
END;
CREATE TRIGGER member_limits_changed_update AFTER UPDATE ON member_limits BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members
    WHERE member_id = NEW.member_id OR member_id = OLD.member_id;
END;
CREATE TRIGGER member_limits_changed_delete AFTER DELETE ON member_limits BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members WHERE member_id = OLD.member_id;
END;
CREATE TRIGGER member_diseases_changed_insert AFTER INSERT ON member_diseases BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members WHERE member_id = NEW.member_id;
END;
CREATE TRIGGER member_diseases_changed_update AFTER UPDATE ON member_diseases BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members
    WHERE member_id = NEW.member_id OR member_id = OLD.member_id;
END;
CREATE TRIGGER member_diseases_changed_delete AFTER DELETE ON member_diseases BEGIN
  INSERT INTO changes (person_id) SELECT person_id FROM members WHERE member_id = OLD.member_id;
END;
-- The insurer's name is in every answer about its members.
CREATE TRIGGER insurers_changed_insert AFTER INSERT ON insurers BEGIN
  INSERT INTO changes (person_id)
    SELECT DISTINCT person_id FROM members WHERE insurer_number = NEW.insurer_number;
END;
CREATE TRIGGER insurers_changed_update AFTER UPDATE OF name, insurer_number ON insurers
  WHEN OLD.name IS NOT NEW.name OR OLD.insurer_number IS NOT NEW.insurer_number BEGIN
  INSERT INTO changes (person_id) SELECT DISTINCT person_id FROM members
    WHERE insurer_number = NEW.insurer_number OR insurer_number = OLD.insurer_number;
END;
CREATE TRIGGER insurers_changed_delete AFTER DELETE ON insurers BEGIN
  INSERT INTO changes (person_id)
    SELECT DISTINCT person_id FROM members WHERE insurer_number = OLD.insurer_number;
END;
)sql"},
      {14, "clinical data, consents and masters", R"sql(
-- Issue 18: what facilities and insurers record about a patient's care, the
-- consents given at the reader that let a facility read it (R-FAC-4), and
-- the masters the codes are checked against. Surrogate person ids only.
CREATE TABLE consents (
  consent_id      INTEGER PRIMARY KEY,
  person_id       INTEGER NOT NULL REFERENCES persons (person_id),
  facility_code   TEXT NOT NULL REFERENCES facilities (code),
  kind            TEXT NOT NULL CHECK (kind = 'pharmacists' OR kind = 'diagnosis' OR
                    kind = 'operation' OR kind = 'checkups' OR kind = 'limit' OR
                    kind = 'specific_diseases'),
  flag            TEXT NOT NULL CHECK (flag = '0' OR flag = '1' OR flag = '2' OR flag = '3'),
  given_at        TEXT NOT NULL,
  available_until TEXT NOT NULL
);
CREATE INDEX consents_in_force ON consents (person_id, facility_code, kind, given_at);

CREATE TABLE visits (
  visit_id       INTEGER PRIMARY KEY,
  person_id      INTEGER NOT NULL REFERENCES persons (person_id),
  facility_code  TEXT NOT NULL REFERENCES facilities (code),
  visit_date     TEXT NOT NULL,
  setting        TEXT NOT NULL CHECK (setting = 'outpatient' OR setting = 'inpatient'),
  total_cost_yen INTEGER NOT NULL CHECK (total_cost_yen >= 0),
  paid_yen       INTEGER NOT NULL CHECK (paid_yen >= 0),
  recorded_at    TEXT NOT NULL
);
CREATE INDEX visits_by_person ON visits (person_id, facility_code, visit_date);

-- last_on (start + days - 1) is kept so "courses still running on or after
-- a day" is one index range.
CREATE TABLE visit_medicines (
  medicine_id   INTEGER PRIMARY KEY,
  visit_id      INTEGER NOT NULL REFERENCES visits (visit_id),
  person_id     INTEGER NOT NULL,
  facility_code TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind = 'prescribed' OR kind = 'dispensed'),
  yj_code       TEXT NOT NULL,
  quantity      TEXT NOT NULL,
  unit          TEXT NOT NULL,
  days          INTEGER NOT NULL CHECK (days >= 1),
  start_on      TEXT NOT NULL,
  last_on       TEXT NOT NULL
);
CREATE INDEX visit_medicines_by_person ON visit_medicines (person_id, last_on);

CREATE TABLE visit_procedures (
  procedure_id  INTEGER PRIMARY KEY,
  visit_id      INTEGER NOT NULL REFERENCES visits (visit_id),
  person_id     INTEGER NOT NULL,
  facility_code TEXT NOT NULL,
  code          TEXT NOT NULL,
  performed_on  TEXT NOT NULL,
  count         INTEGER NOT NULL CHECK (count >= 1)
);
CREATE INDEX visit_procedures_by_person ON visit_procedures (person_id, performed_on);

CREATE TABLE visit_diagnoses (
  diagnosis_id  INTEGER PRIMARY KEY,
  visit_id      INTEGER NOT NULL REFERENCES visits (visit_id),
  person_id     INTEGER NOT NULL,
  facility_code TEXT NOT NULL,
  code          TEXT NOT NULL,
  start_on      TEXT NOT NULL,
  suspected     INTEGER NOT NULL CHECK (suspected = 0 OR suspected = 1)
);
CREATE INDEX visit_diagnoses_by_person ON visit_diagnoses (person_id, start_on);

CREATE TABLE checkups (
  checkup_id     INTEGER PRIMARY KEY,
  person_id      INTEGER NOT NULL REFERENCES persons (person_id),
  insurer_number TEXT NOT NULL REFERENCES insurers (insurer_number),
  examined_on    TEXT NOT NULL,
  item_code      TEXT NOT NULL,
  value          TEXT NOT NULL,
  unit           TEXT NOT NULL
);
CREATE INDEX checkups_by_person ON checkups (person_id, examined_on);

CREATE TABLE claim_totals (
  claim_id       INTEGER PRIMARY KEY,
  person_id      INTEGER NOT NULL REFERENCES persons (person_id),
  insurer_number TEXT NOT NULL REFERENCES insurers (insurer_number),
  facility_code  TEXT NOT NULL,
  month          TEXT NOT NULL,
  setting        TEXT NOT NULL CHECK (setting = 'outpatient' OR setting = 'inpatient'),
  total_cost_yen INTEGER NOT NULL CHECK (total_cost_yen >= 0),
  self_pay_yen   INTEGER NOT NULL CHECK (self_pay_yen >= 0),
  UNIQUE (insurer_number, person_id, facility_code, month, setting)
);
CREATE INDEX claim_totals_by_person ON claim_totals (person_id, month);

CREATE TABLE drug_master (
  yj_code TEXT PRIMARY KEY,
  name    TEXT NOT NULL,
  unit    TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE procedure_master (
  code    TEXT PRIMARY KEY,
  name    TEXT NOT NULL,
  section TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE disease_master (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE interaction_master (
  ingredient_a TEXT NOT NULL,
  ingredient_b TEXT NOT NULL,
  severity     TEXT NOT NULL CHECK (severity = 'contraindicated' OR severity = 'caution'),
  message      TEXT NOT NULL,
  PRIMARY KEY (ingredient_a, ingredient_b)
) WITHOUT ROWID;
)sql"},
      {15, "residents by municipality and birth date", R"sql(
-- Issue 19: the municipal window finds a resident by name and birth date
-- (not an internal id): one probe for the window's residents born that day;
-- the name is compared with the core's keys (municipal/resident_search).
CREATE INDEX persons_by_municipality_birth ON persons (municipality, birth_date, name);
)sql"},
      {17, "照会番号 in the change feed", R"sql(
-- Issue 20: the serving index keeps, per person, whether any facility holds
-- a 照会番号 for them, so that a check reads the database for one only when
-- there is one. Registrations reach every server through the change feed.
-- (Version 16 is another change's; the runner applies each version it has
-- not recorded.)
CREATE INDEX reference_numbers_by_person_id ON reference_numbers (person_id);
CREATE TRIGGER reference_numbers_changed_insert AFTER INSERT ON reference_numbers
  BEGIN INSERT INTO changes (person_id) VALUES (NEW.person_id); END;
CREATE TRIGGER reference_numbers_changed_update AFTER UPDATE ON reference_numbers BEGIN
  INSERT INTO changes (person_id) VALUES (NEW.person_id);
  INSERT INTO changes (person_id) SELECT OLD.person_id WHERE OLD.person_id <> NEW.person_id;
END;
CREATE TRIGGER reference_numbers_changed_delete AFTER DELETE ON reference_numbers
  BEGIN INSERT INTO changes (person_id) VALUES (OLD.person_id); END;
)sql"},
      {18, "daily jobs", R"sql(
-- The day each daily job last ran to its end (store.hpp DailyJobDoneOn): the
-- linker's document sweep walks every member, once a day, not at every
-- start of a server.
CREATE TABLE daily_jobs (
  job     TEXT NOT NULL PRIMARY KEY,
  done_on TEXT NOT NULL
);
)sql"},
      {19, "write epoch", R"sql(
-- PostgreSQL's migration 19 adds a counter of writes for
-- Store::CommitsByOthers. SQLite needs none: PRAGMA data_version tells a
-- connection whether another one committed. Kept so that both backends
-- number their migrations alike.
SELECT 1;
)sql"},
      {20, "change feed written once a statement", R"sql(
-- PostgreSQL's migration 20 writes the change feed from statement triggers
-- with transition tables instead of row triggers. SQLite has no statement
-- triggers; its row triggers (migration 12) stay. Kept so that both
-- backends number their migrations alike.
SELECT 1;
)sql"},
  };
  return kMigrations;
}

}  // namespace onshi::store::sqlite
