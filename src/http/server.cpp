#include "http/server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <strings.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <future>
#include <iostream>
#include <thread>

namespace onshi::http {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
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

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

beast::tcp_stream& Lowest(PlainStream& s) {
  return s;
}
beast::tcp_stream& Lowest(TlsStream& s) {
  return beast::get_lowest_layer(s);
}

std::string PeerCertificate(TlsStream& s) {
  X509* cert = SSL_get1_peer_certificate(s.native_handle());
  if (!cert) return "";
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  std::string out;
  if (len > 0) out.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  X509_free(cert);
  return out;
}

// What every session shares with the server.
struct Shared {
  Handler handler;
  ServerOptions options;
  std::atomic<int> in_flight{0};      // requests read but not yet answered
  std::atomic<bool> draining{false};  // stopping: answer, then close
};

// One keep-alive connection over Stream (plain TCP or TLS). Reads a request,
// calls the handler, writes the response, repeats; every read is bounded in
// size and in idle time, so a slow or hostile client holds no thread.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(Shared& shared, Args&&... stream_args)
      : stream_(std::forward<Args>(stream_args)...), shared_(shared), options_(shared.options) {}

  void Start() {
    beast::error_code ec;
    const auto endpoint = Lowest(stream_).socket().remote_endpoint(ec);
    if (!ec) peer_address_ = endpoint.address().to_string();
    asio::dispatch(Lowest(stream_).get_executor(), [self = this->shared_from_this()] {
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        self->Handshake();
      } else {
        self->Read();
      }
    });
  }

 private:
  void Handshake() {
    Lowest(stream_).expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
    stream_.async_handshake(ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec) return;  // bad handshake: nothing to answer to
                              self->peer_der_ = PeerCertificate(self->stream_);
                              self->Read();
                            });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    Lowest(stream_).expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout) return Close();
    if (ec == bhttp::error::body_limit) return WriteError(413, "request body too large");
    if (ec == bhttp::error::header_limit) return WriteError(431, "request header too large");
    if (ec) return Close();
    shared_.in_flight.fetch_add(1);
    const auto& req = parser_->get();
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) {
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    r.body = req.body();
    r.peer_certificate_der = peer_der_;
    r.peer_address = peer_address_;
    Response out;
    try {
      out = shared_.handler(r);
    } catch (const std::exception& e) {
      out = Response{500,
                     "application/problem+json",
                     {},
                     R"({"type":"about:blank","title":"internal error","status":500})"};
      std::cerr << "onshi: handler error on " << r.target << ": " << e.what() << "\n";
    }
    Write(std::move(out), req.keep_alive() && !shared_.draining.load(), req.version());
  }

  void WriteError(int status, const char* title) {
    shared_.in_flight.fetch_add(1);
    Write(Response{status,
                   "application/problem+json",
                   {},
                   std::string(R"({"type":"about:blank","title":")") + title +
                       "\",\"status\":" + std::to_string(status) + "}"},
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
    bhttp::async_write(
        stream_, *res,
        [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
          // Every Write answers one request counted in by OnRead or
          // WriteError; without this a stop always waited out the drain.
          self->shared_.in_flight.fetch_sub(1);
          if (ec || !keep_alive) return self->Close();
          self->Read();
        });
  }

  void Close() {
    beast::error_code ec;
    Lowest(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string peer_der_;
  std::string peer_address_;
  Shared& shared_;
  const ServerOptions& options_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, Handler h)
      : options(o), tls(ssl::context::tls_server), acceptor(io), signals(io, SIGINT, SIGTERM) {
    shared.handler = std::move(h);
    shared.options = std::move(o);
  }

  bool UseTls() const { return !options.tls.cert_file.empty(); }

  void ConfigureTls() {
    // TLS 1.2 and 1.3 only; no compression or renegotiation.
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    tls.use_certificate_chain_file(options.tls.cert_file);
    tls.use_private_key_file(options.tls.key_file, ssl::context::pem);
    if (options.tls.request_client_certificate) {
      // Ask for a certificate but decide about it in the application (see
      // Request::peer_certificate_der).
      tls.set_verify_mode(ssl::verify_peer);
      tls.set_verify_callback([](bool, ssl::verify_context&) { return true; });
    }
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        if (UseTls()) {
          std::make_shared<Session<TlsStream>>(shared, std::move(socket), tls)->Start();
        } else {
          std::make_shared<Session<PlainStream>>(shared, std::move(socket))->Start();
        }
      }
      Accept();
    });
  }

  ServerOptions options;
  Shared shared;
  asio::io_context io;
  ssl::context tls;
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
  if (impl_->UseTls()) {
    try {
      impl_->ConfigureTls();
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot load TLS certificate " + impl_->options.tls.cert_file +
                               " / key " + impl_->options.tls.key_file + ": " + e.what());
    }
  }
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
  const int n = impl_->options.threads > 0
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
  // Graceful: stop accepting, let requests already read be answered (with
  // Connection: close) for up to 5 s, then end the threads. Idle keep-alive
  // connections are simply closed.
  impl_->shared.draining.store(true);
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->signals.cancel(ec);
  });
  if (!impl_->threads.empty()) {
    for (int i = 0; i < 500 && impl_->shared.in_flight.load() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  impl_->io.stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace onshi::http
