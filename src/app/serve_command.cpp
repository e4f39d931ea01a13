// `onshi serve`: the central service. Until the OQS endpoints land it
// answers the health check and a start page describing the database.
#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>

#include "app/cli.hpp"
#include "http/server.hpp"
#include "store/store.hpp"

namespace onshi::app {
namespace {

std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

}  // namespace

int ServeCommand(const std::vector<std::string>& argv) {
  Args args(argv, {{"db", true}, {"key-file", true}, {"listen", true}, {"threads", true}});
  const std::string db = DatabaseLocation(args);
  const std::string key_file = KeyFileFor(args, db);
  // Opened once up front so a bad path or key file fails before listening.
  auto store = store::OpenStore(db, key_file);
  const store::StoreCounts counts = store->Counts();
  const int schema = store->SchemaVersion();
  std::mutex store_mu;  // SqliteStore is one connection: serialise access

  http::ServerOptions opt;
  const std::string listen = args.Get("listen", "127.0.0.1:8080");
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be ADDR:PORT");
  opt.address = listen.substr(0, colon);
  const long long port = std::stoll(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("--listen port out of range");
  opt.port = static_cast<uint16_t>(port);
  opt.threads = static_cast<int>(args.GetInt("threads", 0));

  http::HttpServer server(opt, [&](const http::Request& req) -> http::Response {
    const std::string path = req.target.substr(0, req.target.find('?'));
    if (path == "/healthz") {
      int version = 0;
      {
        std::lock_guard<std::mutex> lock(store_mu);
        version = store->SchemaVersion();  // a real round trip to the database
      }
      return {200,
              "application/json",
              {},
              "{\"status\":\"ok\",\"schema_version\":" + std::to_string(version) +
                  ",\"database\":\"" + JsonEscape(db) + "\",\"time\":\"" + UtcNow() + "\"}"};
    }
    if (path == "/") {
      return {200,
              "text/plain; charset=utf-8",
              {},
              "onshi — オンライン資格確認等システム\n\n"
              "database: " +
                  db + " (schema " + std::to_string(schema) +
                  ")\n"
                  "persons: " +
                  std::to_string(counts.persons) + "\nmembers: " + std::to_string(counts.members) +
                  "\ninsurers: " + std::to_string(counts.insurers) +
                  "\ncards: " + std::to_string(counts.cards) +
                  "\nfacilities: " + std::to_string(counts.facilities) + "\n\nGET /healthz\n"};
    }
    return {404,
            "application/problem+json",
            {},
            "{\"type\":\"about:blank\",\"title\":\"not found\",\"status\":404,\"detail\":\"no "
            "route for " +
                JsonEscape(path) + "\"}"};
  });
  server.Start();
  std::cout << "onshi: serving " << db << " on http://" << opt.address << ":" << server.port()
            << "/" << std::endl;
  server.RunUntilSignalled();
  std::cout << "onshi: stopped" << std::endl;
  return 0;
}

}  // namespace onshi::app
