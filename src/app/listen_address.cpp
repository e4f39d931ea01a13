#include "app/listen_address.hpp"

#include <stdexcept>

namespace onshi::app {

ListenAddress ParseListenAddress(const std::string& text, const std::string& option) {
  const std::string usage =
      option + " must be HOST:PORT (127.0.0.1:8443, localhost:8443, [::1]:8443), got \"" + text +
      "\"";
  ListenAddress a;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      throw std::invalid_argument(usage);
    }
    a.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (a.host.find(':') == std::string::npos) throw std::invalid_argument(usage);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument(usage);
    a.host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (a.host.find(':') != std::string::npos) {
      throw std::invalid_argument(option + ": an IPv6 address goes in brackets, e.g. [::1]:8443");
    }
  }
  if (a.host.empty()) throw std::invalid_argument(usage);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stol(port) > 65535) {
    throw std::invalid_argument(option + " port must be a number 0..65535, got \"" + port + "\"");
  }
  a.port = static_cast<uint16_t>(std::stol(port));
  return a;
}

std::string HostPort(const std::string& host, uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace onshi::app
