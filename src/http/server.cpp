#include "http/server.hpp"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <future>
#include <iostream>
#include <thread>

#include "http/connection_limits.hpp"
#include "http/field_name.hpp"
#include "http/metrics.hpp"
#include "http/response_head.hpp"
#include "http/security_headers.hpp"

namespace onshi::http {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (SameToken(k, name)) return v;
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

// TLS 1.2 suites: forward secrecy (ECDHE) and AEAD only. CBC suites
// (Lucky13-style padding oracles) and static-RSA key exchange (no forward
// secrecy) are not offered. ECDSA first: the server's own key is P-256.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305";

// Names the server's sessions for resumption. OpenSSL refuses to resume a
// session (alert 80, internal_error) when client certificates are asked for
// and no context is set, so every returning client had failed its call.
constexpr unsigned char kSessionIdContext[] = "onshi-http";

// How long an accept waits after the kernel refused one (out of
// descriptors, of memory): re-arming at once would spin a core and starve
// the threads that are answering requests, which is what frees descriptors.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

// Transfer-Encoding: exactly one field whose value is "chunked". Anything
// else (gzip, identity, a list, a repeat) is either a coding this server
// cannot undo or a way to make two parsers disagree on where the body ends.
bool IsPlainChunked(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  return SameToken(v, "chunked");
}

// Parse errors that mean the request itself is malformed (answered 400),
// as opposed to a connection that ended or a limit that was hit.
bool IsMalformedRequest(const beast::error_code& ec) {
  if (ec.category() != make_error_code(bhttp::error::bad_method).category()) return false;
  switch (static_cast<bhttp::error>(ec.value())) {
    case bhttp::error::bad_line_ending:
    case bhttp::error::bad_method:
    case bhttp::error::bad_target:
    case bhttp::error::bad_version:
    case bhttp::error::bad_field:
    case bhttp::error::bad_value:
    case bhttp::error::bad_content_length:
    case bhttp::error::bad_transfer_encoding:
    case bhttp::error::bad_chunk:
    case bhttp::error::bad_chunk_extension:
    case bhttp::error::bad_obs_fold:
    case bhttp::error::multiple_content_length:
      return true;
    default:
      return false;
  }
}

// Runs the handler; an exception before it answers becomes a 500.
void CallHandler(const AsyncHandler& handler, const Request& r, const Completion& done) {
  try {
    handler(r, done);
  } catch (const std::exception& e) {
    std::cerr << "onshi: handler error on " << r.target << ": " << e.what() << "\n";
    done(Response{500,
                  "application/problem+json",
                  {},
                  R"({"type":"about:blank","title":"internal error","status":500})"});
  }
}

// The server's connection counters; with no registry given, a private one.
struct ConnectionMetrics {
  explicit ConnectionMetrics(Metrics& m)
      : open(m.GetGauge("onshi_http_connections_open", "Connections open now.")),
        refused_total(m.GetCounter("onshi_http_connections_refused_total",
                                   "Connections closed at once because the server held "
                                   "--max-connections already.",
                                   R"(reason="total")")),
        refused_address(m.GetCounter("onshi_http_connections_refused_total",
                                     "Connections closed at once because the server held "
                                     "--max-connections already.",
                                     R"(reason="per_address")")),
        accept_errors(m.GetCounter("onshi_http_accept_errors_total",
                                   "accept(2) failures (out of descriptors or memory); each "
                                   "is followed by a pause before the next accept.")),
        shed(m.GetCounter("onshi_http_connections_shed_total",
                          "Waiting connections closed unanswered because the process was "
                          "out of file descriptors.")),
        handshake_failures(m.GetCounter("onshi_http_tls_handshake_failures_total",
                                        "TLS handshakes that failed or timed out.")) {}
  Gauge& open;
  Counter& refused_total;
  Counter& refused_address;
  Counter& accept_errors;
  Counter& shed;
  Counter& handshake_failures;
};

// What every session shares with the server.
struct Shared {
  Shared(ServerOptions o, AsyncHandler h, Metrics& m)
      : handler(std::move(h)), options(std::move(o)), metrics(m) {}
  AsyncHandler handler;
  ServerOptions options;
  ConnectionMetrics metrics;
  asio::thread_pool* blocking = nullptr;  // the requests not answered inline, or null
  std::atomic<int> in_flight{0};          // requests read but not yet answered
  std::atomic<bool> draining{false};      // stopping: answer, then close
};

// One keep-alive connection over Stream (plain TCP or TLS). Reads a request,
// calls the handler, writes the response, repeats; every read is bounded in
// size and in idle time, so a slow or hostile client holds no thread.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(Shared& shared, std::unique_ptr<ConnectionLimits::Slot> slot, Args&&... stream_args)
      : stream_(std::forward<Args>(stream_args)...),
        shared_(shared),
        options_(shared.options),
        slot_(std::move(slot)) {
    shared_.metrics.open.Add(1);
  }
  ~Session() { shared_.metrics.open.Add(-1); }

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
    Lowest(stream_).expires_after(std::chrono::seconds(options_.tls.handshake_timeout_seconds));
    stream_.async_handshake(ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec) {
                                // Bad or slow handshake: nothing to answer to.
                                self->shared_.metrics.handshake_failures.Add();
                                return;
                              }
                              self->handshake_done_ = true;
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
    if (ec == bhttp::error::body_limit) return WriteTooLarge();
    if (ec == bhttp::error::header_limit) return WriteError(431, "request header too large");
    if (IsMalformedRequest(ec)) return WriteError(400, "malformed request");
    if (ec) return Close();
    const auto& req = parser_->get();
    if (const size_t te = req.count(bhttp::field::transfer_encoding);
        te > 0 && (te > 1 || !IsPlainChunked(req[bhttp::field::transfer_encoding]))) {
      // Answered and closed: whatever follows on this connection cannot be
      // told apart from this request's body.
      return WriteError(400, "unsupported Transfer-Encoding (only chunked)");
    }
    shared_.in_flight.fetch_add(1);
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) {
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    r.body = std::move(parser_->get().body());
    r.peer_certificate_der = peer_der_;
    r.peer_address = peer_address_;
    // Written on this connection's strand whenever the handler answers: at
    // once (dispatch runs it inline) or later from another thread (posted).
    const bool keep_alive = req.keep_alive() && !shared_.draining.load();
    const unsigned version = req.version();
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Completion done = [self = this->shared_from_this(), answered, keep_alive,
                       version](Response out) {
      if (answered->exchange(true)) return;  // a second answer is dropped
      asio::dispatch(Lowest(self->stream_).get_executor(),
                     [self, keep_alive, version, out = std::move(out)]() mutable {
                       self->Write(std::move(out), keep_alive, version);
                     });
    };
    if (shared_.blocking && !options_.answers_inline(r)) {
      // The connection reads nothing more until `done`, so the request can
      // move to the pool; the answer comes back to this thread by `done`.
      asio::post(*shared_.blocking, [&shared = shared_, r = std::move(r), done = std::move(done)] {
        CallHandler(shared.handler, r, done);
      });
      return;
    }
    CallHandler(shared_.handler, r, done);
  }

  // 413: by the application's hook when it has one. Beast reports
  // body_limit only after the request line and every field were read (for
  // a Content-Length over the limit, before it marks the header done), so
  // the message holds the whole header.
  void WriteTooLarge() {
    if (!options_.too_large) {
      return WriteError(413, "request body too large");
    }
    const auto& req = parser_->get();
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) {
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    r.peer_certificate_der = peer_der_;
    r.peer_address = peer_address_;
    std::optional<Response> out;
    try {
      out = options_.too_large(r);
    } catch (const std::exception& e) {
      std::cerr << "onshi: the 413 answer to " << r.target << " failed: " << e.what() << "\n";
    }
    if (!out) return WriteError(413, "request body too large");
    shared_.in_flight.fetch_add(1);
    Write(std::move(*out), false, req.version());
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
    AddSecurityHeaders(r);
    // The head and the body in one buffer, one write (response_head.hpp).
    // It lives in the session until the write completes: a session writes
    // one answer at a time.
    out_ = ResponseHead(r, keep_alive, version);
    if (BodyAllowed(r.status)) out_ += r.body;
    asio::async_write(stream_, asio::buffer(out_),
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        // Every Write answers one request counted in by OnRead or
                        // WriteError; without this a stop always waited out the drain.
                        self->shared_.in_flight.fetch_sub(1);
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      if (handshake_done_) {
        // close_notify first: a client can then tell the end from a cut
        // connection, and its session stays good for resumption. The wait
        // for the client's own close_notify is bounded like a handshake.
        Lowest(stream_).expires_after(std::chrono::seconds(options_.tls.handshake_timeout_seconds));
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
          beast::error_code ignored;
          Lowest(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
          Lowest(self->stream_).close();
        });
        return;
      }
    }
    beast::error_code ec;
    Lowest(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string peer_der_;
  std::string peer_address_;
  std::string out_;  // the answer being written
  Shared& shared_;
  const ServerOptions& options_;
  std::unique_ptr<ConnectionLimits::Slot> slot_;  // this connection's place
  bool handshake_done_ = false;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, AsyncHandler h)
      : options(o),
        shared(std::move(o), std::move(h), options.metrics ? *options.metrics : own_metrics),
        tls(ssl::context::tls_server),
        acceptor(io),
        accept_timer(io),
        signals(io, SIGINT, SIGTERM) {}
  ~Impl() {
    if (reserve_fd >= 0) ::close(reserve_fd);
  }

  bool UseTls() const { return !options.tls.cert_file.empty(); }

  void ConfigureTls() {
    // TLS 1.2 and 1.3 only; no compression or renegotiation.
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::single_dh_use);
    SSL_CTX* ctx = tls.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(
        ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
      throw std::runtime_error("the TLS 1.2 cipher list is not supported by this OpenSSL");
    }
    if (SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof kSessionIdContext - 1) != 1) {
      throw std::runtime_error("cannot set the TLS session id context");
    }
    tls.use_certificate_chain_file(options.tls.cert_file);
    tls.use_private_key_file(options.tls.key_file, ssl::context::pem);
    if (options.tls.request_client_certificate) {
      // Ask for a certificate but decide about it in the application (see
      // Request::peer_certificate_der).
      tls.set_verify_mode(ssl::verify_peer);
      tls.set_verify_callback([](bool, ssl::verify_context&) { return true; });
    }
  }

  // The context the next connection lives on, round robin over the
  // threads: its reads, handler and writes run on that thread alone.
  asio::io_context& NextContext() {
    if (contexts.empty()) return io;
    const size_t i = next_context++ % (contexts.size() + 1);
    return i == 0 ? io : *contexts[i - 1];
  }

  void Accept() {
    acceptor.async_accept(NextContext(), [this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (ec == asio::error::connection_aborted) return Accept();  // the client gave up
      if (ec) return AcceptFailed(ec);
      accept_failing = false;
      Admit(std::move(socket));
      Accept();
    });
  }

  // Out of descriptors (or memory): the waiting connection stays in the
  // listen queue and the socket stays readable, so accepting again at once
  // fails again at once. Instead: free the reserve descriptor to take the
  // oldest waiting connection and close it (its client learns at once
  // instead of waiting out its own timeout), then pause before the next
  // accept while the requests in progress finish and free descriptors.
  void AcceptFailed(const beast::error_code& ec) {
    shared.metrics.accept_errors.Add();
    if (!accept_failing) {
      std::cerr << "onshi: accept failed (" << ec.message() << "); pausing new connections\n";
      accept_failing = true;
    }
    if (ec == asio::error::no_descriptors || ec.value() == ENFILE) Shed();
    accept_timer.expires_after(kAcceptBackoff);
    accept_timer.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec || !acceptor.is_open()) return;
      Accept();
    });
  }

  void Shed() {
    if (reserve_fd >= 0) {
      ::close(reserve_fd);
      reserve_fd = -1;
    }
    const int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      ::close(fd);
      shared.metrics.shed.Add();
    }
    reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

  void Admit(tcp::socket socket) {
    beast::error_code ec;
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    std::unique_ptr<ConnectionLimits::Slot> slot;
    switch (limits->Admit(peer.address().to_string(), &slot)) {
      case ConnectionLimits::Verdict::kAdmitted:
        break;
      case ConnectionLimits::Verdict::kTotalFull:
        shared.metrics.refused_total.Add();
        socket.close(ec);
        return;
      case ConnectionLimits::Verdict::kAddressFull:
        shared.metrics.refused_address.Add();
        socket.close(ec);
        return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (UseTls()) {
      std::make_shared<Session<TlsStream>>(shared, std::move(slot), std::move(socket), tls)
          ->Start();
    } else {
      std::make_shared<Session<PlainStream>>(shared, std::move(slot), std::move(socket))->Start();
    }
  }

  ServerOptions options;
  Metrics own_metrics;
  Shared shared;
  std::unique_ptr<ConnectionLimits> limits;  // made at Start()
  // The io_context of each thread after the first (which runs `io`).
  // Destroyed after `io`: an accept still pending there holds a socket
  // made for one of them.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  asio::io_context io;
  size_t next_context = 0;  // where the next connection goes (NextContext)
  // Destroyed before the contexts: requests queued here hold connections.
  std::unique_ptr<asio::thread_pool> blocking;
  ssl::context tls;
  tcp::acceptor acceptor;
  asio::steady_timer accept_timer;  // the pause after a failed accept
  bool accept_failing = false;      // reported once per episode
  int reserve_fd = -1;              // /dev/null, closed to make room for Shed()
  asio::signal_set signals;
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};
};

