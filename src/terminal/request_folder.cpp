#include "terminal/request_folder.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include "oqs/bulk.hpp"
#include "oqs/error.hpp"
#include "oqs/request.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"
#include "terminal/clinical_request.hpp"
#include "terminal/file_names.hpp"
#include "terminal/outage_answer.hpp"
#include "terminal/reconcile.hpp"
#include "terminal/zip_container.hpp"

namespace onshi::terminal {
namespace {

namespace fs = std::filesystem;

bool DeclaresShiftJis(std::string_view xml) {
  const std::string_view head = xml.substr(0, std::min<size_t>(xml.size(), 200));
  for (std::string_view name : {"shift_jis", "Shift_JIS", "SHIFT_JIS", "shift-jis", "Shift-JIS",
                                "sjis", "SJIS", "windows-31j", "Windows-31J", "cp932", "CP932"}) {
    if (head.find(name) != std::string_view::npos) return true;
  }
  return false;
}

oqs::Timestamp TimestampOf(const std::string& c) {
  oqs::Timestamp ts;
  ts.date = *Date::ParseCompact(c.substr(0, 8));
  ts.hour = std::stoi(c.substr(8, 2));
  ts.minute = std::stoi(c.substr(10, 2));
  ts.second = std::stoi(c.substr(12, 2));
  return ts;
}

// Caches a confirmed answer (SegmentOfResult 1) for its card keys.
void Remember(OutageStore* outage, const oqs::QualificationRequest& request,
              const std::string& answer, std::time_t now) {
  if (outage == nullptr) return;
  const auto valid = oqs::ValidateRequest(request);
  if (!valid.ok()) return;
  const AnswerSummary s = Summarize(answer);
  // Only a confirmed qualification (有効) is what a revisit may be answered
  // with (R-FAC-7: "the qualification confirmed at the last visit").
  if (!s.parsed || s.segment != "1" || s.validity != "1") return;
  outage->PutConfirmed(outage->KeyOf(valid->query), Reencode(answer, oqs::Charset::kUtf8), now);
}

std::optional<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::string Reencode(std::string xml, oqs::Charset to) {
  const bool is_sjis = DeclaresShiftJis(xml);
  if (is_sjis == (to == oqs::Charset::kShiftJis)) return xml;
  std::string text = is_sjis ? oqs::Cp932ToUtf8(xml).value_or(xml) : xml;
  const size_t decl_end = text.find("?>");
  const std::string body = decl_end == std::string::npos ? text : text.substr(decl_end + 2);
  std::string out = to == oqs::Charset::kShiftJis
                        ? R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>)"
                        : R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)";
  out += body;
  const std::string cci = "<CharacterCodeIdentifier>";
  if (const size_t at = out.find(cci); at != std::string::npos) {
    out[at + cci.size()] = to == oqs::Charset::kShiftJis ? '1' : '0';
  }
  return to == oqs::Charset::kShiftJis ? oqs::Utf8ToCp932(out) : out;
}

RequestFolder::RequestFolder(FolderOptions options, CentralClient& central, Publisher& publisher)
    : options_(std::move(options)), central_(central), publisher_(publisher) {}

