// PcscReader: one card in one PC/SC reader, through pcsc-lite (libpcsclite
// talking to pcscd).
//
// The same code reaches a physical card in a USB reader and the emulated
// card behind vsmartcard's vpcd: pcscd cannot tell them apart, which is the
// point of testing through it. The client library finds pcscd through
// $PCSCLITE_CSOCK_NAME when set (else /run/pcscd/pcscd.comm), so a test can
// run a private pcscd without touching the system's.
//
// Each PcscReader holds its own PC/SC context and card handle (shared mode);
// it is movable, not copyable, and not thread-safe.
#ifndef ONSHI_READER_PCSC_READER_HPP_
#define ONSHI_READER_PCSC_READER_HPP_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "reader/transmit.hpp"

namespace onshi::reader {

enum class Protocol { kT0, kT1 };

class PcscReader {
 public:
  // The reader names pcscd knows, in its order; empty if there are none.
  static Expected<std::vector<std::string>> ListReaders();

  // Waits until a card is present in `reader` (waiting also for the reader
  // itself to appear), for at most `timeout`.
  static std::optional<Error> WaitForCard(const std::string& reader,
                                          std::chrono::milliseconds timeout);
  // Waits until `reader` has no card (taken out, or its emulator gone).
  static std::optional<Error> WaitForRemoval(const std::string& reader,
                                             std::chrono::milliseconds timeout);

  // Connects to the card in `reader` in shared mode, letting the card choose
  // T=1 or T=0.
  static Expected<PcscReader> Connect(const std::string& reader);

  PcscReader(PcscReader&&) noexcept;
  PcscReader& operator=(PcscReader&&) noexcept;
  ~PcscReader();  // disconnects, leaving the card powered

  // Sends one C-APDU with SCardTransmit. The transport-level answers of T=0
  // are handled here, so callers see whole responses on either protocol:
  // 61xx is followed by GET RESPONSE until the card has nothing more, and
  // 6Cxx (wrong Le) is answered by sending the command again with Le = xx.
  Expected<Bytes> Transmit(const Bytes& capdu);

  // A TransmitFn bound to this reader; it must not outlive the reader.
  TransmitFn AsTransmit();

  // Power-cycles the card (SCardReconnect with SCARD_RESET_CARD).
  std::optional<Error> ResetCard();

  const Bytes& atr() const;
  Protocol protocol() const;

 private:
  struct Impl;
  explicit PcscReader(std::unique_ptr<Impl> impl);
  static std::optional<Error> WaitForState(const std::string& reader, bool present,
                                           std::chrono::milliseconds timeout);
  Expected<Bytes> TransmitOnce(const Bytes& capdu);
  std::unique_ptr<Impl> impl_;
};

}  // namespace onshi::reader

#endif  // ONSHI_READER_PCSC_READER_HPP_
