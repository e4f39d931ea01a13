// --listen HOST:PORT for every command that listens (serve, reader-agent):
// an IPv4 address, a host name (localhost) or an IPv6 address in brackets
// ([::1]:8443), and a port 0..65535 (0 picks a free one).
#ifndef ONSHI_APP_LISTEN_ADDRESS_HPP_
#define ONSHI_APP_LISTEN_ADDRESS_HPP_

#include <cstdint>
#include <string>

namespace onshi::app {

struct ListenAddress {
  std::string host;  // without brackets: "127.0.0.1", "localhost", "::1"
  uint16_t port = 0;
};

// Splits `text`; throws std::invalid_argument (a usage error) naming
// `option` when it is not HOST:PORT. An IPv6 address needs its brackets:
// "::1:8443" could be read two ways.
ListenAddress ParseListenAddress(const std::string& text, const std::string& option = "--listen");

// "host:port", with brackets around an IPv6 address: for URLs and messages.
std::string HostPort(const std::string& host, uint16_t port);

}  // namespace onshi::app

#endif  // ONSHI_APP_LISTEN_ADDRESS_HPP_