HttpServer::HttpServer(ServerOptions options, AsyncHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : HttpServer(std::move(options),
                 AsyncHandler([h = std::move(handler)](const Request& r, Completion done) {
                   done(h(r));
                 })) {}

HttpServer::~HttpServer() {
  Stop();
}

std::string ResolveListenHost(const std::string& host) {
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  boost::system::error_code ec;
  const asio::ip::address numeric = asio::ip::make_address(h, ec);
  if (!ec) return numeric.to_string();
  asio::io_context io;
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(h, "", ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve listen host \"" + h + "\"" +
                             (ec ? ": " + ec.message() : std::string()));
  }
  for (const auto& r : results) {
    if (r.endpoint().address().is_v4()) return r.endpoint().address().to_string();
  }
  return results.begin()->endpoint().address().to_string();
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
  const tcp::endpoint ep(asio::ip::make_address(ResolveListenHost(impl_->options.address)),
                         impl_->options.port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  beast::error_code ec;
  impl_->acceptor.bind(ep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.address + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  // Shed() calls accept4(2) on it directly and must never block.
  impl_->acceptor.non_blocking(true);
  const size_t max_total = impl_->options.max_connections > 0
                               ? impl_->options.max_connections
                               : DefaultMaxConnections(RaiseFileLimit());
  impl_->limits =
      std::make_unique<ConnectionLimits>(max_total, impl_->options.max_connections_per_address);
  impl_->reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int n = impl_->options.threads > 0
                    ? impl_->options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i < n; ++i)
    impl_->contexts.push_back(std::make_unique<asio::io_context>(1));  // run by one thread
  if (impl_->options.answers_inline) {
    const int b = impl_->options.blocking_threads > 0 ? impl_->options.blocking_threads : n;
    impl_->blocking = std::make_unique<asio::thread_pool>(static_cast<size_t>(b));
    impl_->shared.blocking = impl_->blocking.get();
  }
  impl_->Accept();
  // Each thread runs until Stop(), also while it has nothing to wait for:
  // an answer still being made elsewhere (on the pool, by the signer) is
  // written by the connection's thread when it comes.
  auto run = [](asio::io_context* ctx) {
    auto work = asio::make_work_guard(*ctx);
    ctx->run();
  };
  impl_->threads.emplace_back(run, &impl_->io);
  for (auto& c : impl_->contexts)
    impl_->threads.emplace_back(run, c.get());
}

uint16_t HttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

size_t HttpServer::max_connections() const {
  return impl_->limits ? impl_->limits->max_total() : 0;
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
    impl_->accept_timer.cancel();
    impl_->signals.cancel(ec);
  });
  if (!impl_->threads.empty()) {
    for (int i = 0; i < 500 && impl_->shared.in_flight.load() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (impl_->blocking) {
    impl_->blocking->stop();
    impl_->blocking->join();
  }
  impl_->io.stop();
  for (auto& c : impl_->contexts)
    c->stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace onshi::http
