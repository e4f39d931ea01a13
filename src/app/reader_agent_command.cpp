// `onshi reader-agent`: the portal's card reader software on loopback
// (reader_agent.hpp).
#include <csignal>
#include <iostream>
#include <stdexcept>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/listen_address.hpp"
#include "app/log.hpp"
#include "app/reader_agent.hpp"
#include "http/server.hpp"

namespace onshi::app {

int ReaderAgentCommand(const Args& args) {
  std::signal(SIGPIPE, SIG_IGN);
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
  const ListenAddress listen =
      ParseListenAddress(args.Get("listen", "127.0.0.1:47215"), "--listen");
  http::ServerOptions opt;
  // A name (localhost) is resolved first and what it resolves to must be a
  // loopback address: the agent makes the person's card sign, so nobody on
  // the network may even connect to it.
  try {
    opt.address = http::ResolveListenHost(listen.host);
  } catch (const std::runtime_error& e) {
    throw BadInput(std::string("--listen: ") + e.what());
  }
  if (!IsLoopbackHost(opt.address)) {
    throw std::invalid_argument(
        "--listen must be a loopback address (127.0.0.1, [::1] or "
        "localhost), got \"" +
        listen.host + "\"");
  }
  opt.port = listen.port;
  opt.threads = 1;
  opt.max_body_bytes = 16 * 1024;
  opt.max_connections = 64;
  const std::string reader_name = args.Get("reader", "");
  ReaderAgent agent(origin, [reader_name] { return OpenPcscCard(reader_name); });
  http::HttpServer server(opt, [&agent](const http::Request& r) {
    http::Response answer = agent.Handle(r);
    Log(LogLevel::kDebug) << "reader agent: " << r.method << " " << r.target << " -> "
                          << answer.status;
    return answer;
  });
  server.Start();
  std::cout << "onshi: reader agent on http://" << HostPort(opt.address, server.port()) << "/ for "
            << origin << std::endl;
  server.RunUntilSignalled();
  return 0;
}

}  // namespace onshi::app
