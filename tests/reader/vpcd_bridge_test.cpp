// VpcdBridge against a fake vpcd in the test: the framing, the controls, and
// recovery from a bad frame or a vpcd that goes away and comes back.
#include "card/vpcd_bridge.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "reader_test_util.hpp"

namespace onshi::card {
namespace {

using reader::Bytes;
using testing::MakeCard;
using testing::TempDir;

// The server side of the protocol, as vpcd runs it: listens on an ephemeral
// loopback port and accepts the card.
class FakeVpcd {
 public:
  FakeVpcd() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(listener_, 4);
  }
  ~FakeVpcd() {
    Drop();
    if (listener_ >= 0) ::close(listener_);
  }
  uint16_t port() const { return port_; }

  bool Accept(int timeout_ms = 5000) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return false;
    conn_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    return conn_ >= 0;
  }
  void Drop() {
    if (conn_ >= 0) ::close(conn_);
    conn_ = -1;
  }
  // Sends raw bytes, optionally one at a time (short reads on the far side).
  void SendRaw(const Bytes& bytes, bool trickle = false) {
    if (!trickle) {
      ASSERT_EQ(::send(conn_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                static_cast<ssize_t>(bytes.size()));
      return;
    }
    for (uint8_t b : bytes) {
      ASSERT_EQ(::send(conn_, &b, 1, MSG_NOSIGNAL), 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  void Send(const Bytes& payload, bool trickle = false) {
    Bytes frame = {static_cast<uint8_t>(payload.size() >> 8),
                   static_cast<uint8_t>(payload.size() & 0xFF)};
    frame.insert(frame.end(), payload.begin(), payload.end());
    SendRaw(frame, trickle);
  }
  Bytes Receive() {
    uint8_t header[2];
    if (!ReadFull(header, 2)) return {};
    Bytes payload((size_t{header[0]} << 8) | header[1]);
    if (!ReadFull(payload.data(), payload.size())) return {};
    return payload;
  }
  // True if the peer closed the connection within the timeout.
  bool PeerClosed(int timeout_ms = 5000) {
    pollfd p{conn_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return false;
    uint8_t b;
    return ::recv(conn_, &b, 1, 0) == 0;
  }

 private:
  bool ReadFull(uint8_t* out, size_t n) {
    size_t got = 0;
    while (got < n) {
      pollfd p{conn_, POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1) return false;
      const ssize_t r = ::recv(conn_, out + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  }
  int listener_ = -1;
  int conn_ = -1;
  uint16_t port_ = 0;
};

const Bytes kSelectAp = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0,
                         0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};

class VpcdBridgeTest : public ::testing::Test {
 protected:
  VpcdBridgeTest()
      : key_(IssuerKey::LoadOrCreate(dir_ / "issuer.key").value()),
        card_(MakeCard(dir_ / "card.bin", key_)) {}
  ~VpcdBridgeTest() override { StopBridge(); }

  void StartBridge() {
    VpcdBridgeOptions options;
    options.host = "127.0.0.1";
    options.port = vpcd_.port();
    options.first_backoff = std::chrono::milliseconds(10);
    options.max_backoff = std::chrono::milliseconds(100);
    bridge_ = std::make_unique<VpcdBridge>(&card_, options);
    thread_ = std::thread([this] { bridge_->Run(); });
  }
  void StopBridge() {
    if (!bridge_) return;
    bridge_->Stop();
    thread_.join();
    bridge_.reset();
  }

  TempDir dir_;
  IssuerKey key_;
  Card card_;
  FakeVpcd vpcd_;
  std::unique_ptr<VpcdBridge> bridge_;
  std::thread thread_;
};

TEST_F(VpcdBridgeTest, AnswersAtrAndApdusAndIgnoresPowerControls) {
  StartBridge();
  ASSERT_TRUE(vpcd_.Accept());
  vpcd_.Send({0x01});  // power on: no answer
  vpcd_.Send({0x04});
  EXPECT_EQ(vpcd_.Receive(), Card::Atr());
  vpcd_.Send(kSelectAp);
  EXPECT_EQ(vpcd_.Receive(), (Bytes{0x90, 0x00}));
  vpcd_.Send({0x02});                                      // reset
  vpcd_.Send({0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A});  // AP no longer selected
  EXPECT_EQ(vpcd_.Receive(), (Bytes{0x6A, 0x82}));
  EXPECT_EQ(bridge_->apdus(), 2u);
}

TEST_F(VpcdBridgeTest, ReassemblesFramesThatArriveByteByByte) {
  StartBridge();
  ASSERT_TRUE(vpcd_.Accept());
  vpcd_.Send(kSelectAp, /*trickle=*/true);
  EXPECT_EQ(vpcd_.Receive(), (Bytes{0x90, 0x00}));
}

TEST_F(VpcdBridgeTest, OversizeOrEmptyFrameDropsTheConnectionAndReconnects) {
  StartBridge();
  ASSERT_TRUE(vpcd_.Accept());
  vpcd_.SendRaw({0xFF, 0xFF});  // 65535 bytes announced
  EXPECT_TRUE(vpcd_.PeerClosed());
  vpcd_.Drop();
  ASSERT_TRUE(vpcd_.Accept());
  vpcd_.SendRaw({0x00, 0x00});  // zero length
  EXPECT_TRUE(vpcd_.PeerClosed());
  vpcd_.Drop();
  ASSERT_TRUE(vpcd_.Accept());
  vpcd_.Send({0x04});
  EXPECT_EQ(vpcd_.Receive(), Card::Atr());
  EXPECT_EQ(bridge_->connections(), 3u);
}

TEST_F(VpcdBridgeTest, ReconnectsWhenVpcdRestartsAndResetsTheCard) {
  StartBridge();
  ASSERT_TRUE(vpcd_.Accept());
  vpcd_.Send(kSelectAp);
  EXPECT_EQ(vpcd_.Receive(), (Bytes{0x90, 0x00}));
  vpcd_.Send({0x00, 0x0B});  // half a frame, then vpcd goes away
  vpcd_.Drop();
  ASSERT_TRUE(vpcd_.Accept());
  // A new insertion: nothing selected.
  vpcd_.Send({0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A});
  EXPECT_EQ(vpcd_.Receive(), (Bytes{0x6A, 0x82}));
}

TEST(VpcdBridgeStopTest, StopEndsRunEvenWithoutVpcd) {
  TempDir dir;
  auto key = IssuerKey::LoadOrCreate(dir / "issuer.key").value();
  Card card(MakeCard(dir / "card.bin", key));
  VpcdBridgeOptions options;
  options.host = "127.0.0.1";
  options.port = 1;  // nothing listens: connect fails at once, backoff forever
  VpcdBridge bridge(&card, options);
  // Issue 21: the test slept 100 ms and then checked that nothing connected
  // to port 1, which cannot fail. What it names is that Stop ends Run: Run
  // must return, and a Run that keeps retrying fails here instead of hanging
  // the suite.
  auto run = std::async(std::launch::async, [&] { bridge.Run(); });
  bridge.Stop();
  ASSERT_EQ(run.wait_for(std::chrono::seconds(30)), std::future_status::ready)
      << "Run still retrying 30 s after Stop";
  EXPECT_FALSE(bridge.connected());
}

TEST(ParseVpcdAddressTest, HostPortForms) {
  EXPECT_EQ(ParseVpcdAddress("localhost:35963")->port, 35963);
  EXPECT_EQ(ParseVpcdAddress("10.0.0.2:40000")->host, "10.0.0.2");
  EXPECT_EQ(ParseVpcdAddress(":40000")->host, "localhost");
  EXPECT_EQ(ParseVpcdAddress("cardhost")->port, 35963);
  EXPECT_EQ(ParseVpcdAddress("[::1]:40000")->host, "::1");
  EXPECT_FALSE(ParseVpcdAddress("host:0").ok());
  EXPECT_FALSE(ParseVpcdAddress("host:65536").ok());
  EXPECT_FALSE(ParseVpcdAddress("host:").ok());
  EXPECT_FALSE(ParseVpcdAddress("host:12x").ok());
}

}  // namespace
}  // namespace onshi::card
