// `onshi insurer add`, `onshi import`, `onshi link`, `onshi submissions`:
// the insurer's side of the intermediate server (中間サーバー).
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/progress.hpp"
#include "auth/facility_ca.hpp"
#include "core/insurer_number.hpp"
#include "core/portal_status.hpp"
#include "intake/submission_reader.hpp"
#include "intermediate/error_report.hpp"
#include "intermediate/importer.hpp"
#include "intermediate/linker.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::app {
namespace {

std::string CanonicalInsurer(const std::string& text) {
  auto n = InsurerNumber::Parse(text);
  if (!n.ok()) throw BadInput("--insurer: " + n.error().ToString());
  return std::string(n->digits());
}

int InsurerAdd(const Args& args) {
  if (!args.Has("number") || !args.Has("name")) {
    throw std::invalid_argument(
        "insurer add needs --number <保険者番号> --name NAME [--out DIR] [--lag DAYS] "
        "[--category C] [--no-certificate-for-holders] [--certificate-years N]");
  }
  auto number = InsurerNumber::Parse(args.Get("number"));
  if (!number.ok()) throw BadInput("--number: " + number.error().ToString());
  store::InsurerRecord r;
  r.insurer_number = std::string(number->digits());
  r.name = args.Get("name");
  r.category = args.Get("category", std::string(InsurerCategoryName(number->category())));
  r.link_lag_business_days = static_cast<int>(args.GetInt("lag", 2));
  if (r.link_lag_business_days < 0 || r.link_lag_business_days > 60) {
    throw std::invalid_argument("--lag must be 0..60 business days");
  }
  r.holders_may_get_certificate = !args.Has("no-certificate-for-holders");
  r.certificate_validity_years = static_cast<int>(args.GetInt("certificate-years", 5));
  if (r.certificate_validity_years < 1 || r.certificate_validity_years > 5) {
    throw std::invalid_argument("--certificate-years must be 1..5 (R-DOC-6)");
  }
  const std::time_t now = NowFrom(args);
  const std::string db = DatabaseLocation(args);
  const std::string key_file = KeyFileFor(args, db);
  const std::string ca_dir = args.Has("out") ? CaDirFor(args, db) : "";
  auto store = store::OpenStore(db, key_file);
  store->PutInsurer(r);
  std::cout << "onshi: insurer " << r.insurer_number << " (" << r.name << ", " << r.category
            << ", lag " << r.link_lag_business_days << " business days) registered\n";
  if (args.Has("out")) {
    auto ca = auth::FacilityCa::LoadOrCreate(ca_dir, now, std::time(nullptr));
    if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
    auto issued = ca->IssueInsurer(*number, r.name, args.Get("out"), now);
    if (!issued.ok()) throw std::runtime_error(issued.error().ToString());
    std::cout << "  certificate " << issued->cert_path << " (serial " << issued->serial_hex
              << ")\n  key         " << issued->key_path << "\n  server CA   " << issued->ca_path
              << "\n";
  }
  return 0;
}

intake::Format FormatFrom(const Args& args) {
  const std::string f = args.Get("format", "auto");
  if (f == "auto") return intake::Format::kAuto;
  if (f == "csv") return intake::Format::kCsv;
  if (f == "jsonl" || f == "ndjson") return intake::Format::kJsonLines;
  throw std::invalid_argument("--format must be auto, csv or jsonl");
}

intake::Encoding EncodingFrom(const Args& args) {
  const std::string e = args.Get("encoding", "auto");
  if (e == "auto") return intake::Encoding::kAuto;
  if (e == "utf-8" || e == "utf8") return intake::Encoding::kUtf8;
  if (e == "shift_jis" || e == "sjis" || e == "cp932") return intake::Encoding::kShiftJis;
  throw std::invalid_argument("--encoding must be auto, utf-8 or shift_jis");
}

}  // namespace

int InsurerCommand(const Args& args) {
  if (args.positional().size() == 1 && args.positional()[0] == "add") return InsurerAdd(args);
  throw std::invalid_argument(
      "usage: onshi insurer add --number <保険者番号> --name NAME ...\n"
      "       onshi insurer revoke --serial HEX | --cert cert.pem");
}

