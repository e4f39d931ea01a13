#include "pg_cluster.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#ifndef ONSHI_PG_TEST_DIR
#error "store_tests needs ONSHI_PG_TEST_DIR (set in CMakeLists.txt)"
#endif

namespace onshi::store::pg_test {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<PgCluster>& Instance() {
  static std::unique_ptr<PgCluster> instance;
  return instance;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool IsRoot() {
  return ::geteuid() == 0;
}

// Runs a server program through the shell; as root, as the postgres user
// (initdb and postgres refuse to run as root).
int RunAsServerUser(const std::string& command, const std::string& log) {
  const std::string prefix = IsRoot() ? "runuser -u postgres -- " : "";
  return std::system(("cd / && " + prefix + command + " >>" + Quote(log) + " 2>&1").c_str());
}

std::string Tail(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

// Debian installs the server outside PATH: /usr/lib/postgresql/<major>/bin.
// ONSHI_PG_BIN overrides the choice.
std::string FindBinDir() {
  if (const char* env = std::getenv("ONSHI_PG_BIN")) return env;
  std::vector<int> majors;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = e.path().filename().string();
    if (fs::exists(e.path() / "bin" / "initdb") &&
        std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      majors.push_back(std::stoi(name));
    }
  }
  if (majors.empty()) {
    throw std::runtime_error(
        "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install Debian's "
        "`postgresql` package, scripts/install-deps.sh) or set ONSHI_PG_BIN");
  }
  return "/usr/lib/postgresql/" + std::to_string(*std::max_element(majors.begin(), majors.end())) +
         "/bin";
}

// A loopback port nobody listens on now. Another process could take it
// before the server binds; Start() then retries with another.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

void GiveToServerUser(const std::string& path) {
  if (!IsRoot()) return;
  const passwd* pw = ::getpwnam("postgres");
  if (!pw) throw std::runtime_error("running as root, but there is no `postgres` user");
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw std::runtime_error("cannot chown " + path + " to postgres");
  }
}

// Clusters left behind by test programs that were killed: stop their
// servers and remove them, so crashes do not pile up processes.
void RemoveStaleClusters(const std::string& base, const std::string& bin) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(base, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() ||
        !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    const fs::path data = e.path() / "data";
    if (fs::exists(data / "postmaster.pid")) {
      RunAsServerUser(
          Quote(bin + "/pg_ctl") + " -D " + Quote(data.string()) + " -m immediate -w stop",
          "/dev/null");
    }
    fs::remove_all(e.path(), ec);
  }
}

class Conn {
 public:
  explicit Conn(const std::string& uri) : c_(PQconnectdb(uri.c_str())) {
    if (PQstatus(c_) != CONNECTION_OK) {
      const std::string msg = PQerrorMessage(c_);
      PQfinish(c_);
      throw std::runtime_error("cannot connect to the test cluster: " + msg);
    }
  }
  ~Conn() { PQfinish(c_); }
  PGconn* get() { return c_; }

 private:
  PGconn* c_;
};

class PgClusterEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { PgCluster::StopIfStarted(); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

}  // namespace

PgCluster& PgCluster::Get() {
  // A cluster that failed to start fails every later test at once, with
  // the same message, instead of being retried for each.
  static std::string failure;
  if (!failure.empty()) throw std::runtime_error(failure);
  if (!Instance()) {
    try {
      Instance().reset(new PgCluster());
    } catch (const std::exception& e) {
      failure = e.what();
      throw;
    }
  }
  return *Instance();
}

void PgCluster::StopIfStarted() {
  Instance().reset();
}

PgCluster::PgCluster() {
  bin_dir_ = FindBinDir();
  const std::string base = ONSHI_PG_TEST_DIR;
  fs::create_directories(base);
  RemoveStaleClusters(base, bin_dir_);
  dir_ = base + "/" + std::to_string(::getpid());
  data_dir_ = dir_ + "/data";
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  GiveToServerUser(dir_);
  try {
    Start();
  } catch (...) {
    Stop();
    throw;
  }
}

PgCluster::~PgCluster() {
  Stop();
}

void PgCluster::Start() {
  // Two logs: what the tools print (appended by this process's shell) and
  // the server's own (written by the server user, so not the same file).
  const std::string tools_log = dir_ + "/tools.log";
  const std::string server_log = dir_ + "/server.log";
  // Trust authentication on loopback only; C locale so text compares byte
  // by byte; no fsync, because the cluster is thrown away.
  if (RunAsServerUser(Quote(bin_dir_ + "/initdb") + " -D " + Quote(data_dir_) +
                          " -A trust -U postgres -E UTF8 --locale=C --no-sync --no-instructions",
                      tools_log) != 0) {
    throw std::runtime_error("initdb failed:\n" + Tail(tools_log));
  }
  for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
    port_ = FreePort();
    running_ =
        RunAsServerUser(Quote(bin_dir_ + "/pg_ctl") + " -D " + Quote(data_dir_) + " -l " +
                            Quote(server_log) + " -w -t 60 -o " + Quote(StartOptions()) + " start",
                        tools_log) == 0;
  }
  if (!running_) {
    throw std::runtime_error("pg_ctl start failed:\n" + Tail(tools_log) + Tail(server_log));
  }
}

