// The access log's masking of paths no route took (http/access_log.hpp,
// issue 19: never an insurance number or My Number in a log).
#include "http/access_log.hpp"

#include <gtest/gtest.h>

namespace onshi::http {
namespace {

TEST(AccessLog, DigitRunsOfFourOrMoreAreMasked) {
  EXPECT_EQ(MaskDigitRuns("/oqs/123456789012"), "/oqs/****");
  EXPECT_EQ(MaskDigitRuns("/cards/1234abc"), "/cards/****abc");
  EXPECT_EQ(MaskDigitRuns("/v1/x/123"), "/v1/x/123");  // three digits stay
  EXPECT_EQ(MaskDigitRuns("/a1234b5678"), "/a****b****");
  EXPECT_EQ(MaskDigitRuns("06139992"), "****");
  EXPECT_EQ(MaskDigitRuns(""), "");
  EXPECT_EQ(MaskDigitRuns("/"), "/");
}

}  // namespace
}  // namespace onshi::http
