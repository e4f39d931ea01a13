// The CA index's file format (auth/ca_index.hpp, issue 19): fields that
// hold TABs or newlines survive, a line a crash cut short is skipped and
// counted rather than failing the listing, revocations attach to their
// certificate, and a file that is not an onshi index is refused.
#include "auth/ca_index.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>

#include "auth/facility_ca.hpp"

namespace onshi::auth {
namespace {

CaIndexEntry Entry(const std::string& serial, const std::string& name) {
  return {serial, "facility", 1000, 2000, "1310000011", name, "/x/cert.pem", std::nullopt};
}

TEST(CaIndexTest, RoundTripsEscapedFieldsAndAttachesRevocations) {
  const std::string text = FormatCaIndexHeader(CaIndexState::kComplete) +
                           FormatIssuedLine(Entry("0A", "a\tb\\c\nd")) +
                           FormatIssuedLine(Entry("0B", "医院")) + FormatRevokedLine("0B", 1500) +
                           FormatRevokedLine("0B", 1600) + FormatRevokedLine("0C", 1700);
  auto index = ParseCaIndex(text, "t");
  ASSERT_TRUE(index.ok()) << index.error().ToString();
  ASSERT_EQ(index->entries.size(), 2u);
  EXPECT_EQ(index->entries[0].name, "a\tb\\c\nd");
  EXPECT_FALSE(index->entries[0].revoked_at);
  EXPECT_EQ(index->entries[1].revoked_at, std::optional<std::time_t>(1500));
  ASSERT_EQ(index->orphan_revocations.size(), 1u);
  EXPECT_EQ(index->orphan_revocations[0].first, "0C");
  EXPECT_EQ(index->torn_lines, 0);
}

TEST(CaIndexTest, ATornLastLineIsSkippedAndCounted) {
  std::string text = FormatCaIndexHeader(CaIndexState::kPartial) +
                     FormatIssuedLine(Entry("0A", "x")) + FormatIssuedLine(Entry("0B", "y"));
  text.resize(text.size() - 5);  // the crash cut the last line
  auto index = ParseCaIndex(text, "t");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->state, CaIndexState::kPartial);
  EXPECT_EQ(index->entries.size(), 1u);
  EXPECT_EQ(index->torn_lines, 1);
}

TEST(CaIndexTest, AFileThatIsNotAnIndexIsRefused) {
  EXPECT_FALSE(ParseCaIndex("V\t261123000000Z\t\t0A\tunknown\t/CN=x\n", "t").ok());
}

TEST(CaIndexTest, EveryIssueAndRevocationIsAppended) {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("onshi-ca-index-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto ca = FacilityCa::Create(dir + "/ca", 1'800'000'000);
  ASSERT_TRUE(ca.ok());
  auto code = MedicalInstitutionCode::Parse("1310000011");
  ASSERT_TRUE(code.ok());
  auto f = ca->IssueFacility(*code, "医院", dir + "/f", 1'800'000'000);
  auto s = ca->IssueServer(dir + "/s", 1'800'000'000);
  ASSERT_TRUE(f.ok() && s.ok());
  ASSERT_TRUE(ca->Revoke(f->serial_hex, 1'800'000'100).ok());
  auto index = ca->Index();
  ASSERT_TRUE(index.ok() && index->has_value());
  const auto& entries = (*index)->entries;
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].role, "facility");
  EXPECT_EQ(entries[0].serial_hex, f->serial_hex);
  EXPECT_EQ(entries[0].revoked_at, std::optional<std::time_t>(1'800'000'100));
  EXPECT_EQ(entries[0].file, dir + "/f/cert.pem");
  EXPECT_EQ(entries[1].role, "server");
  EXPECT_EQ(entries[1].subject, "localhost");
  EXPECT_FALSE(entries[1].revoked_at);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace onshi::auth
