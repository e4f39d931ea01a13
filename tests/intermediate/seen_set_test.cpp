// SeenSet (intermediate/seen_set.hpp): the importer's memory of the keys of
// the forms it has read, which decides whether rows read ahead may be used.
#include "intermediate/seen_set.hpp"

#include <gtest/gtest.h>

#include <string>

namespace onshi::intermediate {
namespace {

TEST(SeenSetTest, AKeyIsSeenFromItsSecondInsertOn) {
  SeenSet s;
  EXPECT_FALSE(s.Insert('i', "F000000001"));
  EXPECT_TRUE(s.Insert('i', "F000000001"));
  EXPECT_TRUE(s.Insert('i', "F000000001"));
  EXPECT_FALSE(s.Insert('p', int64_t{42}));
  EXPECT_TRUE(s.Insert('p', int64_t{42}));
  EXPECT_EQ(s.size(), 2u);
}

TEST(SeenSetTest, DomainsKeepEqualTextApart) {
  SeenSet s;
  EXPECT_FALSE(s.Insert('i', "1000"));
  EXPECT_FALSE(s.Insert('k', "1000"));
  EXPECT_FALSE(s.Insert('p', int64_t{1000}));
}

TEST(SeenSetTest, ContainsAsksWithoutInsertingAndClearEmpties) {
  SeenSet s;
  EXPECT_FALSE(s.Contains('k', "1000|00000001"));  // nothing yet, not even room
  EXPECT_FALSE(s.Insert('k', "1000|00000001"));
  EXPECT_TRUE(s.Contains('k', "1000|00000001"));
  EXPECT_FALSE(s.Contains('k', "1000|00000002"));
  EXPECT_FALSE(s.Insert('k', "1000|00000002"));  // Contains did not insert it
  EXPECT_FALSE(s.Contains('p', int64_t{7}));
  s.Clear();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_FALSE(s.Contains('k', "1000|00000001"));
  EXPECT_FALSE(s.Insert('k', "1000|00000001"));
}

// Far past the first table's 1024 slots: every key is remembered across
// each growth, and none is taken for another.
TEST(SeenSetTest, RemembersEveryKeyAsItGrows) {
  SeenSet s;
  constexpr int kKeys = 200000;
  for (int i = 0; i < kKeys; ++i)
    ASSERT_FALSE(s.Insert('i', "F" + std::to_string(i))) << i;
  for (int i = 0; i < kKeys; ++i)
    ASSERT_TRUE(s.Insert('i', "F" + std::to_string(i))) << i;
  EXPECT_EQ(s.size(), static_cast<size_t>(kKeys));
}

}  // namespace
}  // namespace onshi::intermediate
