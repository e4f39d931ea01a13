// One progress bar for every long job (populate, import, documents issue):
//
//   [############..................]  40%  40,000/100,000 members  8,123/s  ETA 0:00:07
//
// on stderr, redrawn in place only when stderr is a terminal. Otherwise (a
// log file, a pipe, CI) it is quiet but for a plain line every 30 seconds, so
// a long job in a log still shows it is moving. The command prints its own
// summary at the end either way.
//
// The arithmetic (fraction, rate, ETA) and the line are pure functions of the
// counts and the elapsed time, tested on their own (tests/app/progress_test).
#ifndef ONSHI_APP_PROGRESS_HPP_
#define ONSHI_APP_PROGRESS_HPP_

#include <chrono>
#include <cstdint>
#include <string>

namespace onshi::app {

struct ProgressFigures {
  double fraction = 0;      // 0..1
  double rate = 0;          // units a second so far
  double eta_seconds = -1;  // time left at that rate; -1 when not yet known
};

// `done` of `total` after `elapsed_seconds`. A total of 0 counts as done.
ProgressFigures ComputeProgress(int64_t done, int64_t total, double elapsed_seconds);

// The bar's line (no "\r", no newline). `final`: "done in" instead of "ETA".
std::string FormatProgress(int64_t done, int64_t total, const std::string& unit,
                           double elapsed_seconds, bool final);

// "1,234,567".
std::string Thousands(int64_t n);
// "1:02:03" (h:mm:ss); "--:--" for a negative or unknown time.
std::string ClockTime(double seconds);

class ProgressBar {
 public:
  // `enabled` false (--quiet): nothing at all.
  ProgressBar(std::string unit, bool enabled);
  // Redraws at most every 100 ms on a terminal.
  void Update(int64_t done, int64_t total);
  // The last state, then a newline on a terminal.
  void Finish(int64_t done, int64_t total);

 private:
  double Elapsed() const;
  std::string unit_;
  bool enabled_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  double last_draw_ = -1e9;
  bool drawn_ = false;
};

}  // namespace onshi::app

#endif  // ONSHI_APP_PROGRESS_HPP_
