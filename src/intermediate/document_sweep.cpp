#include "intermediate/document_sweep.hpp"

#include "intermediate/documents.hpp"

namespace onshi::intermediate {
namespace {

constexpr int kPage = 500;

// Calls `plan` with every page of the insurer's members (current, or lost
// within the return window) inside the read snapshot the page was read in,
// then `after` with the same page outside it (where writes may happen).
void ForEachPage(store::Store& store, const std::string& insurer, Date on,
                 const std::function<void(const std::vector<Qualification>&)>& plan,
                 const std::function<void(const std::vector<Qualification>&)>& after = {}) {
  const Date lost_since = on.AddDays(-kReturnWindowDays);
  int64_t last = 0;
  for (;;) {
    std::vector<Qualification> page;
    store.InReadSnapshot([&] {
      page = store.MembersOfInsurer(insurer, lost_since, last, kPage);
      plan(page);
    });
    if (page.empty()) return;
    if (after) after(page);
    last = page.back().member_id;
    if (static_cast<int>(page.size()) < kPage) return;
  }
}

PlannedDocument Planned(const Qualification& q, Date on, const DocumentAction& a) {
  PlannedDocument p;
  p.member_id = q.member_id;
  p.symbol = q.symbol;
  p.number = q.number;
  p.branch = q.branch;
  if (!q.attributes.empty()) p.name = q.AttributesOn(on).name;
  p.action = a;
  return p;
}

}  // namespace

std::vector<PlannedDocument> PlanInsurerDocuments(store::Store& store,
                                                  const store::InsurerRecord& insurer, Date on) {
  const InsurerDocumentPolicy policy = PolicyOf(insurer);
  std::vector<PlannedDocument> out;
  ForEachPage(store, insurer.insurer_number, on, [&](const std::vector<Qualification>& page) {
    const std::vector<store::MemberDocumentRows> rows = store.DocumentRowsOf(page);
    for (size_t i = 0; i < page.size(); ++i) {
      const Qualification& q = page[i];
      for (const DocumentAction& a : PlanDocuments(DocumentFactsFrom(rows[i], q, on), policy, on)) {
        out.push_back(Planned(q, on, a));
      }
    }
  });
  return out;
}

SweepReport RecordInsurerDocuments(store::Store& store, const store::InsurerRecord& insurer,
                                   Date on, const std::function<void(int64_t)>& progress) {
  const InsurerDocumentPolicy policy = PolicyOf(insurer);
  SweepReport report;
  std::vector<int64_t> due;  // members of the page with something due
  ForEachPage(
      store, insurer.insurer_number, on,
      [&](const std::vector<Qualification>& page) {
        due.clear();
        // The page's cards, applications and documents in one read each
        // where the store can (PostgreSQL: three round trips, not three a
        // member).
        const std::vector<store::MemberDocumentRows> rows = store.DocumentRowsOf(page);
        for (size_t i = 0; i < page.size(); ++i) {
          if (!PlanDocuments(DocumentFactsFrom(rows[i], page[i], on), policy, on).empty()) {
            due.push_back(page[i].member_id);
          }
        }
      },
      [&](const std::vector<Qualification>& page) {
        report.members += static_cast<int64_t>(page.size());
        if (!due.empty()) {
          // The write transaction reads each member again and plans again,
          // so what another run recorded meanwhile is not repeated.
          store.InTransaction([&] {
            for (int64_t id : due) {
              const std::optional<Qualification> q = store.GetQualification(id);
              if (!q) continue;
              report.recorded += IssueDueDocuments(store, *q, insurer, on);
            }
          });
        }
        if (progress) progress(report.members);
      });
  return report;
}

int64_t RecordAllDueDocuments(store::Store& store, Date on) {
  int64_t recorded = 0;
  for (const store::InsurerRecord& insurer : store.ListInsurers()) {
    recorded += RecordInsurerDocuments(store, insurer, on).recorded;
  }
  return recorded;
}

}  // namespace onshi::intermediate