int ImportCommand(const Args& args) {
  if (args.positional().size() != 1 || !args.Has("insurer")) {
    throw std::invalid_argument(
        "usage: onshi import FILE --insurer <保険者番号> [--format csv|jsonl] "
        "[--encoding utf-8|shift_jis] [--errors OUT.csv] [--now T]");
  }
  const std::string file = args.positional()[0];
  const std::time_t now = NowFrom(args);
  intermediate::ImportOptions o;
  o.insurer_number = CanonicalInsurer(args.Get("insurer"));
  o.received_on = service::JstDate(now);
  o.at = service::UtcIsoTime(now);
  o.actor = "insurer:" + o.insurer_number;
  const long long batch = args.GetInt("batch", 2000);
  if (batch < 1 || batch > 1000000) throw std::invalid_argument("--batch must be 1..1000000");
  o.batch_size = static_cast<int>(batch);
  const intake::Format format = FormatFrom(args);
  const intake::Encoding encoding = EncodingFrom(args);
  const std::string db = DatabaseLocation(args);
  const std::string key_file = KeyFileFor(args, db);
  auto reader = intake::SubmissionReader::OpenFile(file, format, encoding);
  if (!reader.ok()) {
    // A missing or unreadable file is bad input (3), like a bad line.
    throw BadInput(file + ": " + reader.error().ToString());
  }
  auto store = store::OpenStore(db, key_file);
  o.open_reader = [&] { return store::OpenStore(db, key_file); };
  // The file's size is what is known in advance: the bar counts KiB read.
  ProgressBar bar("KiB", !args.Has("quiet"));
  o.on_progress = [&](const intermediate::ImportProgress& p) {
    bar.Update(p.bytes_read / 1024, p.total_bytes / 1024);
  };
  const intermediate::ImportReport r = intermediate::ImportSubmissions(*store, reader.value(), o);
  bar.Finish(reader->total_bytes() / 1024, reader->total_bytes() / 1024);
  for (const std::string& c : r.unknown_columns) {
    std::cerr << "onshi import: column \"" << c << "\" is not a known field and was ignored\n";
  }
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < r.errors.size() && i < kShown; ++i) {
    const FieldError& e = r.errors[i];
    std::cerr << file << ":" << e.line << ": " << (e.field.empty() ? "" : e.field + ": ")
              << e.reason << "\n";
  }
  if (r.errors.size() > kShown) {
    std::cerr << "… and " << (r.rejected - static_cast<int64_t>(kShown))
              << " more rejected lines (see --errors)\n";
  }
  if (args.Has("errors")) {
    std::ofstream out = OpenPrivateOutput(args.Get("errors"));
    out << intermediate::ImportErrorsCsv(r);
    if (!out) throw std::runtime_error("cannot write " + args.Get("errors"));
  }
  std::cout << "onshi import: " << Thousands(r.records) << " records: " << Thousands(r.queued)
            << " queued for linkage, " << Thousands(r.already_received) << " already received, "
            << Thousands(r.rejected) << " rejected"
            << (r.conflicts > 0 ? " (" + Thousands(r.conflicts) +
                                      " with a 受付番号 already received with other content)"
                                : std::string())
            << ", " << Thousands(r.registration_errors) << " registration errors; "
            << Thousands(r.documents_issued) << " documents issued\n";
  if (r.stopped_at_line > 0) {
    std::cerr << "onshi import: stopped at line " << r.stopped_at_line
              << ", the database refused the write: " << r.stop_reason << "\nEvery line before "
              << r.stopped_at_line
              << " is stored, nothing from it on. Once the database takes writes again, run the "
                 "same command: lines already received are skipped.\n";
    return kExitUnavailable;
  }
  return r.rejected > 0 || r.registration_errors > 0 ? kExitBadInput : kExitOk;
}

int LinkCommand(const Args& args) {
  const std::time_t now = NowFrom(args);
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  intermediate::LinkOptions o;
  o.today = service::JstDate(now);
  o.at = service::UtcIsoTime(now);
  const intermediate::LinkReport r = intermediate::RunLinker(*store, o);
  std::cout << "onshi link: " << o.today.ToIso() << ": " << Thousands(r.linked) << " linked, "
            << Thousands(r.failed) << " failed, " << Thousands(r.documents_issued)
            << " documents due today recorded (print them with `onshi documents issue`)\n";
  return 0;
}

int SubmissionsCommand(const Args& args) {
  if (!args.Has("insurer")) {
    throw std::invalid_argument(
        "usage: onshi submissions --insurer <保険者番号> [--state registration_error] "
        "[--encoding utf-8|shift_jis]   (CSV on stdout)");
  }
  store::SubmissionFilter f;
  f.insurer_number = CanonicalInsurer(args.Get("insurer"));
  if (args.Has("state")) {
    auto s = ParseLinkageStateName(args.Get("state"));
    if (!s) {
      throw std::invalid_argument(
          "--state must be submitted, processing, linked or registration_error");
    }
    f.state = *s;
  }
  const Date today = service::JstDate(NowFrom(args));
  const bool sjis = EncodingFrom(args) == intake::Encoding::kShiftJis;
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  std::cout << intermediate::SubmissionsCsv(*store, f, today, sjis);
  return 0;
}

}  // namespace onshi::app