std::string PgCluster::StartOptions() const {
  // Replication needs nothing beyond the defaults of PostgreSQL >= 10
  // (wal_level=replica, max_wal_senders=10) and initdb's trust lines for
  // replication on loopback.
  return "-p " + std::to_string(port_) + " -k " + Quote(data_dir_) +
         " -c listen_addresses=127.0.0.1 -c fsync=off"
         " -c synchronous_commit=off -c full_page_writes=off"
         " -c shared_buffers=16MB -c max_connections=60";
}

void PgCluster::StopServer() {
  if (!running_) return;
  RunAsServerUser(Quote(bin_dir_ + "/pg_ctl") + " -D " + Quote(data_dir_) + " -m fast -w stop",
                  dir_ + "/tools.log");
  running_ = false;
}

void PgCluster::StartServer() {
  if (running_) return;
  running_ = RunAsServerUser(Quote(bin_dir_ + "/pg_ctl") + " -D " + Quote(data_dir_) + " -l " +
                                 Quote(dir_ + "/server.log") + " -w -t 60 -o " +
                                 Quote(StartOptions()) + " start",
                             dir_ + "/tools.log") == 0;
  if (!running_) throw std::runtime_error("pg_ctl start failed:\n" + Tail(dir_ + "/tools.log"));
}

void PgCluster::Stop() {
  if (running_) {
    RunAsServerUser(
        Quote(bin_dir_ + "/pg_ctl") + " -D " + Quote(data_dir_) + " -m immediate -w stop",
        dir_ + "/tools.log");
    running_ = false;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgCluster::NewDatabase() {
  const std::string name = "t_" + std::to_string(++databases_);
  const std::string prefix = "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/";
  const std::string err = Exec(prefix + "postgres", "CREATE DATABASE " + name);
  if (!err.empty()) throw std::runtime_error("CREATE DATABASE " + name + ": " + err);
  return prefix + name;
}

std::string PgCluster::Exec(const std::string& uri, const std::string& sql) {
  Conn c(uri);
  PGresult* r = PQexec(c.get(), sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  std::string err;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    err = PQresultErrorMessage(r);
    if (err.empty()) err = "failed";
  }
  PQclear(r);
  return err;
}

std::vector<std::string> PgCluster::Query(const std::string& uri, const std::string& sql) {
  Conn c(uri);
  PGresult* r = PQexec(c.get(), sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    const std::string err = PQresultErrorMessage(r);
    PQclear(r);
    throw std::runtime_error("query failed: " + err);
  }
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    for (int j = 0; j < PQnfields(r); ++j)
      out.emplace_back(PQgetvalue(r, i, j), static_cast<size_t>(PQgetlength(r, i, j)));
  }
  PQclear(r);
  return out;
}

// --- PgStandby ----------------------------------------------------------------

PgStandby::PgStandby(PgCluster& primary) : primary_(primary) {
  const std::string dir = primary.dir_;
  data_dir_ = dir + "/standby-" + std::to_string(FreePort());
  const std::string tools_log = dir + "/tools.log";
  if (RunAsServerUser(Quote(primary.bin_dir_ + "/pg_basebackup") + " -h 127.0.0.1 -p " +
                          std::to_string(primary.port_) + " -U postgres -D " + Quote(data_dir_) +
                          " -R -X stream --no-sync --checkpoint=fast",
                      tools_log) != 0) {
    throw std::runtime_error("pg_basebackup failed:\n" + Tail(tools_log));
  }
  for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
    port_ = FreePort();
    const std::string options = "-p " + std::to_string(port_) + " -k " + Quote(data_dir_) +
                                " -c listen_addresses=127.0.0.1 -c fsync=off"
                                " -c shared_buffers=16MB -c max_connections=60"
                                " -c hot_standby=on";
    running_ =
        RunAsServerUser(Quote(primary.bin_dir_ + "/pg_ctl") + " -D " + Quote(data_dir_) + " -l " +
                            Quote(data_dir_ + ".log") + " -w -t 60 -o " + Quote(options) + " start",
                        tools_log) == 0;
  }
  if (!running_) {
    throw std::runtime_error("standby start failed:\n" + Tail(tools_log) +
                             Tail(data_dir_ + ".log"));
  }
}

PgStandby::~PgStandby() {
  if (running_) {
    RunAsServerUser(
        Quote(primary_.bin_dir_ + "/pg_ctl") + " -D " + Quote(data_dir_) + " -m immediate -w stop",
        "/dev/null");
  }
  std::error_code ec;
  fs::remove_all(data_dir_, ec);
}

std::string PgStandby::UriFor(const std::string& primary_uri) const {
  const std::string from = ":" + std::to_string(primary_.port_) + "/";
  std::string uri = primary_uri;
  const size_t at = uri.find(from);
  if (at != std::string::npos) uri.replace(at, from.size(), ":" + std::to_string(port_) + "/");
  return uri;
}

bool PgStandby::CatchUp(const std::string& primary_uri, int seconds) const {
  const std::string lsn = PgCluster::Query(primary_uri, "SELECT pg_current_wal_lsn()::text").at(0);
  for (int i = 0; i < seconds * 10; ++i) {
    try {
      const auto r = PgCluster::Query(UriFor(primary_uri),
                                      "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn");
      if (!r.empty() && r[0] == "t") return true;
    } catch (const std::exception&) {
      // Not accepting connections yet.
    }
    ::usleep(100000);
  }
  return false;
}

}  // namespace onshi::store::pg_test
