// Shared by the serving index tests: a scratch database on either backend,
// SQL run behind the store (as another program would), and field-by-field
// comparison of qualifications with a readable difference.
#ifndef ONSHI_TESTS_SERVING_SERVING_TEST_UTIL_HPP_
#define ONSHI_TESTS_SERVING_SERVING_TEST_UTIL_HPP_

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../store/pg_cluster.hpp"
#include "core/membership.hpp"
#include "store/store.hpp"

namespace onshi::serving::testing {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    path_ = fs::temp_directory_path() /
            ("onshi-serving-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// A fresh database of `backend` ("sqlite" or "postgresql") in `dir`.
inline std::string NewLocation(const std::string& backend, const ScratchDir& dir) {
  if (backend == "postgresql") return store::pg_test::PgCluster::Get().NewDatabase();
  return (dir.path() / "onshi.db").string();
}

inline std::string KeyFile(const ScratchDir& dir) {
  return (dir.path() / "onshi.keys").string();
}

// Runs SQL on the database the way another program would: "" or the error.
inline std::string ExecBehindTheStore(const std::string& location, const std::string& sql) {
  if (store::IsPostgresLocation(location)) return store::pg_test::PgCluster::Exec(location, sql);
  sqlite3* db = nullptr;
  std::string err;
  if (sqlite3_open(location.c_str(), &db) != SQLITE_OK) {
    err = "cannot open";
  } else {
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      err = sqlite3_errmsg(db);
    }
  }
  sqlite3_close(db);
  return err;
}

// Every field of `q` as text, children included: two qualifications are the
// same to every reader exactly when these are equal.
inline std::string Describe(const Qualification& q) {
  std::ostringstream o;
  auto d = [](const std::optional<Date>& x) { return x ? x->ToIso() : std::string("-"); };
  o << "member " << q.member_id << " person " << q.person_id << " ins " << q.insurer_number << "/"
    << q.insurer_name << " keys " << q.symbol << "|" << q.number << "|" << q.branch << " pf "
    << static_cast<int>(q.personal_family) << " cc " << static_cast<int>(q.card_classification)
    << " birth " << q.birth_date.ToIso() << " sex " << static_cast<int>(q.sex) << " sex2 "
    << (q.sex2 ? static_cast<int>(*q.sex2) : -1) << " acq " << q.acquired.ToIso() << " lost "
    << d(q.lost) << " reason " << (q.loss_reason ? static_cast<int>(*q.loss_reason) : -1)
    << " copay " << q.copay_percent << (q.copay_filed ? " filed" : "") << " card "
    << d(q.card_issued_on) << ".." << d(q.card_valid_until) << " linkage "
    << static_cast<int>(q.linkage) << " sub " << q.submitted_on.ToIso() << " linked "
    << d(q.linked_on) << " err " << q.registration_error;
  if (q.elderly) {
    o << " elderly " << q.elderly->certificate_date.ToIso() << " " << q.elderly->valid_from.ToIso()
      << " " << q.elderly->valid_until.ToIso() << " " << q.elderly->copay_percent;
  }
  for (const MemberAttributes& a : q.attributes) {
    o << "\n  attr " << a.effective_from.ToIso() << " " << a.name << "/" << a.name_kana << "/"
      << a.insured_name << "/" << a.postcode << "/" << a.address << "/" << a.name_of_other << "/"
      << a.name_of_other_kana;
  }
  for (const LimitCertificate& l : q.limits) {
    o << "\n  limit " << l.classification << " " << l.category_flag << " "
      << l.certificate_date.ToIso() << " " << l.valid_from.ToIso() << " " << l.valid_until.ToIso()
      << " " << d(l.long_term_date);
  }
  for (const SpecificDisease& s : q.diseases) {
    o << "\n  disease " << s.category << " " << s.certificate_date.ToIso() << " "
      << s.valid_from.ToIso() << " " << s.valid_until.ToIso() << " " << s.self_pay_yen;
  }
  return o.str();
}

inline std::string Describe(const std::vector<Qualification>& qs) {
  std::string out;
  for (const Qualification& q : qs)
    out += Describe(q) + "\n";
  return out;
}

// Names a backend-parameterised test by its backend ("sqlite", "postgresql").
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& p) {
  return p.param;
}

}  // namespace onshi::serving::testing

#endif  // ONSHI_TESTS_SERVING_SERVING_TEST_UTIL_HPP_
