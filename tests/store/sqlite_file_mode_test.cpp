// The SQLite database holds names, addresses, insurance numbers and the
// audit log. Issue 15: it was created 0644 under the usual umask, readable
// by every local user. Now the database and its -wal and -shm files are
// 0600 whatever the umask, and a database file that group or others can
// reach is refused, as key files are.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/store.hpp"

namespace onshi::store {
namespace {

namespace fs = std::filesystem;

unsigned Mode(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0xFFFF;
}

class SqliteFileModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-mode-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "m.db").string();
    old_umask_ = ::umask(022);  // the usual one, under which the files were 0644
  }
  void TearDown() override {
    ::umask(old_umask_);
    fs::remove_all(dir_);
  }
  std::unique_ptr<Store> Open() { return OpenStore(db_, (dir_ / "m.keys").string()); }

  fs::path dir_;
  std::string db_;
  mode_t old_umask_ = 0;
};

TEST_F(SqliteFileModeTest, TheDatabaseAndItsWalAndShmAreCreatedOwnerOnly) {
  auto store = Open();
  store->PutFacility({"1310000011", "試験クリニック", "医科"});  // something in the WAL
  EXPECT_EQ(Mode(db_), 0600u);
  ASSERT_TRUE(fs::exists(db_ + "-wal"));
  ASSERT_TRUE(fs::exists(db_ + "-shm"));
  EXPECT_EQ(Mode(db_ + "-wal"), 0600u);
  EXPECT_EQ(Mode(db_ + "-shm"), 0600u);
  EXPECT_EQ(Mode((dir_ / "m.keys").string()), 0600u);
}

TEST_F(SqliteFileModeTest, ADatabaseOthersCanReadIsRefused) {
  Open().reset();
  fs::permissions(db_, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  try {
    Open();
    FAIL() << "a 0644 database was opened";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("0644"), std::string::npos) << e.what();
  }
  fs::permissions(db_, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NO_THROW(Open());
  // Its WAL too (made by another tool under its umask).
  auto store = Open();
  store->PutFacility({"1310000011", "試験クリニック", "医科"});
  fs::permissions(db_ + "-wal", fs::perms::others_read, fs::perm_options::add);
  EXPECT_THROW(Open(), StoreError);
}

}  // namespace
}  // namespace onshi::store
