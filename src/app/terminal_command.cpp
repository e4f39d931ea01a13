// onshi terminal: the 資格確認端末 at a facility — the file interface clinic
// software speaks (terminal-protocol.md), answered through the central
// service's web API with the facility's client certificate.
//
//   onshi terminal --central https://HOST:PORT --cert cert.pem --key key.pem
//                  --body body.json --ca ca.pem [--dir DIR] [--req D] [--res D]
//                  [--charset utf-8|shift_jis] [--poll-ms MS] [--settle-seconds S] [--once]
//                  [--cache FILE] [--cache-key FILE] [--cache-days N] [--no-outage]
//                  [--outage-after-seconds S] [--reconcile-seconds S] [--reports D]
//                  [--encrypt-config DIR]   encrypt.conf, encrypt_face.conf, crypt.pass
//                                           (terminal/encrypt_config.hpp)
//   onshi terminal record …   (terminal_record_command.cpp)
//                  [--kiosk-listen HOST:PORT --facility CODE --reader-key DIR …]
//                  (app/terminal_kiosk.hpp)
//
// Folders default to DIR/Req and DIR/Res (DIR defaults to "."); results are
// staged in DIR/.onshi-staging and moved in. Runs until SIGINT/SIGTERM, or
// one pass with --once.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "app/cli.hpp"
#include "app/log.hpp"
#include "app/terminal_kiosk.hpp"
#include "terminal/central.hpp"
#include "terminal/outage_store.hpp"
#include "terminal/publisher.hpp"
#include "terminal/request_folder.hpp"

namespace onshi::app {
namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void StopTerminal(int) {
  g_stop = 1;
}

}  // namespace

// terminal_record_command.cpp (R-FAC-7).
int TerminalRecordCommand(const Args& args);
std::string TerminalCachePath(const Args& args, const std::filesystem::path& dir);
std::string TerminalCacheKeyPath(const Args& args, const std::filesystem::path& dir);

int TerminalCommand(const Args& args) {
  for (const char* required : {"central", "cert", "key", "body", "ca"}) {
    if (!args.Has(required)) {
      throw std::invalid_argument(
          std::string("onshi terminal needs --") + required +
          " (usage: onshi terminal --central URL --cert C --key K --body B --ca CA [--dir D])");
    }
  }
  std::optional<oqs::Charset> charset;
  if (args.Has("charset")) {
    const std::string c = args.Get("charset");
    if (c == "utf-8" || c == "UTF-8") {
      charset = oqs::Charset::kUtf8;
    } else if (c == "shift_jis" || c == "Shift_JIS") {
      charset = oqs::Charset::kShiftJis;
    } else {
      throw std::invalid_argument("--charset must be utf-8 or shift_jis");
    }
  }
  const std::filesystem::path dir = args.Get("dir", ".");
  terminal::FolderOptions folders;
  folders.req_dir = args.Get("req", (dir / "Req").string());
  folders.res_dir = args.Get("res", (dir / "Res").string());
  folders.output = charset;
  folders.settle_seconds = static_cast<int>(args.GetInt("settle-seconds", 2));
  const long long poll_ms = args.GetInt("poll-ms", 200);
  for (const std::string& d : {folders.req_dir, folders.res_dir}) {
    std::filesystem::create_directories(d);
  }
  const terminal::CentralOptions central_options{
      args.Get("central"), args.Get("ca"), args.Get("cert"), args.Get("key"), args.Get("body")};
  terminal::CentralClient central(central_options);
  terminal::Publisher publisher((dir / ".onshi-staging").string());
  // R-FAC-7: answers from the cache of confirmed qualifications while the
  // central service is unreachable, queued visits confirmed when it returns.
  std::unique_ptr<terminal::OutageStore> outage;
  if (!args.Has("no-outage")) {
    const long long days = args.GetInt("cache-days", 180);
    if (days < 1 || days > 3650) throw std::invalid_argument("--cache-days must be 1..3650");
    outage = std::make_unique<terminal::OutageStore>(
        TerminalCachePath(args, dir), TerminalCacheKeyPath(args, dir), static_cast<int>(days));
    folders.outage = outage.get();
    folders.outage_after_seconds = static_cast<int>(args.GetInt("outage-after-seconds", 10));
    folders.reconcile_every_seconds = static_cast<int>(args.GetInt("reconcile-seconds", 30));
    folders.reports_dir = args.Get("reports", (dir / "Reports").string());
  }
  // Encrypted mode (terminal-protocol.md §4.3): encrypt.conf,
  // encrypt_face.conf and the password in --encrypt-config DIR.
  std::optional<terminal::EncryptSettings> crypt;
  if (args.Has("encrypt-config")) {
    auto loaded = terminal::EncryptSettings::Load(args.Get("encrypt-config"));
    if (!loaded.ok()) throw std::invalid_argument("--encrypt-config: " + loaded.error().ToString());
    crypt = std::move(loaded).value();
    folders.crypt = &*crypt;
    std::cout << "onshi terminal: 暗号化 連携AP " << (crypt->files.Reported() ? "e" : "n")
              << ", 顔認証 " << (crypt->face.Reported() ? "e" : "n") << std::endl;
  }
  // The card reader's screen (--kiosk-listen, --kiosk), on its own threads.
  const auto kiosk =
      StartKiosk(args, central_options, publisher, charset, dir, crypt ? &*crypt : nullptr);
  terminal::RequestFolder requests(folders, central, publisher);

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, StopTerminal);
  std::signal(SIGTERM, StopTerminal);
  std::cout << "onshi terminal: " << folders.req_dir << " -> " << folders.res_dir << " via "
            << args.Get("central") << std::endl;
  std::string last_problem;
  do {
    const terminal::PollReport r = requests.Poll(std::time(nullptr));
    if (!r.last_problem.empty() && r.last_problem != last_problem) {
      Log(LogLevel::kWarn) << "terminal: " << r.last_problem;
    }
    last_problem = r.last_problem;
    if (!r.report.empty()) {
      std::cout << "onshi terminal: 照合結果を出力しました: " << r.report << std::endl;
    }
    if (args.Has("once")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  } while (!g_stop);
  return 0;
}

}  // namespace onshi::app