PollReport RequestFolder::Poll(std::time_t now) {
  PollReport report;
  std::vector<fs::path> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.req_dir, ec)) {
    if (entry.is_regular_file(ec)) names.push_back(entry.path());
  }
  std::sort(names.begin(), names.end());  // oldest-named first: clients number them
  for (const fs::path& path : names) {
    const std::string name = path.filename().string();
    const auto kind = ClassifyRequest(name);
    if (!kind) continue;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;  // taken away meanwhile
    const auto raw = ReadAll(path.string());
    if (!raw) continue;
    const bool settled = now - st.st_mtime >= options_.settle_seconds;
    // A .zip request (encrypted mode, §4.3): its XML, decrypted. An archive
    // that does not open may still be being written.
    std::optional<std::string> bytes = raw;
    std::string unzip_problem;
    if (kind->zipped) {
      auto xml = UnzipXml(*raw, name.substr(0, 14), options_.crypt ? options_.crypt->password : "");
      if (xml.ok()) {
        bytes = std::move(xml).value();
      } else {
        unzip_problem = xml.error().message;
      }
    }
    const oqs::Charset request_charset =
        DeclaresShiftJis(*bytes) ? oqs::Charset::kShiftJis : oqs::Charset::kUtf8;
    const oqs::Charset out = options_.output.value_or(request_charset);

    auto fail = [&](const std::string& why) {
      // The error pair: .err first, then the request-named copy (§4.1).
      const std::string text = why + "\n";
      auto err = publisher_.Publish(options_.res_dir, name.substr(0, name.size() - 4) + ".err",
                                    out == oqs::Charset::kShiftJis ? oqs::Utf8ToCp932(text) : text);
      auto copy = publisher_.Publish(options_.res_dir, name, *raw);
      if (!err.ok() || !copy.ok()) {
        report.last_problem = (!err.ok() ? err.error() : copy.error()).ToString();
      }
      ::unlink(path.c_str());
      ++report.broken;
    };

    if (!unzip_problem.empty()) {
      if (!settled) {
        ++report.waiting;
        continue;
      }
      fail("ONS-E0102 要求ファイル(.zip)を開けません。暗号化のパスワードか形式が違います (" +
           unzip_problem + ")");
      continue;
    }
    // `bytes_out` as `file_name` in Res; publish() below is the XML case.
    auto publish_file = [&](const std::string& file_name, std::string bytes_out) {
      // Encrypted mode: the answer travels as <name>.zip holding <name>.xml.
      auto file = InContainer(file_name, std::move(bytes_out),
                              options_.crypt ? &options_.crypt->files : nullptr,
                              options_.crypt ? options_.crypt->password : "", now);
      if (!file.ok()) {
        ++report.waiting;
        report.last_problem = file.error().ToString();
        return false;
      }
      auto published = publisher_.Publish(options_.res_dir, file->name, file->bytes);
      if (!published.ok() && published.error().field != "exists") {
        ++report.waiting;
        report.last_problem = published.error().ToString();
        return false;
      }
      // Answered now, or answered before a crash between publishing and
      // removing: either way the request is done and its answer stands.
      ::unlink(path.c_str());
      return true;
    };
    auto publish = [&](const std::string& answer) {
      return publish_file(kind->result_name, Reencode(answer, out));
    };
    if (kind->kind == RequestKind::kDrugOrCheckupInfo) {
      // 薬剤情報 / 特定健診: the central service checks the consent and
      // answers in the result file (clinical_request.hpp).
      if (!IsWholeXmlMsg(*bytes)) {
        if (!settled) {
          ++report.waiting;
          continue;
        }
        const oqs::OqsError e = oqs::MakeOqsError(oqs::ErrorCode::kNotXml, "XmlMsg",
                                                  "the request is not an XmlMsg document");
        fail(std::string(e.Id()) + " " + e.Message());
        continue;
      }
      auto answer = central_.PostXml(ClinicalRouteOf(name), *bytes, now);
      if (!answer.ok()) {
        ++report.waiting;
        report.last_problem = answer.error().ToString();
        continue;
      }
      if (answer->status == 200 && IsPdfAnswer(answer->content_type)) {
        // FileCategory 1: the PDF as it came, under the `.pdf` name.
        if (publish_file(PdfResultName(kind->result_name), answer->body)) ++report.answered;
        continue;
      }
      if (answer->status != 200 || answer->content_type.find("xml") == std::string::npos) {
        ++report.waiting;
        report.last_problem = "the central service answered " + std::to_string(answer->status) +
                              " " + answer->content_type;
        continue;
      }
      if (publish(answer->body)) ++report.answered;
      continue;
    }
    if (kind->kind != RequestKind::kQualification) {
      // 照会番号 and bulk requests: the service checks their content; a file
      // that is not an XmlMsg at all is still being written, or broken (the
      // error pair, as for a 資格確認).
      const oqs::ParsedBulk read = oqs::ParseBulkXml(*bytes, "");
      if (!read.ok()) {
        if (!settled) {
          ++report.waiting;
          continue;
        }
        fail(std::string(read.error->Id()) + " " + read.error->Message());
        continue;
      }
      const bool second =
          name.find("02req_") != std::string::npos || name.find("02REQ_") != std::string::npos;
      const char* route = kind->kind == RequestKind::kReferenceNumber ? kReferenceNumberPath
                          : second                                    ? kBulkResultPath
                                                                      : kBulkSubmitPath;
      auto answer = central_.PostXml(route, *bytes, now);
      if (!answer.ok()) {
        ++report.waiting;  // bulk and registration wait for the central service
        report.last_problem = answer.error().ToString();
        continue;
      }
      if (answer->content_type.find("xml") == std::string::npos) {
        ++report.waiting;  // not an answer in the protocol (a proxy, a 503 problem)
        report.last_problem = "the central service answered " + std::to_string(answer->status) +
                              " " + answer->content_type;
        continue;
      }
      if (publish(answer->body)) {
        ++report.answered;
        // A finished 一括照会 (e.g. tomorrow's appointments checked the
        // evening before) fills the outage cache for those patients.
        if (second && kind->kind == RequestKind::kBulkQualification) {
          for (const UnitAnswer& unit : SplitBulkResult(answer->body)) {
            Remember(options_.outage, unit.request, unit.xml, now);
          }
        }
      }
      continue;
    }
    const oqs::ParsedRequest parsed = oqs::ParseRequestXml(*bytes);
    if (!parsed.ok()) {
      if (!settled) {  // perhaps still being written in place
        ++report.waiting;
        continue;
      }
      fail(std::string(parsed.error->Id()) + " " + parsed.error->Message());
      continue;
    }
    auto answer = central_.SearchXml(*bytes, now);
    if (answer.ok()) {
      if (publish(answer->body)) {
        ++report.answered;
        Remember(options_.outage, parsed.request, answer->body, now);
      }
      continue;
    }
    report.last_problem = answer.error().ToString();
    if (options_.outage == nullptr || now - st.st_mtime < options_.outage_after_seconds) {
      ++report.waiting;
      continue;
    }
    // R-FAC-7: the central service is down and the patient is at the desk.
    const auto valid = oqs::ValidateRequest(parsed.request);
    if (!valid.ok()) {
      // The answer the service would give, without it.
      if (publish(oqs::WriteErrorResponse(parsed.request, valid.error(), TimestampOf(JstStamp(now)),
                                          {oqs::WireFormat::kXml, oqs::Charset::kUtf8}))) {
        ++report.answered;
      }
      continue;
    }
    QueuedVisit visit;
    visit.recorded_at = now;
    visit.visit_date = valid->confirmation_date.ToCompact();
    visit.institution = std::string(valid->institution.digits());
    visit.insurer_number = parsed.request.insurer_number.value_or("");
    visit.symbol = parsed.request.insured_card_symbol.value_or("");
    visit.number = parsed.request.insured_identification_number.value_or("");
    visit.branch = parsed.request.insured_branch_number.value_or("");
    visit.birthdate = parsed.request.birthdate.value_or("");
    visit.source = name;
    const auto cached = options_.outage->GetConfirmed(options_.outage->KeyOf(valid->query), now);
    std::string local;
    if (cached) {
      const AnswerSummary was = Summarize(cached->xml);
      visit.kind = VisitKind::kCached;
      visit.cached_validity = was.validity;
      visit.cached_name = was.name;
      visit.cached_insurer = was.insurer_number;
      visit.cached_confirmed_at = JstStamp(cached->confirmed_at);
      local = AnswerFromCache(*cached, parsed.request, now);
    } else {
      visit.kind = VisitKind::kRequest;
      local = OutageRefusal(parsed.request, now);
    }
    options_.outage->Enqueue(visit);
    if (publish(local)) ++(cached ? report.from_cache : report.refused);
  }
  if (options_.outage != nullptr) {
    if (now - last_purge_ >= 3600) {
      options_.outage->Purge(now);
      last_purge_ = now;
    }
    if (now - last_reconcile_ >= options_.reconcile_every_seconds) {
      last_reconcile_ = now;
      ReconcileQueue(now, report);
    }
  }
  return report;
}

