#include "http/client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <chrono>

#include "http/field_name.hpp"

namespace onshi::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct Url {
  bool tls = true;
  std::string host;
  std::string port;
};

Expected<Url> ParseUrl(const std::string& url) {
  Url u;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    u.tls = false;
    rest.remove_prefix(7);
  } else {
    return Error{"url", "must start with https:// or http://: " + url};
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos)
    rest = rest.substr(0, slash);
  std::string_view host = rest, port = u.tls ? "443" : "80";
  if (rest.starts_with('[')) {  // [::1]:8443
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return Error{"url", "unclosed [ in " + url};
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return Error{"url", "no host in " + url};
  u.host = std::string(host);
  u.port = std::string(port);
  return u;
}

template <class Stream>
Expected<ClientResponse> Exchange(Stream& stream, const Url& u, const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::string_view body) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::host, u.host + ":" + u.port);
  req.set(bhttp::field::user_agent, "onshi");
  req.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : headers)
    req.set(name, value);
  req.body() = std::string(body);
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(stream, buffer, parser);
  const auto& res = parser.get();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res)
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = res.body();
  return out;
}

}  // namespace

std::string ClientResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (SameToken(k, name)) return v;
  }
  return "";
}

Expected<ClientResponse> Post(const std::string& url, const std::string& target,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string_view body, const ClientOptions& options) {
  auto u = ParseUrl(url);
  if (!u.ok()) return u.error();
  try {
    asio::io_context io;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(u->host, u->port);
    const auto deadline = std::chrono::seconds(options.timeout_seconds);
    if (!u->tls) {
      beast::tcp_stream stream(io);
      stream.expires_after(deadline);
      stream.connect(endpoints);
      auto out = Exchange(stream, *u, target, headers, body);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return out;
    }
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                    ssl::context::no_tlsv1_1);
    if (options.ca_file.empty()) {
      ctx.set_default_verify_paths();
    } else {
      ctx.load_verify_file(options.ca_file);
    }
    ctx.set_verify_mode(ssl::verify_peer);
    if (!options.cert_file.empty()) {
      ctx.use_certificate_chain_file(options.cert_file);
      ctx.use_private_key_file(options.key_file, ssl::context::pem);
    }
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    // The host name is checked against the certificate, and sent as SNI
    // unless it is an IP address (RFC 6066 forbids literal addresses there).
    boost::system::error_code not_ip;
    asio::ip::make_address(u->host, not_ip);
    if (not_ip) SSL_set_tlsext_host_name(stream.native_handle(), u->host.c_str());
    stream.set_verify_callback(ssl::host_name_verification(u->host));
    beast::get_lowest_layer(stream).expires_after(deadline);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(ssl::stream_base::client);
    auto out = Exchange(stream, *u, target, headers, body);
    beast::error_code ignored;
    stream.shutdown(ignored);  // close_notify; the server may already have closed
    return out;
  } catch (const std::exception& e) {
    return Error{"connection", url + target + ": " + e.what()};
  }
}

}  // namespace onshi::http
