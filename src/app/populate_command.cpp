// `onshi populate`: writes a synthetic population with a progress bar.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/progress.hpp"
#include "app/text_width.hpp"
#include "populate/population.hpp"

namespace onshi::app {
int PopulateCommand(const Args& args) {
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
    throw Refused(db + " already holds members; populate needs an empty database");
  }
  ProgressBar bar("members", !args.Has("quiet"));
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto report =
      populate::Populate(*store, opt, [&](int64_t done) { bar.Update(done, opt.members); });
  const double secs = elapsed();
  bar.Finish(report.members, opt.members);
  std::printf(
      "onshi: populated %s in %.1f s (%.0f members/s): %lld persons, %lld members, %lld insurers, "
      "%lld cards, %lld documents, %lld facilities\n",
      db.c_str(), secs, secs > 0 ? static_cast<double>(report.members) / secs : 0.0,
      static_cast<long long>(report.persons), static_cast<long long>(report.members),
      static_cast<long long>(report.insurers), static_cast<long long>(report.cards),
      static_cast<long long>(report.documents), static_cast<long long>(report.facilities));
  if (!report.scenarios.empty()) {
    // Columns counted as a terminal shows them: the titles and headings are
    // Japanese, two columns a character (text_width.hpp).
    size_t title_width = DisplayWidth("scenario");
    for (const auto& sc : report.scenarios)
      title_width = std::max(title_width, DisplayWidth(sc.title));
    std::cout << "\nDemo scenarios (as of " << opt.today.ToIso() << "):\n";
    auto row = [&](const std::string& title, const std::string& insurer, const std::string& symbol,
                   const std::string& number, const std::string& branch, const std::string& birth,
                   const std::string& serial) {
      std::cout << "  " << PadRight(title, title_width) << "  " << PadRight(insurer, 9) << " "
                << PadRight(symbol, 6) << " " << PadRight(number, 8) << " " << PadRight(branch, 4)
                << " " << PadRight(birth, 9) << " " << serial << "\n";
    };
    row("scenario", "insurer", "記号", "番号", "枝番", "birth", "cert serial");
    for (const auto& sc : report.scenarios) {
      row(sc.title, sc.insurer_number, sc.symbol, sc.number, sc.branch.empty() ? "-" : sc.branch,
          sc.birth_date, sc.card_serial);
      std::cout << "      → " << sc.expect << "\n";
    }
  }
  return 0;
}

}  // namespace onshi::app
