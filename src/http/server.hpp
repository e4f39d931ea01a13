// HttpServer: the HTTP/1.1 front of `onshi serve`.
//
// Callers see only these plain structs; Boost.Beast stays inside server.cpp
// so that no other translation unit pays its compile time. The server runs a
// fixed number of threads, each with its own io_context and the connections
// given to it (as nginx's workers do: a request's read, handler and write
// never wake another thread), keeps connections alive, limits request size
// and idle time, and shuts down gracefully on Stop() or on SIGINT/SIGTERM
// when RunUntilSignalled() is used. A handler that may block would hold
// every connection of its thread, so with ServerOptions::answers_inline set
// only the requests it names run there and the rest on a shared pool.
#ifndef ONSHI_HTTP_SERVER_HPP_
#define ONSHI_HTTP_SERVER_HPP_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace onshi::http {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // DER of the certificate the client presented in the TLS handshake, or ""
  // (plain HTTP, or no certificate). The server accepts any certificate at
  // the TLS layer and leaves the verdict to the application, so that a
  // certificate from the wrong CA gets an answer in the caller's own format
  // instead of a bare handshake alert.
  std::string peer_certificate_der;
  // The client's IP address as the socket sees it ("127.0.0.1", "::1"), or
  // "" if unknown. For per-client limits; behind a proxy it is the proxy's.
  std::string peer_address;

  // First header with this name (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called on a pool thread; must be thread-safe. Exceptions become a 500.
using Handler = std::function<Response(const Request&)>;

// The answer to one request, to be called exactly once, from any thread. The
// connection waits for it (and reads nothing else) until it is called.
using Completion = std::function<void(Response)>;
// A handler that may answer later: it returns at once and calls `done` when
// the answer is ready (the proof signer does, on its own thread), so that a
// pool thread never waits for slow work that is not its own. The request is
// valid only during the call. An exception before `done` is called becomes
// a 500.
using AsyncHandler = std::function<void(const Request&, Completion done)>;

// TLS settings; empty cert_file means plain HTTP. TLS 1.2 offers only ECDHE
// with AEAD suites (AES-GCM, ChaCha20-Poly1305); TLS 1.3's suites are all
// AEAD. Sessions may be resumed (tickets), also when a client certificate
// was asked for, and connections end with close_notify.
struct TlsOptions {
  std::string cert_file;                   // server certificate chain, PEM
  std::string key_file;                    // its private key, PEM
  bool request_client_certificate = true;  // ask for (not require) a client cert
  // A connection that has not finished its handshake by then is closed: a
  // client that connects and sends nothing holds a descriptor that long.
  int handshake_timeout_seconds = 10;
};

class Metrics;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (see HttpServer::port())
  int threads = 0;       // 0 = number of cores
  // Which requests are answered on the thread that owns their connection:
  // those whose handler never waits (for a lock, a disk, another server).
  // Every other request runs on a shared pool of `blocking_threads` threads
  // (0 = as many as `threads`), so that an upload held by the database's
  // write lock delays no one else's check. Unset: every request is
  // answered on its connection's thread.
  std::function<bool(const Request&)> answers_inline;
  int blocking_threads = 0;
  size_t max_body_bytes = 1 << 20;
  int idle_timeout_seconds = 30;
  // Connections held open at once (see http/connection_limits.hpp); a new
  // one over either cap is closed at once. 0 for max_connections means
  // DefaultMaxConnections(the descriptor limit at Start()); 0 for the
  // per-address cap means none.
  size_t max_connections = 0;
  size_t max_connections_per_address = 256;
  // Connection counters and gauges go here when given
  // (onshi_http_connections_*, onshi_http_accept_errors_total).
  Metrics* metrics = nullptr;
  TlsOptions tls;
  // The answer to a request whose body is over max_body_bytes, made from its
  // method, target and headers (the body is never read; `body` is empty) so
  // that each caller gets it in its own format (an OQS client an OQS error
  // answer). Unset, or nullopt from it: the server's problem document. The
  // connection is closed after it.
  std::function<std::optional<Response>(const Request&)> too_large;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  HttpServer(ServerOptions options, AsyncHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; throws std::runtime_error if the port is taken.
  void Start();
  uint16_t port() const;  // the bound port, valid after Start()
  // The total connection cap in force, valid after Start().
  size_t max_connections() const;
  // Blocks until Stop() is called or SIGINT/SIGTERM arrives.
  void RunUntilSignalled();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The numeric address to bind for a listen host: an IP address as it is
// ("127.0.0.1", "::1", "[::1]" without its brackets), a host name resolved
// ("localhost"; its first IPv4 address if it has one). Throws
// std::runtime_error when the name does not resolve.
std::string ResolveListenHost(const std::string& host);

}  // namespace onshi::http

#endif  // ONSHI_HTTP_SERVER_HPP_
