// KioskServer: the card reader's screen and the staff screen, served by
// `onshi terminal --kiosk-listen HOST:PORT` (or the older --kiosk PORT) on
// loopback only (issue 16; the address form, issue 19).
//
//   GET  /                 the kiosk page (src/web/kiosk/kiosk.html)
//   GET  /staff            today's visits for the reception staff
//   GET  /kiosk.js, /kiosk.css, /staff.js, /face-match.js   the pages' code
//   GET  /face-api/face-api.esm.js   @vladmandic/face-api's browser bundle,
//   GET  /models/<file>               and its shipped model weights, both
//                          from the web root's node_modules (npm ci in
//                          src/web/kiosk): nothing comes from the internet
//   GET  /api/config       {"threshold"}
//   POST /api/card, /api/pin, /api/face/photo (image/jpeg), /api/face/result,
//        /api/visual, /api/register, /api/consent, /api/cancel
//                          the steps of KioskSession, JSON in and out
//   POST /api/lookup       the staff screen's look-up of a 資格確認書 by its
//                          number (R-DOC-9, kiosk_lookup.hpp)
//   GET  /api/today        {"visits": […]} for the staff screen
//
// Loopback and nothing else: the listener is bound to a loopback address
// (127.0.0.1 unless given: any of 127.0.0.0/8, or ::1; anything else is
// refused at construction), and a request whose Host is not 127.0.0.1:PORT,
// localhost:PORT, [::1]:PORT or the bound address with its port is refused
// (421), so a web page elsewhere cannot reach the kiosk through DNS
// rebinding. The API takes only POSTs with a JSON content type (a form on
// another origin cannot send one without a preflight the server never
// answers), and every answer forbids caching and framing.
#ifndef ONSHI_TERMINAL_KIOSK_SERVER_HPP_
#define ONSHI_TERMINAL_KIOSK_SERVER_HPP_

#include <cstdint>
#include <memory>
#include <string>

#include "http/server.hpp"
#include "terminal/kiosk_session.hpp"

namespace onshi::terminal {

class KioskServer {
 public:
  // `web_root` holds the pages and node_modules/@vladmandic/face-api.
  // `address` is numeric (http::ResolveListenHost) and must be loopback:
  // std::invalid_argument otherwise.
  KioskServer(KioskSession& session, std::string web_root, std::string address, uint16_t port);
  KioskServer(KioskSession& session, std::string web_root, uint16_t port)
      : KioskServer(session, std::move(web_root), "127.0.0.1", port) {}
  ~KioskServer();

  void Start();  // throws std::runtime_error if the port is taken
  uint16_t port() const;
  const std::string& address() const { return address_; }
  void Stop();

  // Exposed for tests: one request, answered as the server would.
  http::Response Handle(const http::Request& request);

 private:
  http::Response Static(const std::string& path);
  http::Response Api(const http::Request& request);

  KioskSession& session_;
  std::string web_root_;
  std::string address_;
  uint16_t requested_port_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_KIOSK_SERVER_HPP_
