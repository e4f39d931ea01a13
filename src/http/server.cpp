#include "http/server.hpp"

#include <strings.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <iostream>
#include <thread>

namespace onshi::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return "";
}

namespace {

// One keep-alive connection. Reads a request, calls the handler, writes the
// response, repeats; every read is bounded in size and in idle time.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Handler& handler, const ServerOptions& options)
      : stream_(std::move(socket)), handler_(handler), options_(options) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout) return Close();
    if (ec == bhttp::error::body_limit) return WriteError(413, "request body too large");
    if (ec) return Close();
    const auto& req = parser_->get();
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req)
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = req.body();
    Response out;
    try {
      out = handler_(r);
    } catch (const std::exception& e) {
      out = Response{500, "application/json", {}, R"({"title":"internal error"})"};
      std::cerr << "onshi: handler error on " << r.target << ": " << e.what() << "\n";
    }
    Write(std::move(out), req.keep_alive(), req.version());
  }

  void WriteError(int status, const char* title) {
    Write(
        Response{
            status, "application/problem+json", {}, std::string(R"({"title":")") + title + "\"}"},
        false, 11);
  }

  void Write(Response r, bool keep_alive, unsigned version) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(r.status), version);
    res->set(bhttp::field::server, "onshi");
    res->set(bhttp::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers)
      res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                         if (ec || !keep_alive) return self->Close();
                         self->Read();
                       });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  const Handler& handler_;
  const ServerOptions& options_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, Handler h)
      : options(std::move(o)), handler(std::move(h)), acceptor(io), signals(io, SIGINT, SIGTERM) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), handler, options)->Start();
      }
      Accept();
    });
  }

  ServerOptions options;
  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};
};

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::Start() {
  const tcp::endpoint ep(asio::ip::make_address(impl_->options.address), impl_->options.port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  beast::error_code ec;
  impl_->acceptor.bind(ep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.address + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->Accept();
  int n = impl_->options.threads > 0
              ? impl_->options.threads
              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i)
    impl_->threads.emplace_back([this] { impl_->io.run(); });
}

uint16_t HttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void HttpServer::RunUntilSignalled() {
  std::promise<void> done;
  impl_->signals.async_wait([&](beast::error_code, int) { done.set_value(); });
  done.get_future().wait();
  Stop();
}

void HttpServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  // Stop accepting, let in-flight requests finish, then end the threads.
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->signals.cancel(ec);
  });
  impl_->io.stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace onshi::http
