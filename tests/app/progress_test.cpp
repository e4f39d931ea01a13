// The one progress bar of the long jobs (src/app/progress.hpp): its
// arithmetic and its line, with the time passed in.
#include "app/progress.hpp"

#include <gtest/gtest.h>

namespace onshi::app {
namespace {

TEST(ProgressTest, RateAndEtaFromTheCountsAndTheTime) {
  // 250 of 1,000 in 5 s: 50 a second, 750 left, 15 s.
  ProgressFigures f = ComputeProgress(250, 1000, 5.0);
  EXPECT_DOUBLE_EQ(f.fraction, 0.25);
  EXPECT_DOUBLE_EQ(f.rate, 50.0);
  EXPECT_DOUBLE_EQ(f.eta_seconds, 15.0);
  // Nothing done yet, or no time passed: the ETA is not known.
  EXPECT_LT(ComputeProgress(0, 1000, 3.0).eta_seconds, 0);
  EXPECT_LT(ComputeProgress(10, 1000, 0.0).eta_seconds, 0);
  // Done: 100 %, nothing left.
  f = ComputeProgress(1000, 1000, 4.0);
  EXPECT_DOUBLE_EQ(f.fraction, 1.0);
  EXPECT_DOUBLE_EQ(f.eta_seconds, 0.0);
  // No total (an empty file) counts as done; more than the total stays 100 %.
  EXPECT_DOUBLE_EQ(ComputeProgress(0, 0, 1.0).fraction, 1.0);
  EXPECT_DOUBLE_EQ(ComputeProgress(12, 10, 1.0).fraction, 1.0);
}

TEST(ProgressTest, TheLineEveryJobShows) {
  EXPECT_EQ(FormatProgress(40000, 100000, "members", 5.0, false),
            "[############..................]  40%  40,000/100,000 members  8,000/s  ETA 0:00:08");
  EXPECT_EQ(
      FormatProgress(100000, 100000, "members", 3725.0, true),
      "[##############################] 100%  100,000/100,000 members  26/s  done in 1:02:05");
  EXPECT_EQ(FormatProgress(0, 10, "documents", 0.0, false),
            "[..............................]   0%  0/10 documents  0/s  ETA --:--");
}

TEST(ProgressTest, Thousands) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(-1234), "-1,234");
}

}  // namespace
}  // namespace onshi::app
