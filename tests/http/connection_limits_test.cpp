// The connection caps' bookkeeping (issue 15, medium: out of file
// descriptors). The server end to end: tests/app/connection_limits_test.cpp.
#include "http/connection_limits.hpp"

#include <gtest/gtest.h>

namespace onshi::http {
namespace {

TEST(ConnectionLimits, PerAddressCapLeavesRoomForOthersUpToTheTotal) {
  ConnectionLimits limits(4, 2);
  std::unique_ptr<ConnectionLimits::Slot> a1, a2, a3, b1, b2, c1;
  EXPECT_EQ(limits.Admit("10.0.0.1", &a1), ConnectionLimits::Verdict::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.1", &a2), ConnectionLimits::Verdict::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.1", &a3), ConnectionLimits::Verdict::kAddressFull);
  EXPECT_EQ(limits.Admit("10.0.0.2", &b1), ConnectionLimits::Verdict::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.2", &b2), ConnectionLimits::Verdict::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.3", &c1), ConnectionLimits::Verdict::kTotalFull);
  EXPECT_EQ(limits.open(), 4u);
  EXPECT_EQ(limits.open_from("10.0.0.1"), 2u);
  a1.reset();  // a connection ends: its place is free again
  EXPECT_EQ(limits.open_from("10.0.0.1"), 1u);
  EXPECT_EQ(limits.Admit("10.0.0.3", &c1), ConnectionLimits::Verdict::kAdmitted);
  c1.reset();
  b1.reset();
  b2.reset();
  a2.reset();
  EXPECT_EQ(limits.open(), 0u);
  EXPECT_EQ(limits.open_from("10.0.0.2"), 0u);
}

TEST(ConnectionLimits, ZeroMeansNoCapOfThatKind) {
  ConnectionLimits limits(0, 0);
  std::vector<std::unique_ptr<ConnectionLimits::Slot>> slots(1000);
  for (auto& s : slots)
    EXPECT_EQ(limits.Admit("10.0.0.1", &s), ConnectionLimits::Verdict::kAdmitted);
}

TEST(ConnectionLimits, DefaultTotalLeavesDescriptorsForTheRestOfTheServer) {
  EXPECT_EQ(DefaultMaxConnections(1024), 1024u - 128u);
  EXPECT_EQ(DefaultMaxConnections(64), 48u);
  EXPECT_GE(DefaultMaxConnections(1), 1u);
}

}  // namespace
}  // namespace onshi::http
