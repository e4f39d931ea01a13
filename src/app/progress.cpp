#include "app/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace onshi::app {
namespace {

constexpr int kWidth = 30;
constexpr double kTerminalEvery = 0.1;  // seconds between redraws on a terminal
constexpr double kLogEvery = 30;        // seconds between plain lines otherwise

}  // namespace

ProgressFigures ComputeProgress(int64_t done, int64_t total, double elapsed_seconds) {
  ProgressFigures f;
  if (done < 0) done = 0;
  if (total <= 0) {
    f.fraction = 1;
  } else {
    f.fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  }
  if (elapsed_seconds > 0) f.rate = static_cast<double>(done) / elapsed_seconds;
  if (total > 0 && done >= total) {
    f.eta_seconds = 0;
  } else if (f.rate > 0 && total > 0) {
    f.eta_seconds = static_cast<double>(total - done) / f.rate;
  }
  return f;
}

std::string Thousands(int64_t n) {
  const bool negative = n < 0;
  std::string s = std::to_string(negative ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<size_t>(i), ",");
  return negative ? "-" + s : s;
}

std::string ClockTime(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

std::string FormatProgress(int64_t done, int64_t total, const std::string& unit,
                           double elapsed_seconds, bool final) {
  const ProgressFigures f = ComputeProgress(done, total, elapsed_seconds);
  const int filled = static_cast<int>(f.fraction * kWidth);
  char percent[8];
  std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(f.fraction * 100));
  std::string line = "[" + std::string(static_cast<size_t>(filled), '#') +
                     std::string(static_cast<size_t>(kWidth - filled), '.') + "] " + percent +
                     "  " + Thousands(done) + "/" + Thousands(total) + " " + unit + "  " +
                     Thousands(static_cast<int64_t>(f.rate)) + "/s  ";
  line += final ? "done in " + ClockTime(elapsed_seconds) : "ETA " + ClockTime(f.eta_seconds);
  return line;
}

ProgressBar::ProgressBar(std::string unit, bool enabled)
    : unit_(std::move(unit)),
      enabled_(enabled),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

double ProgressBar::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::Update(int64_t done, int64_t total) {
  if (!enabled_) return;
  const double t = Elapsed();
  if (t - last_draw_ < (tty_ ? kTerminalEvery : kLogEvery)) return;
  if (!tty_ && !drawn_ && t < kLogEvery) return;  // short jobs leave logs alone
  last_draw_ = t;
  drawn_ = true;
  const std::string line = FormatProgress(done, total, unit_, t, false);
  if (tty_) {
    std::cerr << "\r" << line << "\x1b[K" << std::flush;
  } else {
    std::cerr << line << "\n" << std::flush;
  }
}

void ProgressBar::Finish(int64_t done, int64_t total) {
  if (!enabled_ || !tty_) return;
  std::cerr << "\r" << FormatProgress(done, total, unit_, Elapsed(), true) << "\x1b[K\n"
            << std::flush;
}

}  // namespace onshi::app
