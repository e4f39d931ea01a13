#include "card/vpcd_bridge.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>

namespace onshi::card {
namespace {

constexpr uint8_t kPowerOff = 0x00;
constexpr uint8_t kPowerOn = 0x01;
constexpr uint8_t kReset = 0x02;
constexpr uint8_t kGetAtr = 0x04;

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

Expected<VpcdBridgeOptions> ParseVpcdAddress(const std::string& address) {
  VpcdBridgeOptions options;
  std::string host = address;
  std::string port;
  if (!address.empty() && address.front() == '[') {
    const size_t close = address.find(']');
    if (close == std::string::npos) return MakeError("vpcd", "unbalanced [ in " + address);
    host = address.substr(1, close - 1);
    if (close + 1 < address.size()) {
      if (address[close + 1] != ':') return MakeError("vpcd", "expected :port after ]");
      port = address.substr(close + 2);
    }
  } else if (const size_t colon = address.rfind(':'); colon != std::string::npos) {
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  if (!host.empty()) options.host = host;
  if (!port.empty() || address.ends_with(':')) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return MakeError("vpcd", "bad port in " + address);
    }
    options.port = static_cast<uint16_t>(value);
  }
  return options;
}

VpcdBridge::VpcdBridge(Card* card, VpcdBridgeOptions options)
    : card_(card), options_(std::move(options)) {
  // O_NONBLOCK on the write end: Stop() from a signal handler must never
  // block, and one byte in the pipe is as good as many.
  if (::pipe2(wake_, O_CLOEXEC) == 0) {
    ::fcntl(wake_[1], F_SETFL, O_NONBLOCK);
  }
}

VpcdBridge::~VpcdBridge() {
  CloseFd(wake_[0]);
  CloseFd(wake_[1]);
}

void VpcdBridge::Stop() {
  stop_.store(true);
  const uint8_t byte = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_[1], &byte, 1);
}

bool VpcdBridge::SleepUnlessStopped(std::chrono::milliseconds d) {
  pollfd p{wake_[0], POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(d.count()));
  return !stop_.load();
}

void VpcdBridge::Run() {
  std::chrono::milliseconds backoff = options_.first_backoff;
  while (!stop_.load()) {
    int fd = Connect();
    if (fd < 0) {
      if (!SleepUnlessStopped(backoff)) break;
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    connections_.fetch_add(1);
    connected_.store(true);
    card_->Reset();  // a new connection is a new insertion
    Serve(fd);
    connected_.store(false);
    CloseFd(fd);
    // A connection that vpcd dropped at once (e.g. the slot already has a
    // card) must not turn into a tight reconnect loop; one that lasted
    // starts the backoff over.
    if (std::chrono::steady_clock::now() - started > options_.max_backoff) {
      backoff = options_.first_backoff;
    } else {
      if (!SleepUnlessStopped(backoff)) break;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

int VpcdBridge::Connect() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(options_.port);
  if (::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &list) != 0) return -1;
  int fd = -1;
  for (addrinfo* ai = list; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) CloseFd(fd);
  }
  ::freeaddrinfo(list);
  if (fd >= 0) {
    // One small frame per APDU, each awaited by pcscd: Nagle would only add
    // latency.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

VpcdBridge::ReadResult VpcdBridge::ReadFull(int fd, uint8_t* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    pollfd p[2] = {{fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return ReadResult::kClosed;
    }
    if (stop_.load()) return ReadResult::kStopped;
    if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r <= 0) return ReadResult::kClosed;
    got += static_cast<size_t>(r);
  }
  return ReadResult::kOk;
}

bool VpcdBridge::WriteFrame(int fd, const std::vector<uint8_t>& payload) {
  if (payload.size() > 0xFFFF) return false;
  std::vector<uint8_t> frame;
  frame.reserve(payload.size() + 2);
  frame.push_back(static_cast<uint8_t>(payload.size() >> 8));
  frame.push_back(static_cast<uint8_t>(payload.size() & 0xFF));
  frame.insert(frame.end(), payload.begin(), payload.end());
  size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t w = ::send(fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    sent += static_cast<size_t>(w);
  }
  return true;
}

void VpcdBridge::Serve(int fd) {
  std::vector<uint8_t> message;
  while (!stop_.load()) {
    uint8_t header[2];
    if (ReadFull(fd, header, 2) != ReadResult::kOk) return;
    const size_t length = (size_t{header[0]} << 8) | header[1];
    if (length == 0 || length > kMaxFrame) {
      std::fprintf(stderr, "vpcd bridge: frame length %zu out of range, reconnecting\n", length);
      return;
    }
    message.resize(length);
    if (ReadFull(fd, message.data(), length) != ReadResult::kOk) return;

    if (length == 1) {
      switch (message[0]) {
        case kPowerOff:
        case kPowerOn:
        case kReset:
          card_->Reset();
          break;
        case kGetAtr:
          if (!WriteFrame(fd, Card::Atr())) return;
          break;
        default:
          // Unknown controls are ignored, as vicc does: vpcd expects no
          // answer to anything but "get ATR" among them.
          break;
      }
      continue;
    }
    const std::vector<uint8_t> response = card_->Transmit(message);
    apdus_.fetch_add(1);
    if (!WriteFrame(fd, response)) return;
  }
}

}  // namespace onshi::card
