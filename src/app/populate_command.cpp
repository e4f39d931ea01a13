// `onshi populate`: writes a synthetic population with a progress bar.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli.hpp"
#include "populate/population.hpp"

namespace onshi::app {
namespace {

// "[#####.....]  52.0%  412,345/s  ETA 1s" on one line, redrawn in place.
void DrawProgress(int64_t done, int64_t total, double seconds) {
  const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
  std::fprintf(stderr, "\r[%.*s%.*s] %5.1f%%  %lld/%lld members  %.0f/s  ETA %.0fs ", filled,
               "##############################", width - filled, "..............................",
               frac * 100.0, static_cast<long long>(done), static_cast<long long>(total), rate,
               eta);
  std::fflush(stderr);
}

}  // namespace

int PopulateCommand(const std::vector<std::string>& argv) {
  Args args(argv, {{"db", true},
                   {"key-file", true},
                   {"state-dir", true},
                   {"members", true},
                   {"seed", true},
                   {"today", true},
                   {"scenarios", false},
                   {"quiet", false}});
  populate::PopulationOptions opt;
  opt.members = args.GetInt("members", 1000);
  if (opt.members < 0) throw std::invalid_argument("--members must not be negative");
  opt.seed = static_cast<uint64_t>(args.GetInt("seed", 1));
  opt.scenarios = args.Has("scenarios");
  if (args.Has("today")) {
    auto d = Date::ParseIso(args.Get("today"));
    if (!d)
      throw std::invalid_argument("--today must be a date YYYY-MM-DD, got \"" + args.Get("today") +
                                  "\"");
    opt.today = *d;
  }
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  if (store->Counts().members > 0) {
    throw std::runtime_error(db + " already holds members; populate needs an empty database");
  }
  const bool show = !args.Has("quiet");
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto report = populate::Populate(*store, opt, [&](int64_t done) {
    if (show) DrawProgress(done, opt.members, elapsed());
  });
  const double secs = elapsed();
  if (show) std::fprintf(stderr, "\n");
  std::printf(
      "onshi: populated %s in %.1f s (%.0f members/s): %lld persons, %lld members, %lld insurers, "
      "%lld cards, %lld documents, %lld facilities\n",
      db.c_str(), secs, secs > 0 ? static_cast<double>(report.members) / secs : 0.0,
      static_cast<long long>(report.persons), static_cast<long long>(report.members),
      static_cast<long long>(report.insurers), static_cast<long long>(report.cards),
      static_cast<long long>(report.documents), static_cast<long long>(report.facilities));
  if (!report.scenarios.empty()) {
    std::printf("\nDemo scenarios (as of %s):\n", opt.today.ToIso().c_str());
    std::printf("  %-62s %-9s %-4s %-6s %-4s %-9s %s\n", "scenario", "insurer", "記号", "番号",
                "枝番", "birth", "cert serial");
    for (const auto& s : report.scenarios) {
      std::printf("  %-58s %-9s %-4s %-6s %-4s %-9s %s\n      → %s\n", s.title.c_str(),
                  s.insurer_number.c_str(), s.symbol.c_str(), s.number.c_str(),
                  s.branch.empty() ? "-" : s.branch.c_str(), s.birth_date.c_str(),
                  s.card_serial.c_str(), s.expect.c_str());
    }
  }
  return 0;
}

}  // namespace onshi::app
