// Consents recorded at a card check (service/consent_record.hpp, issue 18):
// the OQS JST times become the store's UTC times, so AvailableTime is
// compared on one clock (R-FAC-4).
#include "service/consent_record.hpp"

#include <gtest/gtest.h>

namespace onshi::service {
namespace {

TEST(ConsentRecord, JstCompactTimesBecomeUtcIso) {
  // 2026-11-24 10:00 JST is 01:00 UTC the same day.
  EXPECT_EQ(UtcIsoFromJstCompact("20261124100000"), "2026-11-24T01:00:00Z");
  // Just after midnight JST is the previous UTC day.
  EXPECT_EQ(UtcIsoFromJstCompact("20261124003000"), "2026-11-23T15:30:00Z");
  EXPECT_EQ(UtcIsoFromJstCompact(""), "");
  EXPECT_EQ(UtcIsoFromJstCompact("2026112410000"), "");
  EXPECT_EQ(UtcIsoFromJstCompact("20261324100000"), "");  // month 13
  EXPECT_EQ(UtcIsoFromJstCompact("2026112410000x"), "");
}

}  // namespace
}  // namespace onshi::service
