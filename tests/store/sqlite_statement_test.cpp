// Statement reuse: Reset keeps parameter values (and their buffers) for
// speed, so a use that forgets a parameter must fail loudly instead of
// running with the previous use's value.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace onshi::store::sqlite {
namespace {

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db_, "CREATE TABLE t (a INTEGER, b TEXT, c TEXT)", nullptr, nullptr, nullptr),
        SQLITE_OK);
  }
  void TearDown() override { sqlite3_close(db_); }

  std::string Rows() {
    Statement s(db_, "SELECT a, coalesce(b, 'NULL'), coalesce(c, 'NULL') FROM t ORDER BY rowid");
    std::string out;
    while (s.Step())
      out += std::to_string(s.Int(0)) + "|" + s.Text(1) + "|" + s.Text(2) + ";";
    return out;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(StatementTest, ReusedStatementWritesEachUsesOwnValues) {
  Statement s(db_, "INSERT INTO t VALUES (?, ?, ?)");
  s.Bind(1, 1).Bind(2, "a long first value that needs a buffer").Bind(3, "x").Run();
  s.Bind(1, 2).Bind(2, "short").BindNull(3).Run();
  s.Bind(1, 3).Bind(2, std::string(5000, 'y').substr(0, 3)).Bind(3, "z").Run();
  EXPECT_EQ(Rows(), "1|a long first value that needs a buffer|x;2|short|NULL;3|yyy|z;");
}

TEST_F(StatementTest, ForgottenParameterAfterResetFailsAndWritesNothing) {
  Statement s(db_, "INSERT INTO t VALUES (?, ?, ?)");
  s.Bind(1, 1).Bind(2, "b").Bind(3, "c").Run();
  s.Bind(1, 2).Bind(3, "c2");  // parameter 2 would still hold "b"
  try {
    s.Step();
    FAIL() << "a step with an unbound parameter ran";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("parameter 2"), std::string::npos) << e.what();
  }
  s.Reset();
  EXPECT_EQ(Rows(), "1|b|c;");
  // Never bound at all is refused too, not taken as NULL.
  Statement fresh(db_, "INSERT INTO t VALUES (?, ?, ?)");
  fresh.Bind(1, 9).Bind(2, "b");
  EXPECT_THROW(fresh.Step(), StoreError);
  EXPECT_EQ(Rows(), "1|b|c;");
}

TEST_F(StatementTest, FailedStepIsResetForTheNextUse) {
  ASSERT_EQ(sqlite3_exec(db_, "CREATE TABLE u (k INTEGER PRIMARY KEY)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  Statement s(db_, "INSERT INTO u VALUES (?)");
  s.Bind(1, 1).Run();
  s.Bind(1, 1);
  EXPECT_THROW(s.Step(), StoreError);  // duplicate key
  s.Bind(1, 2).Run();                  // usable again without an explicit Reset
  Statement n(db_, "SELECT count(*) FROM u");
  ASSERT_TRUE(n.Step());
  EXPECT_EQ(n.Int(0), 2);
}

}  // namespace
}  // namespace onshi::store::sqlite
