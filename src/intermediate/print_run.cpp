#include "intermediate/print_run.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/card_validity.hpp"
#include "core/copay.hpp"
#include "pdf/batch.hpp"

namespace onshi::intermediate {
namespace {

namespace fs = std::filesystem;

constexpr int kPage = 1000;

// Calls `fn` with every document of the insurer (or only the unprinted).
void ForEachDocument(store::Store& store, const std::string& insurer, bool unprinted_only,
                     const std::function<void(const store::DocumentRecord&)>& fn) {
  int64_t after = 0;
  for (;;) {
    const auto page = store.DocumentsOfInsurer(insurer, unprinted_only, after, kPage);
    for (const store::DocumentRecord& d : page)
      fn(d);
    if (static_cast<int>(page.size()) < kPage) return;
    after = page.back().document_id;
  }
}

// Members read by id, the recent ones kept: a member's documents are mostly
// recorded together, so their ids are close. Bounded, so a register of
// millions of documents does not hold millions of members.
class Members {
 public:
  explicit Members(store::Store& store) : store_(store) {}
  const Qualification& Get(int64_t member_id) {
    auto it = cache_.find(member_id);
    if (it == cache_.end()) {
      if (cache_.size() >= kKeep) cache_.clear();
      auto q = store_.GetQualification(member_id);
      if (!q) throw store::StoreError("document of unknown member " + std::to_string(member_id));
      it = cache_.emplace(member_id, std::move(*q)).first;
    }
    return it->second;
  }

