// `onshi documents`: the insurer's documents on paper.
//
//   documents due      --insurer N [--as-of D]          what must be printed and posted
//   documents issue    --insurer N [--as-of D] --out DIR  record, print, register
//   documents apply    --insurer N --symbol S --number N --branch B --kind K
//                      [--form postcard|electronic|a4|plastic_card] [--email E] [--on D]
//   documents returned --insurer N --document ID [--on D]
//   documents form     declaration|refund --out FILE [--insurer N --symbol S --number N
//                      --branch B] [--paid YEN] [--facility NAME] [--from D] [--to D]
//
// --as-of and --on default to today (JST, or --now).
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/progress.hpp"
#include "core/insurer_number.hpp"
#include "intermediate/document_desk.hpp"
#include "intermediate/print_run.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::app {
namespace {

const std::map<std::string, bool> kOptions = {
    {"db", true},       {"key-file", true}, {"insurer", true}, {"as-of", true},    {"now", true},
    {"out", true},      {"symbol", true},   {"number", true},  {"branch", true},   {"kind", true},
    {"form", true},     {"email", true},    {"on", true},      {"document", true}, {"paid", true},
    {"facility", true}, {"from", true},     {"to", true}};

constexpr const char* kUsage =
    "usage: onshi documents due|issue|apply|returned|form …\n"
    "  due      --insurer N [--as-of YYYY-MM-DD]\n"
    "  issue    --insurer N [--as-of YYYY-MM-DD] --out DIR\n"
    "  apply    --insurer N --symbol S --number N --branch B --kind K [--form F] [--email E]\n"
    "           [--on D]   K: certificate, card-lost, notice-lost, legacy-card-lost, form\n"
    "  returned --insurer N --document ID [--on D]\n"
    "  form     declaration|refund --out FILE [--insurer N --symbol S --number N --branch B]\n"
    "           [--paid YEN] [--facility NAME] [--from D] [--to D]";

Date DateOption(const Args& args, const std::string& name) {
  if (!args.Has(name)) return service::JstDate(NowFrom(args));
  auto d = Date::ParseIso(args.Get(name));
  if (!d) throw std::invalid_argument("--" + name + " must be YYYY-MM-DD");
  return *d;
}

store::InsurerRecord InsurerOf(store::Store& store, const Args& args) {
  if (!args.Has("insurer")) throw std::invalid_argument("--insurer <保険者番号> is required");
  auto n = InsurerNumber::Parse(args.Get("insurer"));
  if (!n.ok()) throw BadInput("--insurer: " + n.error().ToString());
  auto r = store.GetInsurer(n->digits());
  if (!r) throw BadInput("insurer " + std::string(n->digits()) + " is not registered");
  return *r;
}

std::string Opt(const std::optional<Date>& d) {
  return d ? d->ToIso() : "";
}

int Due(store::Store& store, const Args& args) {
  const store::InsurerRecord insurer = InsurerOf(store, args);
  const Date on = DateOption(args, "as-of");
  const std::vector<intermediate::DueDocument> due = intermediate::DocumentsDue(store, insurer, on);
  // Tab-separated for a spreadsheet; a clerk reads the headings.
  std::cout
      << "交付番号\t記号\t番号\t枝番\t氏名\t書類\t様式\t根拠\t期限\t有効期限\t返還対象\t送付\n";
  int64_t post = 0, electronic = 0;
  for (const intermediate::DueDocument& d : due) {
    const bool e = d.form == CertificateForm::kElectronic;
    (e ? electronic : post) += 1;
    std::cout << (d.document_id ? std::to_string(d.document_id) : "未記録") << "\t" << d.symbol
              << "\t" << d.number << "\t" << d.branch << "\t" << d.name << "\t"
              << DocumentKindLabel(d.kind) << "\t" << (d.form ? CertificateFormLabel(*d.form) : "")
              << "\t" << d.rule << "\t" << Opt(d.due) << "\t" << Opt(d.valid_until) << "\t"
              << (d.subject_document_id ? std::to_string(*d.subject_document_id) : "") << "\t"
              << (e ? "電子送付" : "郵送") << "\n";
  }
  std::cerr << "onshi: " << insurer.name << " (" << insurer.insurer_number << ") on " << on.ToIso()
            << ": " << post << " to print and post, " << electronic << " to send electronically\n";
  return 0;
}

int Issue(store::Store& store, const Args& args) {
  const store::InsurerRecord insurer = InsurerOf(store, args);
  if (!args.Has("out")) throw std::invalid_argument("--out DIR is required");
  intermediate::PrintOptions o;
  o.on = DateOption(args, "as-of");
  o.out_dir = args.Get("out");
  ProgressBar bar("documents", !args.Has("quiet"));
  int64_t last_total = 0;
  o.progress = [&](int64_t done, int64_t total) {
    last_total = total;
    bar.Update(done, total);
  };
  const intermediate::PrintReport r = intermediate::RunPrintRun(store, insurer, o);
  bar.Finish(last_total, last_total);
  int64_t electronic = 0;
  for (const intermediate::PrintedDocument& p : r.printed) {
    electronic += p.document.form == CertificateForm::kElectronic ? 1 : 0;
    for (const pdf::Overflow& of : p.overflows) {
      std::cerr << "onshi: document " << p.document.document_id << ": 「" << of.text
                << "」 does not fit its box " << of.box << "\n";
    }
  }
  std::cout << "onshi: " << insurer.name << " (" << insurer.insurer_number << ") " << o.on.ToIso()
            << ": " << r.sweep.recorded << " recorded, " << r.printed.size()
            << " documents issued (" << electronic << " electronic)\n";
  if (!r.print_file.empty()) std::cout << "  print file " << r.print_file << "\n";
  if (!r.leaflet_file.empty()) std::cout << "  enclose    " << r.leaflet_file << "\n";
  std::cout << "  register   " << r.register_file << "\n";
  // 3, like an import with rejected lines: done, but someone must look.
  return r.overflows > 0 ? kExitBadInput : kExitOk;
}

int Apply(store::Store& store, const Args& args) {
  const store::InsurerRecord insurer = InsurerOf(store, args);
  intermediate::DocumentApplication a;
  if (!args.Has("number") || !args.Has("branch") || !args.Has("kind")) {
    throw std::invalid_argument("apply needs --number, --branch and --kind (and --symbol if any)");
  }
  a.symbol = args.Get("symbol");
  a.number = args.Get("number");
  a.branch = args.Get("branch");
  const auto kind = intermediate::ParseApplicationKind(args.Get("kind"));
  if (!kind) {
    throw std::invalid_argument(
        "--kind must be certificate, card-lost, notice-lost, legacy-card-lost or form");
  }
  a.kind = *kind;
  if (args.Has("form")) {
    a.form = ParseCertificateFormName(args.Get("form"));
    if (!a.form)
      throw std::invalid_argument("--form must be postcard, electronic, a4 or plastic_card");
  }
  a.email = args.Get("email");
  a.on = DateOption(args, "on");
  const auto id = intermediate::ApplyForDocument(store, insurer, a);
  if (!id.ok()) {
    std::cerr << "onshi documents apply: " << id.error().ToString() << "\n";
    return kExitRefused;
  }
  std::cout << "onshi: application " << *id << " (" << store::ApplicationKindName(a.kind)
            << ") recorded on " << a.on.ToIso()
            << "; `onshi documents due` shows what it makes due\n";
  return 0;
}

int Returned(store::Store& store, const Args& args) {
  const store::InsurerRecord insurer = InsurerOf(store, args);
  const long long id = args.GetInt("document", 0);
  if (id <= 0) throw std::invalid_argument("--document <交付番号> is required");
  const auto d = intermediate::RecordReturn(store, insurer, id, DateOption(args, "on"));
  if (!d.ok()) {
    std::cerr << "onshi documents returned: " << d.error().ToString() << "\n";
    return kExitRefused;
  }
  std::cout << "onshi: document " << id << " (" << DocumentKindLabel(d->kind) << ") returned on "
            << d->returned_on->ToIso() << "\n";
  return 0;
}

int Form(const Args& args) {
  if (args.positional().size() != 2 || !args.Has("out")) throw std::invalid_argument(kUsage);
  const std::string which = args.positional()[1];
  std::vector<pdf::Page> pages;
  if (which == "declaration") {
    pages = pdf::EligibilityDeclaration();
  } else if (which == "refund") {
    pdf::RefundFields f;
    if (args.Has("insurer")) {
      const std::string db = DatabaseLocation(args);
      auto store = store::OpenStore(db, KeyFileFor(args, db));
      const store::InsurerRecord insurer = InsurerOf(*store, args);
      const auto id = store->FindMemberId(insurer.insurer_number, args.Get("symbol"),
                                          args.Get("number"), args.Get("branch"));
      if (!id) throw BadInput("no member under these keys");
      f.member = intermediate::MemberFieldsOf(*store->GetQualification(*id), insurer,
                                              DateOption(args, "on"));
    }
    if (args.Has("paid")) f.paid_yen = args.GetInt("paid", 0);
    f.facility_name = args.Get("facility");
    if (args.Has("from")) f.treatment_from = DateOption(args, "from");
    if (args.Has("to")) f.treatment_to = DateOption(args, "to");
    if (args.Has("on")) f.applied_on = DateOption(args, "on");
    pages = pdf::RefundApplication(f);
  } else {
    throw std::invalid_argument("documents form: declaration or refund");
  }
  pdf::PdfWriter w(args.Get("out"));
  for (const pdf::Page& p : pages)
    w.Add(p);
  w.Finish();
  std::cout << "onshi: wrote " << args.Get("out") << "\n";
  return 0;
}

}  // namespace

int DocumentsCommand(const Args& args) {
  if (args.positional().empty()) throw std::invalid_argument(kUsage);
  const std::string verb = args.positional()[0];
  if (verb == "form") return Form(args);
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  if (verb == "due") return Due(*store, args);
  if (verb == "issue") return Issue(*store, args);
  if (verb == "apply") return Apply(*store, args);
  if (verb == "returned") return Returned(*store, args);
  throw std::invalid_argument(kUsage);
}

}  // namespace onshi::app
