// `onshi reader-agent`: the portal's card reader software on loopback
// (reader_agent.hpp).
#include <csignal>
#include <iostream>
#include <stdexcept>

#include "app/cli.hpp"
#include "app/reader_agent.hpp"
#include "http/server.hpp"

namespace onshi::app {

int ReaderAgentCommand(const std::vector<std::string>& argv) {
  std::signal(SIGPIPE, SIG_IGN);
  Args args(argv, {{"origin", true}, {"listen", true}, {"reader", true}});
  if (!args.Has("origin") || !args.positional().empty()) {
    throw std::invalid_argument(
        "usage: onshi reader-agent --origin https://PORTAL-HOST:PORT [--listen 127.0.0.1:47215] "
        "[--reader NAME]");
  }
  const std::string origin = args.Get("origin");
  // An origin is scheme://host[:port] and nothing more: no path, no
  // trailing slash (the browser's Origin header never has one).
  const size_t scheme = origin.find("://");
  if ((origin.rfind("https://", 0) != 0 && origin.rfind("http://", 0) != 0) ||
      origin.find('/', scheme + 3) != std::string::npos) {
    throw std::invalid_argument("--origin must be an origin like https://127.0.0.1:8443, got \"" +
                                origin + "\"");
  }
  const std::string listen = args.Get("listen", "127.0.0.1:47215");
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw std::invalid_argument("--listen must be ADDR:PORT, got \"" + listen + "\"");
  }
  http::ServerOptions opt;
  opt.address = listen.substr(0, colon);
  if (opt.address.size() > 2 && opt.address.front() == '[') {
    opt.address = opt.address.substr(1, opt.address.size() - 2);
  }
  // Loopback only: the agent makes the person's card sign, so nobody on the
  // network may even connect to it.
  if (opt.address == "localhost" || !IsLoopbackHost(opt.address)) {
    throw std::invalid_argument("--listen must be a loopback address (127.0.0.1 or ::1), got \"" +
                                opt.address + "\"");
  }
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stol(port) > 65535) {
    throw std::invalid_argument("--listen port must be 0..65535, got \"" + port + "\"");
  }
  opt.port = static_cast<uint16_t>(std::stol(port));
  opt.threads = 1;
  opt.max_body_bytes = 16 * 1024;
  opt.max_connections = 64;
  const std::string reader_name = args.Get("reader", "");
  ReaderAgent agent(origin, [reader_name] { return OpenPcscCard(reader_name); });
  http::HttpServer server(opt, [&agent](const http::Request& r) { return agent.Handle(r); });
  server.Start();
  const std::string host =
      opt.address.find(':') != std::string::npos ? "[" + opt.address + "]" : opt.address;
  std::cout << "onshi: reader agent on http://" << host << ":" << server.port() << "/ for "
            << origin << std::endl;
  server.RunUntilSignalled();
  return 0;
}

}  // namespace onshi::app
