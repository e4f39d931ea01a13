#include "app/terminal_kiosk.hpp"

#include <iostream>
#include <stdexcept>

#include "app/exit_codes.hpp"
#include "app/listen_address.hpp"
#include "http/server.hpp"
#include "terminal/kiosk_server.hpp"
#include "terminal/kiosk_session.hpp"

#ifndef ONSHI_SOURCE_DIR
#define ONSHI_SOURCE_DIR "."
#endif

namespace onshi::app {

class KioskRunner {
 public:
  KioskRunner(terminal::KioskOptions options, const terminal::CentralOptions& central,
              terminal::Publisher& publisher, auth::ReaderKey key, const std::string& web_root,
              const std::string& address, uint16_t port)
      : central_(central),
        session_(std::move(options), central_, publisher, std::move(key)),
        server_(session_, web_root, address, port) {
    server_.Start();
  }
  uint16_t port() const { return server_.port(); }
  const std::string& address() const { return server_.address(); }

 private:
  terminal::CentralClient central_;  // its own: CentralClient is single-threaded
  terminal::KioskSession session_;
  terminal::KioskServer server_;
};

void KioskRunnerDeleter::operator()(KioskRunner* k) const {
  delete k;
}

std::unique_ptr<KioskRunner, KioskRunnerDeleter> StartKiosk(
    const Args& args, const terminal::CentralOptions& central, terminal::Publisher& publisher,
    std::optional<oqs::Charset> charset, const std::filesystem::path& dir,
    const terminal::EncryptSettings* crypt) {
  if (!args.Has("kiosk") && !args.Has("kiosk-listen")) return nullptr;
  if (args.Has("kiosk") && args.Has("kiosk-listen")) {
    throw std::invalid_argument("give --kiosk-listen HOST:PORT or --kiosk PORT, not both");
  }
  const char* flag = args.Has("kiosk") ? "--kiosk" : "--kiosk-listen";
  for (const char* required : {"facility", "reader-key"}) {
    if (!args.Has(required)) {
      throw std::invalid_argument(std::string(flag) + " needs --" + required);
    }
  }
  // --kiosk-listen HOST:PORT as serve's --listen (localhost, 127.0.0.1,
  // [::1]); the older --kiosk PORT is 127.0.0.1:PORT.
  ListenAddress listen{"127.0.0.1", 0};
  if (args.Has("kiosk")) {
    const long long port = args.GetInt("kiosk", -1);
    if (port < 0 || port > 65535) throw std::invalid_argument("--kiosk takes a port (0..65535)");
    listen.port = static_cast<uint16_t>(port);
  } else {
    listen = ParseListenAddress(args.Get("kiosk-listen"), "--kiosk-listen");
  }
  std::string address;
  try {
    address = http::ResolveListenHost(listen.host);
  } catch (const std::runtime_error& e) {
    throw BadInput(std::string(flag) + ": " + e.what());
  }
  auto key = auth::ReaderKey::Load(args.Get("reader-key"));
  if (!key.ok()) throw std::invalid_argument("--reader-key: " + key.error().ToString());
  terminal::KioskOptions options;
  options.facility = args.Get("facility");
  if (options.facility.size() != 10 ||
      options.facility.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument("--facility must be the 10-digit 医療機関コード");
  }
  options.reader = args.Get("reader", "");
  options.card_surface = args.Get("card-surface", (dir / "card-surface").string());
  options.face_dir = args.Get("face", (dir / "Face").string());
  options.face_file.charset = charset.value_or(oqs::Charset::kUtf8);
  options.face_file.specific_diseases = args.Has("face-specific-diseases");
  options.crypt = crypt;  // encrypt_face.conf
  if (args.Has("face-threshold")) {
    try {
      options.face_threshold = std::stod(args.Get("face-threshold"));
    } catch (const std::exception&) {
      throw std::invalid_argument("--face-threshold must be a number");
    }
  }
  std::filesystem::create_directories(options.face_dir);
  const std::string web_root =
      args.Get("web-root", std::string(ONSHI_SOURCE_DIR) + "/src/web/kiosk");
  auto runner = std::unique_ptr<KioskRunner, KioskRunnerDeleter>(
      new KioskRunner(std::move(options), central, publisher, std::move(key).value(), web_root,
                      address, listen.port));
  std::cout << "onshi terminal: kiosk on http://" << HostPort(runner->address(), runner->port())
            << "/ (staff: /staff)" << std::endl;
  return runner;
}

}  // namespace onshi::app
