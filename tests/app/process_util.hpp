// Helpers for the tests that drive the real `onshi` binary: run a shell
// command, start `onshi serve` on a free port, and talk to it with curl.
#ifndef ONSHI_TESTS_APP_PROCESS_UTIL_HPP_
#define ONSHI_TESTS_APP_PROCESS_UTIL_HPP_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace onshi::testing {

// Runs `cmd` with /bin/sh and returns its stdout; the exit code goes to
// `exit_code` (-1 if it did not exit normally).
inline std::string Sh(const std::string& cmd, int* exit_code = nullptr) {
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 8192> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  const int status = ::pclose(p);
  if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// The sqlite3 shell on `db`, as a test pokes the database behind a running
// server: it waits up to 10 s for the server's writer (the linker's start-up
// sweep, the audit) instead of failing at once with "database is locked",
// which made a test's own UPDATE fail now and then.
inline std::string SqliteShell(const std::string& db) {
  return "sqlite3 -cmd '.timeout 10000' " + db;
}

struct HttpAnswer {
  int status = 0;
  std::string headers;
  std::string body;
  std::string Header(const std::string& name) const {
    const size_t at = headers.find(name + ": ");
    if (at == std::string::npos) return "";
    const size_t end = headers.find("\r\n", at);
    return headers.substr(at + name.size() + 2, end - at - name.size() - 2);
  }
};

// Splits the output of `curl -s -i` into status, headers and body.
inline HttpAnswer ParseCurl(const std::string& raw) {
  HttpAnswer a;
  const size_t split = raw.find("\r\n\r\n");
  if (split == std::string::npos) return a;
  a.headers = raw.substr(0, split + 2);
  a.body = raw.substr(split + 4);
  if (a.headers.size() > 12) a.status = std::stoi(a.headers.substr(9, 3));
  return a;
}

// Issue 19: a check run on every answer RunCurl receives, given the curl
// command that asked for it (tests/app/openapi_conformance.cpp sets it: each
// answer must be one docs/openapi.json documents). Unset, nothing is checked.
using AnswerCheck = void (*)(const std::string& curl_command, const HttpAnswer& answer);
inline AnswerCheck& AnswerHook() {
  static AnswerCheck hook = nullptr;
  return hook;
}

// Runs a `curl -s -i …` command line and parses its answer (ParseCurl),
// handing both to the answer check.
inline HttpAnswer RunCurl(const std::string& curl_command) {
  HttpAnswer a = ParseCurl(Sh(curl_command));
  if (AnswerHook()) AnswerHook()(curl_command, a);
  return a;
}

// Starts ONSHI_BINARY with `args` (argv[0] included) in a child process; its
// stdout goes to `stdout_fd` when given, and `close_in_child` is closed there
// (the read end of that pipe). Returns the child's pid.
inline pid_t SpawnOnshi(std::vector<std::string> args, int stdout_fd = -1,
                        int close_in_child = -1) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (stdout_fd >= 0) ::dup2(stdout_fd, 1);
    if (close_in_child >= 0) ::close(close_in_child);
    std::vector<char*> argv;
    for (std::string& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(ONSHI_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

// The start most suites share: a database `db` of `members` synthetic
// members as of 2026-11-23 (with the hand-made scenarios unless
// `scenarios` is false) and the clinic 1310000011 registered, its
// certificate, key, CA and login body written to `clinic_dir`. Returns ""
// on success, else the output of the step that failed.
inline std::string PopulateWithClinic(const std::string& db, const std::string& clinic_dir,
                                      int members, bool scenarios = true) {
  const std::string bin = ONSHI_BINARY;
  int rc = 0;
  std::string out =
      Sh(bin + " populate --quiet --members " + std::to_string(members) +
             (scenarios ? " --scenarios" : "") + " --today 2026-11-23 --db " + db + " 2>&1",
         &rc);
  if (rc != 0) return "populate: " + out;
  out = Sh(bin + " facility add --now 2026-11-23T09:00:00+09:00 --code 1310000011 --out " +
               clinic_dir + " --db " + db + " 2>&1",
           &rc);
  if (rc != 0) return "facility add: " + out;
  return "";
}

// The arguments that make `onshi terminal` the clinic in `clinic_dir` (as
// PopulateWithClinic writes it): its certificate, key, login body and CA.
inline std::vector<std::string> ClinicTerminalArgs(const std::string& clinic_dir) {
  const std::string c = clinic_dir + "/";
  return {"--cert", c + "cert.pem",  "--key", c + "key.pem",
          "--body", c + "body.json", "--ca",  c + "ca.pem"};
}

// Logs in at `base` with the clinic certificate in `clinic_dir` (as
// PopulateWithClinic writes it) and returns the idToken; "" if the login
// failed, with the answer in `failure`.
inline std::string ClinicToken(const std::string& clinic_dir, const std::string& base,
                               std::string* failure = nullptr) {
  const std::string c = clinic_dir + "/";
  const HttpAnswer login = ParseCurl(
      Sh("curl -s -i --max-time 20 --cacert " + c + "ca.pem --cert " + c + "cert.pem --key " + c +
         "key.pem -H 'Content-Type: application/json' --data-binary @" + c + "body.json '" + base +
         "/oqs-api-pro/MSA12020/ILI12020SV01/auth'"));
  if (login.status == 200) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(login.body, ec);
    if (!ec && v.is_object()) {
      if (const boost::json::value* t = v.as_object().if_contains("result")) {
        if (t->is_object() && t->as_object().contains("idToken") &&
            t->as_object().at("idToken").is_string()) {
          return std::string(t->as_object().at("idToken").as_string());
        }
      }
    }
  }
  if (failure) *failure = std::to_string(login.status) + " " + login.body;
  return "";
}

// `onshi serve` in a child process on 127.0.0.1:0. Start() returns the base
// URL it announces ("" if it did not start); the destructor stops it.
class ServeProcess {
 public:
  ServeProcess() = default;
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  ~ServeProcess() { Stop(); }

  // `listen`: another address, e.g. the port of an earlier run to restart on.
  std::string Start(const std::vector<std::string>& extra_args,
                    const std::string& listen = "127.0.0.1:0") {
    std::vector<std::string> args = {ONSHI_BINARY, "serve", "--listen", listen};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    int out[2];
    if (::pipe(out) != 0) return "";
    pid_ = SpawnOnshi(args, out[1], out[0]);
    ::close(out[1]);
    std::string banner;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n')
      banner += c;
    ::close(out[0]);
    // The last URL: the banner names the database first, which may be a URI.
    const size_t scheme = banner.rfind("://");
    if (scheme == std::string::npos) return "";
    std::string base = banner.substr(banner.rfind(' ', scheme) + 1);
    if (!base.empty() && base.back() == '/') base.pop_back();
    return base;
  }

  pid_t pid() const { return pid_; }

  // SIGKILL and wait: the server dies as in a crash or a pulled cable.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
  }

  // SIGTERM and wait; returns the exit status (or -1 if not running).
  int Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    return status;
  }

 private:
  pid_t pid_ = 0;
};

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_APP_PROCESS_UTIL_HPP_
