#include "app/card_emulate_command.hpp"

#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "card/card.hpp"
#include "card/issuer_key.hpp"
#include "card/vpcd_bridge.hpp"

namespace onshi::app {

int CardEmulateCommand(const Args& args) {
  if (!args.Has("card") || !args.Has("issuer-key")) {
    throw std::invalid_argument(
        "usage: onshi card emulate --card FILE --issuer-key FILE [--vpcd HOST:PORT] "
        "[--surface FILE]");
  }
  // LoadOrCreate would make a fresh key for a mistyped path, and the card
  // would then fail to open with a less helpful message.
  const std::string key_path = args.Get("issuer-key");
  if (!std::filesystem::exists(key_path)) {
    throw BadInput("--issuer-key: no such file: " + key_path);
  }
  auto key = card::IssuerKey::LoadOrCreate(key_path);
  if (!key.ok()) throw BadInput("--issuer-key: " + key.error().ToString());
  auto emulated = card::Card::Open(args.Get("card"), *key);
  if (!emulated.ok()) throw BadInput("--card: " + emulated.error().ToString());
  auto options = card::ParseVpcdAddress(args.Get("vpcd", "localhost:35963"));
  if (!options.ok()) throw std::invalid_argument("--vpcd: " + options.error().ToString());

  // The signals are taken synchronously by this thread (sigwait), so the
  // bridge's thread, which inherits the mask, is never interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // --surface: the card face as a 顔認証付きカードリーダー's camera reads it
  // (照合番号B, printed on every card; `onshi terminal --card-surface`). It is
  // there while the card is in the reader and removed when it is taken out.
  const std::string surface = args.Get("surface", "");
  if (!surface.empty()) {
    const std::string tmp = surface + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << emulated->file().collation_number_b() << "\n";
      if (!out) throw std::runtime_error("--surface: cannot write " + tmp);
    }
    std::filesystem::rename(tmp, surface);
  }

  card::VpcdBridge bridge(&emulated.value(), *options);
  std::thread serving([&bridge] { bridge.Run(); });
  std::cout << "card " << emulated->file().card_serial() << " served to vpcd at " << options->host
            << ":" << options->port << " (SIGTERM or SIGINT to stop)" << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  bridge.Stop();
  serving.join();
  if (!surface.empty()) {
    std::error_code ec;
    std::filesystem::remove(surface, ec);
  }
  std::cout << "stopped after " << bridge.connections() << " connection(s), " << bridge.apdus()
            << " APDU(s)" << std::endl;
  return 0;
}

}  // namespace onshi::app
