// A throw-away PostgreSQL cluster for the store tests.
//
// Started on first use (so a run filtered to SQLite never starts it) from
// Debian's server binaries, in ONSHI_PG_TEST_DIR/<pid> under the build tree,
// listening on a free loopback port with trust authentication; stopped and
// removed when the test program ends. It never touches the system cluster
// the Debian package runs on 5432. Each test gets a fresh database.
//
// initdb refuses to run as root, so under root the server runs as the
// `postgres` system user (runuser) and owns its directory.
#ifndef ONSHI_TESTS_STORE_PG_CLUSTER_HPP_
#define ONSHI_TESTS_STORE_PG_CLUSTER_HPP_

#include <string>
#include <vector>

namespace onshi::store::pg_test {

class PgCluster {
 public:
  // The cluster of this test program, started if it is not yet running.
  // Throws std::runtime_error (with the server log's tail) if it cannot start.
  static PgCluster& Get();
  // Stops and removes the cluster if it was started (the gtest environment
  // calls this after the last test).
  static void StopIfStarted();

  // Creates an empty database and returns its libpq URI.
  std::string NewDatabase();

  // Runs `sql` as the superuser in the database at `uri`. Returns "" on
  // success, otherwise PostgreSQL's error message.
  static std::string Exec(const std::string& uri, const std::string& sql);
  // Runs a query as the superuser; every value of every row, as text.
  static std::vector<std::string> Query(const std::string& uri, const std::string& sql);

  const std::string& data_dir() const { return data_dir_; }
  int port() const { return port_; }

  // Stops the server as an outage would ("fast": connections are cut) and
  // starts it again on the same port with the same data (fault tests).
  void StopServer();
  void StartServer();

  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

 private:
  PgCluster();
  void Start();
  void Stop();
  friend class PgStandby;
  std::string StartOptions() const;

  std::string dir_;       // ONSHI_PG_TEST_DIR/<pid>
  std::string data_dir_;  // dir_/data
  std::string bin_dir_;
  int port_ = 0;
  int databases_ = 0;
  bool running_ = false;
};

// A streaming replica (hot standby) of the test cluster: a base backup with
// recovery settings (pg_basebackup -R), started on its own port. Reads only;
// stopped and removed with the object.
class PgStandby {
 public:
  explicit PgStandby(PgCluster& primary);
  ~PgStandby();
  PgStandby(const PgStandby&) = delete;
  PgStandby& operator=(const PgStandby&) = delete;

  // The standby's URI for a database of the primary (same name, other port).
  std::string UriFor(const std::string& primary_uri) const;
  // Waits until the standby has replayed everything the primary had
  // written when called; false after `seconds`.
  bool CatchUp(const std::string& primary_uri, int seconds = 30) const;
  int port() const { return port_; }

 private:
  PgCluster& primary_;
  std::string data_dir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace onshi::store::pg_test

#endif  // ONSHI_TESTS_STORE_PG_CLUSTER_HPP_
