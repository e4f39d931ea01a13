// VpcdBridge: puts an emulated Card into a real PC/SC stack through
// vsmartcard's vpcd (card-and-identifiers.md §6).
//
// vpcd is a pcsc-lite reader driver that *listens* (by default on
// localhost:35963, from DEVICENAME /dev/null:0x8C7B in /etc/reader.conf.d/);
// the virtual card connects to it as a TCP client. Every message either way
// is a 2-byte big-endian length and that many bytes. From vpcd, a 1-byte
// message is a control — 00 power off, 01 power on, 02 reset, 04 get ATR —
// and anything longer a C-APDU. Only "get ATR" and C-APDUs are answered (the
// ATR, the R-APDU). Power off, on and reset are all Card::Reset(): the card
// keeps no state across a power cycle but what is in its file.
//
// The bridge is the client and never gives up: when vpcd is not there yet,
// goes away (pcscd restarted) or sends something that cannot be vpcd's (a
// zero length, a frame longer than kMaxFrame), it closes the socket and
// connects again with exponential backoff. Each new connection is a new
// insertion of the card, so the card is reset first.
//
// Plain POSIX sockets and poll(); Stop() wakes the loop through a pipe.
#ifndef ONSHI_CARD_VPCD_BRIDGE_HPP_
#define ONSHI_CARD_VPCD_BRIDGE_HPP_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "card/card.hpp"
#include "core/expected.hpp"

namespace onshi::card {

struct VpcdBridgeOptions {
  std::string host = "localhost";
  uint16_t port = 35963;  // 0x8C7B, vpcd's first slot
  // Reconnect delays double from the first to the cap; a connection that
  // lasted resets them.
  std::chrono::milliseconds first_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
};

// "host:port", ":port" or "host" (default port); an error for a port that is
// not 1..65535. IPv6 literals go in brackets: "[::1]:35963".
Expected<VpcdBridgeOptions> ParseVpcdAddress(const std::string& address);

class VpcdBridge {
 public:
  // The largest message accepted from vpcd. The card speaks short APDUs only
  // (at most 261 bytes); an extended APDU of a few KiB is still read and gets
  // 6700 from the card, but a length beyond this means the stream is not
  // vpcd's (or is out of step), and is dropped instead of buffered.
  static constexpr size_t kMaxFrame = 4096;

  // `card` must outlive the bridge and is used only from the thread in Run().
  VpcdBridge(Card* card, VpcdBridgeOptions options);
  ~VpcdBridge();
  VpcdBridge(const VpcdBridge&) = delete;
  VpcdBridge& operator=(const VpcdBridge&) = delete;

  // Serves the card, reconnecting as needed, until Stop(). Call once.
  void Run();

  // Makes Run() return soon (within one poll). Safe from any thread and from
  // a signal handler (it only write()s to a pipe).
  void Stop();

  // Connections established so far, and APDUs answered: for tests and logs.
  uint64_t connections() const { return connections_.load(); }
  uint64_t apdus() const { return apdus_.load(); }
  bool connected() const { return connected_.load(); }

 private:
  enum class ReadResult { kOk, kClosed, kStopped };

  int Connect();       // -1 if not connected (stop or failure)
  void Serve(int fd);  // until the connection ends or Stop()
  ReadResult ReadFull(int fd, uint8_t* out, size_t n);
  bool WriteFrame(int fd, const std::vector<uint8_t>& payload);
  bool SleepUnlessStopped(std::chrono::milliseconds d);  // false when stopped

  Card* card_;
  VpcdBridgeOptions options_;
  int wake_[2] = {-1, -1};  // self-pipe: Stop() writes, the loop polls
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> apdus_{0};
};

}  // namespace onshi::card

#endif  // ONSHI_CARD_VPCD_BRIDGE_HPP_
