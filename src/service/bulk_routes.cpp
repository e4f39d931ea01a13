// The bulk API and 照会番号 registration of EligibilityService (issue 16;
// terminal-protocol.md §4.2, §6.4, §6.5). Bodies are the file protocol's
// XML as the terminal found it in Req (UTF-8 or Shift_JIS); answers are the
// matching res files, in the request's encoding (or its
// CharacterCodeIdentifier). Errors are OQS errors in the same envelope
// (SegmentOfResult 9), with the HTTP status of the code.
#include <openssl/rand.h>

#include <iostream>

#include "oqs/bulk.hpp"

#include "service/audit_text.hpp"
#include "service/eligibility_service.hpp"
#include "service/jst_timestamp.hpp"
#include "serving/eligibility_index.hpp"

namespace onshi::service {
namespace {

oqs::Charset AnswerCharset(const oqs::QualificationRequest& header) {
  if (header.character_code_identifier == "1") return oqs::Charset::kShiftJis;
  if (header.character_code_identifier == "0") return oqs::Charset::kUtf8;
  return header.charset;
}

std::string ContentType(oqs::Charset c) {
  // Issue 19: what oqs::Utf8ToCp932 writes is CP932 (髙, ① and the other
  // NEC/IBM extensions included), so the HTTP label says Windows-31J, its
  // IANA name; the XML declaration keeps encoding="Shift_JIS" as the OQS
  // interface specifies (an HTTP charset takes precedence for XML readers).
  return c == oqs::Charset::kShiftJis ? "application/xml;charset=Windows-31J"
                                      : "application/xml;charset=UTF-8";
}

// 受付番号: the JST time of acceptance and 6 random digits (20 digits; the
// real format is not public, clients compare it as a string).
std::string NewReceptionNumber(std::time_t now) {
  unsigned char r[4];
  if (RAND_bytes(r, sizeof(r)) != 1) throw std::runtime_error("no randomness");
  const uint32_t n =
      (uint32_t{r[0]} << 24 | uint32_t{r[1]} << 16 | uint32_t{r[2]} << 8 | r[3]) % 1000000u;
  std::string digits = std::to_string(n);
  return JstCompactTime(now) + std::string(6 - digits.size(), '0') + digits;
}

std::string Raw(const http::Request& r) {
  std::string h = r.Header("Authorization");
  if (h.size() > 7 && (h.starts_with("Bearer ") || h.starts_with("bearer "))) h = h.substr(7);
  return h;
}

}  // namespace

std::vector<std::string> EligibilityService::ReferenceNumbersFor(
    std::string_view facility, const EligibilityDecision& decision) {
  std::vector<std::string> out;
  for (const Qualification* q : decision.results) {
    // The serving index knows who holds a 照会番号 at all (most do not):
    // only for them is the database read.
    if (index_ && !index_->HasReferenceNumbers(q->person_id)) {
      out.emplace_back();
      continue;
    }
    const auto ref = stores_.Read(
        [&](store::Store& s) { return s.ReferenceNumberOfPerson(facility, q->person_id); });
    out.push_back(ref ? ref->reference_number : "");
  }
  return out;
}

http::Response EligibilityService::BulkSubmit(const http::Request& request, std::time_t now) {
  const oqs::Timestamp processed = JstTimestamp(now);
  // Which message it is: 一括照会 repeats QualificationConfirmSearchInfo,
  // 照会番号一括登録 ReferenceNumberRegistrationInfo.
  const bool registration = request.body.find(oqs::kRegistrationGroup) != std::string::npos &&
                            request.body.find(oqs::kSearchInfoGroup) == std::string::npos;
  const oqs::ParsedBulk parsed = oqs::ParseBulkXml(
      request.body, registration ? oqs::kRegistrationGroup : oqs::kSearchInfoGroup);
  const oqs::Charset charset = AnswerCharset(parsed.header);
  std::string actor = "facility:unauthenticated";
  auto refuse = [&](const oqs::OqsError& e) {
    Audit(now, actor, "bulk.submit", 0, "error=" + std::string(e.Id()));
    return Signed(e.HttpStatus(), ContentType(charset),
                  oqs::WriteBulkError(parsed.header, std::nullopt, e, processed, charset));
  };
  const auth::TokenVerification token = tokens_.Verify(Raw(request), now);
  if (!token.ok()) {
    return refuse(
        oqs::MakeOqsError(oqs::ErrorCode::kUnauthenticated, "Authorization", token.detail));
  }
  const std::string facility(token.claims->subject.digits());
  actor = "facility:" + facility;
  if (!bulk_) {
    return refuse(oqs::MakeOqsError(oqs::ErrorCode::kServerBusy, "",
                                    "this server does not run the bulk API"));
  }
  if (!parsed.ok()) return refuse(*parsed.error);
  if (auto e = oqs::ValidateBulkHeader(parsed.header)) return refuse(*e);
  if (*parsed.header.medical_institution_code != facility) {
    return refuse(oqs::MakeOqsError(oqs::ErrorCode::kFacilityMismatch,
                                    "MessageHeader/MedicalInstitutionCode",
                                    "the token was issued to another facility"));
  }
  if (!registration) {
    // The day the batch is checked against (tomorrow's appointments): the
    // same header rule as a single check.
    const auto& date = parsed.header.qualification_confirmation_date;
    if (!date || date->empty()) {
      return refuse(oqs::MakeOqsError(oqs::ErrorCode::kConfirmationDateMissing,
                                      "MessageHeader/QualificationConfirmationDate",
                                      "element is missing or empty"));
    }
    if (!Date::ParseCompact(*date)) {
      return refuse(oqs::MakeOqsError(oqs::ErrorCode::kConfirmationDateInvalid,
                                      "MessageHeader/QualificationConfirmationDate",
                                      "\"" + date->substr(0, 40) + "\" is not a valid date"));
    }
  }
  if (parsed.items.empty()) {
    return refuse(oqs::MakeOqsError(
        oqs::ErrorCode::kBulkEmpty, "MessageBody",
        std::string("no ") + (registration ? oqs::kRegistrationGroup : oqs::kSearchInfoGroup)));
  }
  if (static_cast<int>(parsed.items.size()) > bulk_limits_.max_items) {
    return refuse(oqs::MakeOqsError(oqs::ErrorCode::kBulkTooLarge, "MessageBody",
                                    std::to_string(parsed.items.size()) + " persons; at most " +
                                        std::to_string(bulk_limits_.max_items) + " per request"));
  }
  store::Store& store = stores_.ForThisThread();
  if (store.PendingBulkJobsOf(facility) >= bulk_limits_.max_pending_per_facility) {
    return refuse(oqs::MakeOqsError(oqs::ErrorCode::kBulkBacklog, "",
                                    std::to_string(bulk_limits_.max_pending_per_facility) +
                                        " requests of this facility are still being processed"));
  }
  store::BulkJobRecord job;
  job.facility_code = facility;
  job.kind = registration ? store::BulkKind::kReferenceNumber : store::BulkKind::kQualification;
  job.items = static_cast<int>(parsed.items.size());
  job.submitted_at = UtcIsoTime(now);
  job.request = parsed.utf8;
  for (int attempt = 0;; ++attempt) {
    job.reception_number = NewReceptionNumber(now);
    try {
      store.AddBulkJob(job);
      break;
    } catch (const store::StoreUnavailable&) {
      throw;
    } catch (const store::StoreError&) {
      if (attempt == 3) throw;  // four random collisions: something else is wrong
    }
  }
  bulk_->Notify();
  Audit(now, actor, "bulk.submit", 0,
        "reception=" + job.reception_number +
            " kind=" + (registration ? "reference_number" : "qualification") +
            " items=" + std::to_string(job.items));
  return Signed(200, ContentType(charset),
                oqs::WriteBulkAccepted(parsed.header, job.reception_number, processed, charset));
}

http::Response EligibilityService::BulkResult(const http::Request& request, std::time_t now) {
  const oqs::Timestamp processed = JstTimestamp(now);
  const oqs::ParsedBulk parsed = oqs::ParseBulkXml(request.body, "");
  const oqs::Charset charset = AnswerCharset(parsed.header);
  std::string actor = "facility:unauthenticated";
  auto refuse = [&](const oqs::OqsError& e) {
    Audit(now, actor, "bulk.result", 0, "error=" + std::string(e.Id()));
    return Signed(
        e.HttpStatus(), ContentType(charset),
        oqs::WriteBulkError(parsed.header, parsed.reception_number, e, processed, charset));
  };
  const auth::TokenVerification token = tokens_.Verify(Raw(request), now);
  if (!token.ok()) {
    return refuse(
        oqs::MakeOqsError(oqs::ErrorCode::kUnauthenticated, "Authorization", token.detail));
  }
  const std::string facility(token.claims->subject.digits());
  actor = "facility:" + facility;
  if (!parsed.ok()) return refuse(*parsed.error);
  if (auto e = oqs::ValidateBulkHeader(parsed.header)) return refuse(*e);
  if (*parsed.header.medical_institution_code != facility) {
    return refuse(oqs::MakeOqsError(oqs::ErrorCode::kFacilityMismatch,
                                    "MessageHeader/MedicalInstitutionCode",
                                    "the token was issued to another facility"));
  }
  if (!parsed.reception_number || parsed.reception_number->empty()) {
    return refuse(oqs::MakeOqsError(oqs::ErrorCode::kReceptionNumberMissing, "MessageBody",
                                    "ReceptionNumber is missing or empty"));
  }
  const auto job = stores_.ForThisThread().GetBulkJob(*parsed.reception_number);
  // Another facility's number is answered as unknown: its existence is not
  // this facility's business.
  if (!job || job->facility_code != facility) {
    return refuse(oqs::MakeOqsError(oqs::ErrorCode::kReceptionNumberUnknown,
                                    "MessageBody/ReceptionNumber",
                                    "\"" + parsed.reception_number->substr(0, 40) + "\""));
  }
  const oqs::ParsedBulk submitted = oqs::ParseBulkXml(job->request, "");
  oqs::BulkResultHeader h{&parsed.header, &submitted.header, job->reception_number};
  if (!job->done) {
    Audit(now, actor, "bulk.result", 0, "reception=" + job->reception_number + " processing");
    return Signed(200, ContentType(charset), oqs::WriteBulkProcessing(h, processed, charset));
  }
  Audit(now, actor, "bulk.result", 0,
        "reception=" + job->reception_number + " normal=" + std::to_string(job->normal) +
            " errors=" + std::to_string(job->errors));
  return Signed(
      200, ContentType(charset),
      oqs::WriteBulkResult(h, {job->result, job->normal, job->errors}, processed, charset));
}

http::Response EligibilityService::RegisterReferenceNumber(const http::Request& request,
                                                           std::time_t now) {
  const oqs::Timestamp processed = JstTimestamp(now);
  const oqs::ParsedBulk parsed = oqs::ParseBulkXml(request.body, oqs::kRegistrationGroup);
  const oqs::Charset charset = AnswerCharset(parsed.header);
  std::string actor = "facility:unauthenticated";
  auto refuse = [&](const oqs::OqsError& e) {
    Audit(now, actor, "reference_number.register", 0, "error=" + std::string(e.Id()));
    return Signed(e.HttpStatus(), ContentType(charset),
                  oqs::WriteBulkError(parsed.header, std::nullopt, e, processed, charset));
  };
  const auth::TokenVerification token = tokens_.Verify(Raw(request), now);
  if (!token.ok()) {
    return refuse(
        oqs::MakeOqsError(oqs::ErrorCode::kUnauthenticated, "Authorization", token.detail));
  }
  const std::string facility(token.claims->subject.digits());
  actor = "facility:" + facility;
  if (!parsed.ok()) return refuse(*parsed.error);
  if (auto e = oqs::ValidateBulkHeader(parsed.header)) return refuse(*e);
  if (*parsed.header.medical_institution_code != facility) {
    return refuse(oqs::MakeOqsError(oqs::ErrorCode::kFacilityMismatch,
                                    "MessageHeader/MedicalInstitutionCode",
                                    "the token was issued to another facility"));
  }
  if (parsed.items.size() != 1) {
    return refuse(oqs::MakeOqsError(
        parsed.items.empty() ? oqs::ErrorCode::kMissingGroup : oqs::ErrorCode::kDuplicateElement,
        std::string("MessageBody/") + oqs::kRegistrationGroup,
        "a single registration holds exactly one (use OQSmuimm for several)"));
  }
  std::optional<oqs::OqsError> error;
  store::Store& store = stores_.ForThisThread();
  store.InTransaction([&] {
    error =
        RegisterReferenceNumberItem(store, facility, parsed.items.front(), now, audit_, "single");
  });
  return Signed(200, ContentType(charset),
                oqs::WriteRegistrationResult(parsed.items.front(), error, processed, charset));
}

}  // namespace onshi::service