 private:
  static constexpr size_t kKeep = 4096;
  store::Store& store_;
  std::map<int64_t, Qualification> cache_;
};

std::string FileName(const store::DocumentRecord& d) {
  char id[24];
  std::snprintf(id, sizeof id, "%08lld", static_cast<long long>(d.document_id));
  return std::string(id) + "-" + std::string(store::DocumentKindName(d.kind)) + ".pdf";
}

std::string Csv(std::string_view v) {
  if (v.find_first_of(",\"\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Iso(const std::optional<Date>& d) {
  return d ? d->ToIso() : "";
}

bool Electronic(const store::DocumentRecord& d) {
  return d.form == CertificateForm::kElectronic;
}

}  // namespace

pdf::MemberFields MemberFieldsOf(const Qualification& q, const store::InsurerRecord& insurer,
                                 Date on) {
  pdf::MemberFields m;
  m.insurer_number = q.insurer_number;
  m.insurer_name = insurer.name;
  m.symbol = q.symbol;
  m.number = q.number;
  m.branch = q.branch;
  if (!q.attributes.empty()) {
    const MemberAttributes& a = q.AttributesOn(on);
    m.name = a.name;
    m.name_kana = a.name_kana;
    m.insured_name = a.insured_name;
    m.postcode = a.postcode;
    m.address = a.address;
  }
  m.birth_date = q.birth_date;
  m.sex = q.sex;
  m.acquired = q.acquired;
  m.dependent = q.personal_family == PersonalFamily::kDependent;
  m.copay_percent = CopayPercentOn(q, on);
  return m;
}

DocumentSpec SpecOf(store::Store& store, const store::DocumentRecord& d, const Qualification& q,
                    const store::InsurerRecord& insurer) {
  const pdf::MemberFields m = MemberFieldsOf(q, insurer, d.issued_on);
  switch (d.kind) {
    case DocumentKind::kQualificationNotice:
      return pdf::NoticeFields{m, d.document_id, d.issued_on};
    case DocumentKind::kCertificate:
    case DocumentKind::kShortTermCertificate: {
      pdf::CertificateFields f;
      f.member = m;
      f.document_id = d.document_id;
      f.issued = d.issued_on;
      f.valid_until = d.valid_until.value_or(d.issued_on);
      f.form = d.form.value_or(insurer.certificate_form);
      f.short_term = d.kind == DocumentKind::kShortTermCertificate;
      return f;
    }
    case DocumentKind::kRenewalNotice: {
      const Date expiry = d.valid_until.value_or(d.issued_on);
      return pdf::RenewalNoticeFields{m, d.document_id, d.issued_on, expiry,
                                      InsuranceGraceEnd(expiry)};
    }
    case DocumentKind::kReturnRequest: {
      const auto subject =
          d.subject_document_id ? store.GetDocument(*d.subject_document_id) : std::nullopt;
      if (!subject) {
        throw store::StoreError("return request " + std::to_string(d.document_id) +
                                " names no document");
      }
      pdf::ReturnRequestFields f;
      f.member = m;
      f.document_id = d.document_id;
      f.issued = d.issued_on;
      f.lost = q.lost.value_or(d.issued_on);
      f.item = subject->kind;
      f.item_document_id = subject->document_id;
      f.item_issued = subject->issued_on;
      f.item_valid_until = subject->valid_until;
      return f;
    }
    case DocumentKind::kLegacyCard:
      break;
  }
  throw store::StoreError("document " + std::to_string(d.document_id) +
                          " is an old insurance card: never printed again (R-OLD-1)");
}

std::vector<pdf::Page> LayOut(const DocumentSpec& spec) {
  struct Visit {
    std::vector<pdf::Page> operator()(const pdf::NoticeFields& f) const {
      return pdf::QualificationNotice(f);
    }
    std::vector<pdf::Page> operator()(const pdf::CertificateFields& f) const {
      return pdf::Certificate(f);
    }
    std::vector<pdf::Page> operator()(const pdf::RenewalNoticeFields& f) const {
      return pdf::RenewalNotice(f);
    }
    std::vector<pdf::Page> operator()(const pdf::ReturnRequestFields& f) const {
      return pdf::ReturnRequest(f);
    }
  };
  return std::visit(Visit{}, spec);
}

std::vector<pdf::Page> DocumentPages(store::Store& store, const store::DocumentRecord& d,
                                     const Qualification& q, const store::InsurerRecord& insurer) {
  return LayOut(SpecOf(store, d, q, insurer));
}

std::vector<DueDocument> DocumentsDue(store::Store& store, const store::InsurerRecord& insurer,
                                      Date on) {
  std::vector<DueDocument> out;
  Members members(store);
  ForEachDocument(store, insurer.insurer_number, true, [&](const store::DocumentRecord& d) {
    if (d.issued_on > on) return;
    const Qualification& q = members.Get(d.member_id);
    DueDocument x;
    x.document_id = d.document_id;
    x.member_id = d.member_id;
    x.symbol = q.symbol;
    x.number = q.number;
    x.branch = q.branch;
    if (!q.attributes.empty()) x.name = q.AttributesOn(on).name;
    x.kind = d.kind;
    x.rule = d.reason;
    x.form = d.form;
    x.valid_until = d.valid_until;
    x.subject_document_id = d.subject_document_id;
    out.push_back(std::move(x));
  });
  for (const PlannedDocument& p : PlanInsurerDocuments(store, insurer, on)) {
    DueDocument x;
    x.member_id = p.member_id;
    x.symbol = p.symbol;
    x.number = p.number;
    x.branch = p.branch;
    x.name = p.name;
    x.kind = IssuedKind(p.action.kind);
    x.rule = std::string(RuleOf(p.action.reason));
    x.form = p.action.form;
    x.due = p.action.due;
    x.valid_until = p.action.valid_until;
    x.subject_document_id = p.action.document_id;
    out.push_back(std::move(x));
  }
  return out;
}

PrintReport RunPrintRun(store::Store& store, const store::InsurerRecord& insurer,
                        const PrintOptions& o) {
  PrintReport report;
  report.sweep = RecordInsurerDocuments(store, insurer, o.on);

  std::vector<store::DocumentRecord> todo;
  ForEachDocument(store, insurer.insurer_number, true, [&](const store::DocumentRecord& d) {
    if (d.issued_on <= o.on) todo.push_back(d);
  });
  fs::create_directories(o.out_dir);
  if (!todo.empty()) {
    Members members(store);
    const std::string base = o.out_dir + "/print-" + o.on.ToCompact() + "-" +
                             std::to_string(todo.front().document_id) + ".pdf";
    pdf::BatchWriter writer(base, o.threads);
    // In chunks: the store is read on this thread, a chunk's layout and
    // writing run on the workers, and memory stays bounded.
    constexpr size_t kChunk = 256;
    for (size_t first = 0; first < todo.size(); first += kChunk) {
      const size_t last = std::min(todo.size(), first + kChunk);
      std::vector<pdf::PdfJob> jobs;
      for (size_t i = first; i < last; ++i) {
        const store::DocumentRecord& d = todo[i];
        const fs::path dir =
            Electronic(d) ? fs::path(o.out_dir) / "electronic" : fs::path(o.out_dir);
        fs::create_directories(dir);
        PrintedDocument p;
        p.document = d;
        p.file = (dir / FileName(d)).string();
        jobs.push_back(
            {[spec = SpecOf(store, d, members.Get(d.member_id), insurer)] { return LayOut(spec); },
             p.file, !Electronic(d)});
        report.printed.push_back(std::move(p));
      }
      std::vector<std::vector<pdf::Overflow>> overflows =
          writer.Write(std::move(jobs), [&](size_t done) {
            if (o.progress) {
              o.progress(static_cast<int64_t>(first + done), static_cast<int64_t>(todo.size()));
            }
          });
      for (size_t i = first; i < last; ++i) {
        report.overflows += static_cast<int64_t>(overflows[i - first].size());
        report.printed[i].overflows = std::move(overflows[i - first]);
      }
    }
    if (writer.Finish()) report.print_file = base;
    const bool paper_certificates =
        std::any_of(todo.begin(), todo.end(), [](const store::DocumentRecord& d) {
          return (d.kind == DocumentKind::kCertificate ||
                  d.kind == DocumentKind::kShortTermCertificate) &&
                 !Electronic(d);
        });
    if (paper_certificates) {
      report.leaflet_file = o.out_dir + "/leaflet-certificate.pdf";
      pdf::PdfWriter leaflet(report.leaflet_file);
      for (const pdf::Page& p : pdf::CertificateLeaflet())
        leaflet.Add(p);
      leaflet.Finish();
    }
    // Only now, with every file on disk.
    store.InTransaction([&] {
      for (const store::DocumentRecord& d : todo)
        store.MarkDocumentPrinted(d.document_id, o.on);
    });
  }
  report.register_file = o.out_dir + "/register.csv";
  {
    const std::string tmp = report.register_file + ".tmp";
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << RegisterCsv(store, insurer);
    f.close();
    if (!f) throw std::runtime_error("cannot write " + tmp);
    fs::rename(tmp, report.register_file);
  }
  return report;
}

IssueReport RecordAndMarkIssued(store::Store& store, const store::InsurerRecord& insurer, Date on) {
  IssueReport report;
  report.sweep = RecordInsurerDocuments(store, insurer, on);
  ForEachDocument(store, insurer.insurer_number, true, [&](const store::DocumentRecord& d) {
    if (d.issued_on <= on) report.issued.push_back(d);
  });
  store.InTransaction([&] {
    for (store::DocumentRecord& d : report.issued) {
      store.MarkDocumentPrinted(d.document_id, on);
      d.printed_on = on;
    }
  });
  return report;
}

std::string PrintFileOf(store::Store& store, const store::InsurerRecord& insurer, Date day) {
  pdf::PdfWriter merged;
  Members members(store);
  ForEachDocument(store, insurer.insurer_number, false, [&](const store::DocumentRecord& d) {
    if (d.printed_on != day || Electronic(d) || d.kind == DocumentKind::kLegacyCard) return;
    for (const pdf::Page& page : DocumentPages(store, d, members.Get(d.member_id), insurer)) {
      merged.Add(page);
    }
  });
  if (merged.pages() == 0) return "";
  return merged.Finish();
}

std::string DocumentPdf(store::Store& store, const store::InsurerRecord& insurer,
                        const store::DocumentRecord& d) {
  const auto q = store.GetQualification(d.member_id);
  if (!q) throw store::StoreError("document of unknown member " + std::to_string(d.member_id));
  pdf::PdfWriter w;
  for (const pdf::Page& page : DocumentPages(store, d, *q, insurer))
    w.Add(page);
  return w.Finish();
}

std::string RegisterCsv(store::Store& store, const store::InsurerRecord& insurer) {
  // Return requests first, so each returnable document shows whether (and
  // when) it was asked back.
  std::map<int64_t, Date> asked;
  ForEachDocument(store, insurer.insurer_number, false, [&](const store::DocumentRecord& d) {
    if (d.kind == DocumentKind::kReturnRequest && d.subject_document_id) {
      asked[*d.subject_document_id] = d.issued_on;
    }
  });
  std::ostringstream out;
  out << "\xEF\xBB\xBF"
      << "交付番号,記号,番号,枝番,氏名,書類,様式,根拠,交付日,有効期限,印刷日,返還\r\n";
  Members members(store);
  ForEachDocument(store, insurer.insurer_number, false, [&](const store::DocumentRecord& d) {
    const Qualification& q = members.Get(d.member_id);
    const std::string name = q.attributes.empty() ? "" : q.AttributesOn(d.issued_on).name;
    std::string returned;
    if (d.returned_on) {
      returned = "返還済 " + d.returned_on->ToIso();
    } else if (auto it = asked.find(d.document_id); it != asked.end()) {
      returned = "返還依頼中（" + it->second.ToIso() + "依頼）";
    } else if (d.kind == DocumentKind::kReturnRequest && d.subject_document_id) {
      returned = "対象 " + std::to_string(*d.subject_document_id);
    }
    out << d.document_id << "," << Csv(q.symbol) << "," << Csv(q.number) << "," << Csv(q.branch)
        << "," << Csv(name) << "," << DocumentKindLabel(d.kind) << ","
        << (d.form ? CertificateFormLabel(*d.form) : "") << "," << Csv(d.reason) << ","
        << d.issued_on.ToIso() << "," << Iso(d.valid_until) << "," << Iso(d.printed_on) << ","
        << Csv(returned) << "\r\n";
  });
  return out.str();
}

}  // namespace onshi::intermediate
