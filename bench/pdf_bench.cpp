// PDFs per second for a print run of 資格確認書: each certificate laid out
// (Pango), written to its own PDF and added to the merged print file, as
// `onshi documents issue` does, on 2 worker threads and, for comparison, 1.
// Goal: a batch of 10,000 at ≥ 200 PDFs/s on the 2-core machine; peak
// memory is reported as peak_rss_MB.
//
// Reference in the same run: the same number of one-page PDFs with one line
// of text through Cairo's toy text API (no layout, no shaping), which is
// the floor for a Cairo PDF per document on this machine.
#include <benchmark/benchmark.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "pdf/batch.hpp"
#include "pdf/forms.hpp"
#include "pdf/page.hpp"

namespace {

using namespace onshi;
namespace fs = std::filesystem;

constexpr const char* kFamily[] = {"青木", "井上", "上田", "江藤", "大野", "加藤", "木村", "工藤"};
constexpr const char* kGiven[] = {"一郎", "花子", "健太", "美咲", "翔", "陽菜", "大輝", "結衣"};

pdf::CertificateFields Sample(int i, CertificateForm form) {
  pdf::CertificateFields f;
  pdf::MemberFields& m = f.member;
  m.insurer_number = "06139992";
  m.insurer_name = "オンシ健康保険組合";
  m.symbol = "10";
  m.number = std::to_string(100000 + i);
  m.branch = "00";
  m.name = std::string(kFamily[i % 8]) + "\u3000" + kGiven[(i / 8) % 8];
  m.birth_date = Date::FromYmd(1950 + i % 60, 1 + i % 12, 1 + i % 28);
  m.sex = i % 2 ? Sex::kMale : Sex::kFemale;
  m.acquired = Date::FromYmd(2015, 4, 1);
  m.postcode = "100-0013";
  m.address = "東京都千代田区霞が関一丁目" + std::to_string(1 + i % 9) + "番3号";
  f.document_id = i + 1;
  f.issued = Date::FromYmd(2025, 10, 2);
  f.valid_until = Date::FromYmd(2030, 10, 1);
  f.form = form;
  return f;
}

fs::path TempDir(const char* name) {
  const fs::path dir = fs::temp_directory_path() /
                       (std::string("onshi-pdf-bench-") + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// As the print run does it: chunks of 256, laid out and written on worker
// threads (pdf::BatchWriter), appended to the print file in order.
void Batch(benchmark::State& state, CertificateForm form, unsigned threads) {
  const int n = static_cast<int>(state.range(0));
  const fs::path dir = TempDir(CertificateFormName(form).data());
  for (auto _ : state) {
    pdf::BatchWriter writer((dir / "print.pdf").string(), threads);
    for (int first = 0; first < n; first += 256) {
      std::vector<pdf::PdfJob> jobs;
      for (int i = first; i < std::min(n, first + 256); ++i) {
        jobs.push_back({[f = Sample(i, form)] { return pdf::Certificate(f); },
                        (dir / (std::to_string(i) + ".pdf")).string(), true});
      }
      writer.Write(std::move(jobs));
    }
    writer.Finish();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["threads"] = threads;
  state.counters["peak_rss_MB"] = PeakRssMb();
  state.counters["print_file_MB"] =
      static_cast<double>(fs::file_size(dir / "print.pdf")) / (1024.0 * 1024.0);
  fs::remove_all(dir);
}

void BM_CertificateBatchA4(benchmark::State& state) {
  Batch(state, CertificateForm::kA4Paper, static_cast<unsigned>(state.range(1)));
}
BENCHMARK(BM_CertificateBatchA4)
    ->Args({10000, 2})
    ->Args({10000, 1})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

void BM_CertificateBatchCard(benchmark::State& state) {
  Batch(state, CertificateForm::kPlasticCard, static_cast<unsigned>(state.range(1)));
}
BENCHMARK(BM_CertificateBatchCard)
    ->Args({10000, 2})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

void BM_Reference_CairoToyTextPdfs(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const fs::path dir = TempDir("toy");
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) {
      cairo_surface_t* s =
          cairo_pdf_surface_create((dir / (std::to_string(i) + ".pdf")).c_str(), 595, 842);
      cairo_t* cr = cairo_create(s);
      cairo_select_font_face(cr, "IPAexMincho", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size(cr, 12);
      cairo_move_to(cr, 72, 72);
      const std::string text = "資格確認書 " + std::to_string(i);
      cairo_show_text(cr, text.c_str());
      cairo_show_page(cr);
      cairo_destroy(cr);
      cairo_surface_destroy(s);
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
  fs::remove_all(dir);
}
BENCHMARK(BM_Reference_CairoToyTextPdfs)
    ->Arg(10000)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