void RequestFolder::ReconcileQueue(std::time_t now, PollReport& report) {
  std::vector<Reconciled> done;
  for (const QueuedVisit& v : options_.outage->Pending(200)) {
    AnswerSummary summary;
    if (v.source != "unreadable") {
      auto answer = central_.SearchXml(CheckRequestFor(v), now);
      if (!answer.ok()) break;  // still down: the rest waits for the next round
      summary = Summarize(answer->body);
      if (summary.parsed && summary.segment == "1") {
        // A confirmed answer again: the cache is fresh for the next outage.
        Remember(options_.outage, oqs::ParseRequestXml(CheckRequestFor(v)).request, answer->body,
                 now);
      }
    }
    done.push_back(Reconcile(v, summary));
    options_.outage->MarkReconciled(v.id, now);
  }
  if (done.empty()) return;
  report.reconciled = static_cast<int>(done.size());
  const std::string text = RenderReport(done, now);
  const oqs::Charset charset = options_.output.value_or(oqs::Charset::kUtf8);
  const std::string bytes = charset == oqs::Charset::kShiftJis ? oqs::Utf8ToCp932(text) : text;
  std::error_code ec;
  std::filesystem::create_directories(options_.reports_dir, ec);
  for (int n = 0; n < 100; ++n) {
    const std::string name = "reconciliation-" + JstStamp(now) +
                             (n == 0 ? std::string() : "-" + std::to_string(n)) + ".txt";
    auto published = publisher_.Publish(options_.reports_dir, name, bytes);
    if (published.ok()) {
      report.report = options_.reports_dir + "/" + name;
      return;
    }
    if (published.error().field != "exists") {
      report.last_problem = published.error().ToString();
      return;
    }
  }
}

}  // namespace onshi::terminal
