// Audit text (issue 15, low: audit masking works on characters, not bytes).
// Before: the 番号 was masked byte by byte, so a non-digit 番号 such as
// 番号１２３４ left half a character behind: invalid UTF-8, which PostgreSQL
// refuses, after which the entry was lost in the spool.
#include "service/audit_text.hpp"

#include <gtest/gtest.h>

namespace onshi::service {
namespace {

InsuranceCardQuery Query(const std::string& number) {
  InsuranceCardQuery q;
  q.insurer_number = "06139992";
  q.number = number;
  return q;
}

TEST(AuditText, MaskingCountsCharactersNotBytes) {
  EXPECT_EQ(MaskedKeys(Query("1001")), "insurer=06139992 number=**01");
  EXPECT_EQ(MaskedKeys(Query("番号１２３４")), "insurer=06139992 number=****３４");
  EXPECT_EQ(MaskedKeys(Query("ア1234")), "insurer=06139992 number=***34");
  // Too short to show any of it.
  EXPECT_EQ(MaskedKeys(Query("番号")), "insurer=06139992 number=**");
  EXPECT_EQ(MaskedKeys(Query("123")), "insurer=06139992 number=***");
  for (const std::string n : {"番号１２３４", "ア1234", "番号", "ｱｲｳｴｵ"}) {
    const std::string masked = MaskedKeys(Query(n));
    EXPECT_EQ(AuditSafeText(masked), masked) << n;  // well-formed UTF-8
  }
}

TEST(AuditText, IllFormedBytesAndNulBecomeReplacementCharacters) {
  EXPECT_EQ(AuditSafeText("valid 番号"), "valid 番号");
  EXPECT_EQ(AuditSafeText(std::string("a\0b", 3)), "a\uFFFDb");
  EXPECT_EQ(AuditSafeText("number=**\xE5\x8F"), "number=**\uFFFD");  // half of 号
  EXPECT_EQ(AuditSafeText("\xFF\xFE"), "\uFFFD\uFFFD");
  EXPECT_EQ(AuditSafeText("\xC0\xAF"), "\uFFFD\uFFFD");  // overlong '/'
}

}  // namespace
}  // namespace onshi::service
