// ReaderAgent: `onshi reader-agent`, the card reader software on the
// person's own machine that the portal's login page talks to — as the real
// マイナポータル's reader software (マイナポータルアプリ) does: the page cannot
// reach a PC/SC reader, so a small local HTTP server does it for the page.
//
//   GET  /v1/card   {"reader", "present": true, "pinTriesLeft", "blocked"}
//                   the card in the reader and the 利用者証明用 PIN's tries left
//                   (read without using one)
//   POST /v1/sign   {"challenge": base64url, "pin": "1234"}
//                   → {"certificate", "signature", "pinTriesLeft"}: the card's
//                   利用者証明用電子証明書 and its signature over
//                   SignedMessage("portal", challenge) after VERIFY (the same
//                   session code a facility's reader uses, reader/); a wrong
//                   PIN is 401 {"title", "pinTriesLeft", "blocked"}, a locked
//                   card 423
//   OPTIONS …       the CORS preflight of those two
//
// Who may ask: the agent listens on a loopback address only, answers only a
// request whose Origin is exactly the portal's (CORS for that origin alone;
// anything else is 403 without CORS headers, so another site's page can
// neither read an answer nor make the card sign), and only a Host naming
// the loopback address (a DNS-rebound name is refused). It signs only for
// the portal's audience, never a facility's challenge. The PIN is used for
// one VERIFY and forgotten; it is never logged or answered back.
//
// Errors are RFC 9457 problem documents whose title is Japanese (the page
// shows it to the person). One card operation at a time.
#ifndef ONSHI_APP_READER_AGENT_HPP_
#define ONSHI_APP_READER_AGENT_HPP_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/expected.hpp"
#include "http/server.hpp"
#include "reader/transmit.hpp"

namespace onshi::app {

// A card reached for one request: the reader's name and how to talk to the
// card. `hold` keeps whatever the transmit function needs alive.
struct AgentCard {
  std::string reader;
  reader::TransmitFn transmit;
  std::shared_ptr<void> hold;
};
using OpenAgentCard = std::function<Expected<AgentCard>()>;

// Opens the card in `reader_name` through pcsc-lite (the first reader when
// empty); an Error (in Japanese) when there is no reader or no card.
Expected<AgentCard> OpenPcscCard(const std::string& reader_name);

class ReaderAgent {
 public:
  // `origin`: the portal's origin ("https://127.0.0.1:8443"), exactly.
  ReaderAgent(std::string origin, OpenAgentCard open);

  http::Response Handle(const http::Request& request);

 private:
  http::Response Card();
  http::Response Sign(const http::Request& request);

  std::string origin_;
  OpenAgentCard open_;
  std::mutex card_mutex_;
};

// True for "127.0.0.1", any 127.x.y.z, "::1" and "localhost".
bool IsLoopbackHost(const std::string& host);

}  // namespace onshi::app

#endif  // ONSHI_APP_READER_AGENT_HPP_
