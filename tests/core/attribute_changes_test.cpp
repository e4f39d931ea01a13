// Name and address changes read from the attribute history (R-OLD-3).
#include "core/attribute_changes.hpp"

#include <gtest/gtest.h>

namespace onshi {
namespace {

MemberAttributes Set(const char* from, const char* name, const char* address,
                     const char* postcode = "100-0013", const char* insured = "山田　太郎") {
  MemberAttributes a;
  a.effective_from = *Date::ParseIso(from);
  a.name = name;
  a.insured_name = insured;
  a.address = address;
  a.postcode = postcode;
  return a;
}

TEST(AttributeChanges, ROld3_NameAndAddressChangesButNotRespellings) {
  const std::vector<MemberAttributes> history = {
      Set("2015-04-01", "山田　太郎", "東京都千代田区霞が関一丁目２番３号"),
      // The same address in other digits and kana: not a move.
      Set("2020-01-01", "山田　太郎", "東京都千代田区霞ヶ関1-2-3"),
      // Only the insured person's name changed: not this member's change.
      Set("2021-01-01", "山田　太郎", "東京都千代田区霞ヶ関1-2-3", "100-0013", "山田　一郎"),
      Set("2025-03-01", "佐藤　太郎", "東京都千代田区霞ヶ関1-2-3"),
      Set("2025-06-10", "佐藤　太郎", "大阪府大阪市北区梅田3-1-1", "530-0001"),
      Set("2025-09-01", "佐藤　太郎", "大阪府大阪市北区梅田3-1-1", "530-0002"),
  };
  const AttributeChanges c = ChangesOf(history);
  ASSERT_EQ(c.name.size(), 1u);
  EXPECT_EQ(c.name[0].ToIso(), "2025-03-01");
  ASSERT_EQ(c.address.size(), 2u);
  EXPECT_EQ(c.address[0].ToIso(), "2025-06-10");
  EXPECT_EQ(c.address[1].ToIso(), "2025-09-01");  // a new postcode is a change too
  EXPECT_TRUE(ChangesOf({}).name.empty());
}

}  // namespace
}  // namespace onshi
