// Small text helpers of src/core that other layers rely on: hex (keys and
// digests in the store), HTML escaping (every page), and the resident-registry
// event names (転居, 氏名変更, 転入, 死亡; R-LINK-4's registry check). Written
// for the mutation run of issue 21: each boundary of a character class is
// checked on both sides.
#include <gtest/gtest.h>

#include <string>

#include "core/hex.hpp"
#include "core/html_escape.hpp"
#include "core/registry_event.hpp"

namespace onshi {
namespace {

TEST(Hex, EncodesHighAndLowNibbleOfEveryByte) {
  const unsigned char bytes[] = {0x00, 0x09, 0x0a, 0x0f, 0x10, 0x7f, 0x80, 0xa5, 0xff};
  EXPECT_EQ(ToHex(bytes, sizeof bytes), "00090a0f107f80a5ff");
  EXPECT_EQ(ToHex(bytes, 0), "");
}

TEST(Hex, DecodesLowercaseDigitsOnly) {
  EXPECT_EQ(FromHex("00090a0f107f80a5ff"), std::string("\x00\x09\x0a\x0f\x10\x7f\x80\xa5\xff", 9));
  EXPECT_EQ(FromHex(""), std::string());
  // Just outside '0'..'9' and 'a'..'f': '/', ':', '`', 'g'; uppercase is
  // not what ToHex writes.
  for (const char* bad : {"/0", "0/", ":0", "0:", "`0", "0`", "g0", "0g", "A0", "0F"}) {
    EXPECT_EQ(FromHex(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(FromHex("abc"), std::nullopt);  // odd length
  EXPECT_EQ(FromHex("abcd"), std::string("\xab\xcd"));
  EXPECT_EQ(FromHex("0"), std::nullopt);
}

TEST(HtmlEscape, EscapesTheFiveSpecialCharactersAndNothingElse) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("資格(有効) ok"), "資格(有効) ok");
}

TEST(RegistryEvent, CodesNamesAndCommandLineSpellings) {
  struct Row {
    RegistryEventKind kind;
    const char* code;
    const char* name;
    const char* cli;
  };
  const Row rows[] = {{RegistryEventKind::kMoved, "moved", "転居", "moved"},
                      {RegistryEventKind::kRenamed, "renamed", "氏名変更", "renamed"},
                      {RegistryEventKind::kMovedIn, "moved_in", "転入", "moved-in"},
                      {RegistryEventKind::kDied, "died", "死亡", "died"}};
  for (const Row& r : rows) {
    EXPECT_EQ(RegistryEventCode(r.kind), r.code);
    EXPECT_EQ(RegistryEventName(r.kind), r.name);
    EXPECT_EQ(ParseRegistryEvent(r.code), r.kind) << r.code;
    EXPECT_EQ(ParseRegistryEvent(r.name), r.kind) << r.code;
    EXPECT_EQ(ParseRegistryEvent(r.cli), r.kind) << r.code;
  }
  EXPECT_EQ(ParseRegistryEvent("moved out"), std::nullopt);
}

}  // namespace
}  // namespace onshi
