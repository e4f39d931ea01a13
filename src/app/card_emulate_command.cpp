#include "app/card_emulate_command.hpp"

#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "app/cli.hpp"
#include "card/card.hpp"
#include "card/issuer_key.hpp"
#include "card/vpcd_bridge.hpp"

namespace onshi::app {

int CardEmulateCommand(const std::vector<std::string>& argv) {
  Args args(argv, {{"card", true}, {"issuer-key", true}, {"vpcd", true}});
  if (!args.Has("card") || !args.Has("issuer-key")) {
    throw std::invalid_argument(
        "usage: onshi card emulate --card FILE --issuer-key FILE [--vpcd HOST:PORT]");
  }
  // LoadOrCreate would make a fresh key for a mistyped path, and the card
  // would then fail to open with a less helpful message.
  const std::string key_path = args.Get("issuer-key");
  if (!std::filesystem::exists(key_path)) {
    throw std::invalid_argument("--issuer-key: no such file: " + key_path);
  }
  auto key = card::IssuerKey::LoadOrCreate(key_path);
  if (!key.ok()) throw std::runtime_error("--issuer-key: " + key.error().ToString());
  auto emulated = card::Card::Open(args.Get("card"), *key);
  if (!emulated.ok()) throw std::runtime_error("--card: " + emulated.error().ToString());
  auto options = card::ParseVpcdAddress(args.Get("vpcd", "localhost:35963"));
  if (!options.ok()) throw std::invalid_argument("--vpcd: " + options.error().ToString());

  // The signals are taken synchronously by this thread (sigwait), so the
  // bridge's thread, which inherits the mask, is never interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  card::VpcdBridge bridge(&emulated.value(), *options);
  std::thread serving([&bridge] { bridge.Run(); });
  std::cout << "card " << emulated->file().card_serial() << " served to vpcd at " << options->host
            << ":" << options->port << " (SIGTERM or SIGINT to stop)" << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  bridge.Stop();
  serving.join();
  std::cout << "stopped after " << bridge.connections() << " connection(s), " << bridge.apdus()
            << " APDU(s)" << std::endl;
  return 0;
}

}  // namespace onshi::app
