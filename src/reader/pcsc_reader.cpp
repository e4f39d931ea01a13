#include "reader/pcsc_reader.hpp"

#include <winscard.h>

#include <thread>

namespace onshi::reader {
namespace {

// pcsc-lite's own text for a return code ("Service not available.").
Error PcscError(const std::string& what, LONG rv) {
  return MakeError("pcsc", what + ": " + pcsc_stringify_error(rv));
}

// A PC/SC context released on scope exit.
class Context {
 public:
  Context() { rv_ = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx_); }
  ~Context() {
    if (rv_ == SCARD_S_SUCCESS) SCardReleaseContext(ctx_);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  LONG status() const { return rv_; }
  SCARDCONTEXT get() const { return ctx_; }
  // Hands the context to the caller, who must release it.
  SCARDCONTEXT Release() {
    rv_ = SCARD_E_INVALID_HANDLE;
    return ctx_;
  }

 private:
  SCARDCONTEXT ctx_ = 0;
  LONG rv_ = SCARD_E_INVALID_HANDLE;
};

Expected<std::vector<std::string>> ReadersOf(SCARDCONTEXT ctx) {
  DWORD size = 0;
  LONG rv = SCardListReaders(ctx, nullptr, nullptr, &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>{};
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardListReaders", rv);
  std::string buffer(size, '\0');
  rv = SCardListReaders(ctx, nullptr, buffer.data(), &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>{};
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardListReaders", rv);
  // A multi-string: names separated by NULs, ended by an empty name.
  std::vector<std::string> names;
  for (size_t i = 0; i < buffer.size() && buffer[i] != '\0';) {
    const size_t end = buffer.find('\0', i);
    names.push_back(buffer.substr(i, end - i));
    i = end + 1;
  }
  return names;
}

}  // namespace

struct PcscReader::Impl {
  SCARDCONTEXT context = 0;
  SCARDHANDLE card = 0;
  DWORD protocol = SCARD_PROTOCOL_T1;
  Bytes atr;

  ~Impl() {
    if (card != 0) SCardDisconnect(card, SCARD_LEAVE_CARD);
    if (context != 0) SCardReleaseContext(context);
  }
};

PcscReader::PcscReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PcscReader::PcscReader(PcscReader&&) noexcept = default;
PcscReader& PcscReader::operator=(PcscReader&&) noexcept = default;
PcscReader::~PcscReader() = default;

const Bytes& PcscReader::atr() const {
  return impl_->atr;
}
Protocol PcscReader::protocol() const {
  return impl_->protocol == SCARD_PROTOCOL_T0 ? Protocol::kT0 : Protocol::kT1;
}

Expected<std::vector<std::string>> PcscReader::ListReaders() {
  Context ctx;
  if (ctx.status() != SCARD_S_SUCCESS) return PcscError("SCardEstablishContext", ctx.status());
  return ReadersOf(ctx.get());
}

std::optional<Error> PcscReader::WaitForCard(const std::string& reader,
                                             std::chrono::milliseconds timeout) {
  return WaitForState(reader, true, timeout);
}

std::optional<Error> PcscReader::WaitForRemoval(const std::string& reader,
                                                std::chrono::milliseconds timeout) {
  return WaitForState(reader, false, timeout);
}

std::optional<Error> PcscReader::WaitForState(const std::string& reader, bool present,
                                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  LONG last = SCARD_S_SUCCESS;
  while (std::chrono::steady_clock::now() < deadline) {
    Context ctx;
    last = ctx.status();
    if (last == SCARD_S_SUCCESS) {
      SCARD_READERSTATE state{};
      state.szReader = reader.c_str();
      state.dwCurrentState = SCARD_STATE_UNAWARE;
      // Each wait is short so a reader that appears later is seen, and the
      // deadline is kept.
      for (;;) {
        last = SCardGetStatusChange(ctx.get(), 200, &state, 1);
        if (last != SCARD_S_SUCCESS && last != SCARD_E_TIMEOUT) break;
        const bool has_card = (state.dwEventState & SCARD_STATE_PRESENT) != 0 &&
                              (state.dwEventState & SCARD_STATE_MUTE) == 0;
        if (has_card == present) return std::nullopt;
        if (std::chrono::steady_clock::now() >= deadline) break;
        state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return MakeError("pcsc", std::string(present ? "no card" : "still a card") + " in reader \"" +
                               reader + "\" after " + std::to_string(timeout.count()) +
                               " ms (last: " + pcsc_stringify_error(last) + ")");
}

Expected<PcscReader> PcscReader::Connect(const std::string& reader) {
  Context ctx;
  if (ctx.status() != SCARD_S_SUCCESS) return PcscError("SCardEstablishContext", ctx.status());
  auto impl = std::make_unique<Impl>();
  LONG rv = SCardConnect(ctx.get(), reader.c_str(), SCARD_SHARE_SHARED,
                         SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &impl->card, &impl->protocol);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardConnect to \"" + reader + "\"", rv);
  impl->context = ctx.Release();

  char name[MAX_READERNAME];
  DWORD name_len = sizeof name;
  DWORD state = 0, protocol = 0;
  BYTE atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr;
  rv = SCardStatus(impl->card, name, &name_len, &state, &protocol, atr, &atr_len);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardStatus", rv);
  impl->atr.assign(atr, atr + atr_len);
  return PcscReader(std::move(impl));
}

std::optional<Error> PcscReader::ResetCard() {
  LONG rv = SCardReconnect(impl_->card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                           SCARD_RESET_CARD, &impl_->protocol);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardReconnect", rv);
  return std::nullopt;
}

Expected<Bytes> PcscReader::TransmitOnce(const Bytes& capdu) {
  const SCARD_IO_REQUEST* pci = impl_->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  // Short APDUs only: 256 data bytes and the status word fit.
  Bytes response(258 + 2);
  DWORD length = static_cast<DWORD>(response.size());
  LONG rv = SCardTransmit(impl_->card, pci, capdu.data(), static_cast<DWORD>(capdu.size()), nullptr,
                          response.data(), &length);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardTransmit", rv);
  if (length < 2) return MakeError("pcsc", "response shorter than a status word");
  response.resize(length);
  return response;
}

Expected<Bytes> PcscReader::Transmit(const Bytes& capdu) {
  auto response = TransmitOnce(capdu);
  if (!response.ok()) return response;
  Bytes* r = &response.value();
  uint8_t sw1 = (*r)[r->size() - 2];
  uint8_t sw2 = (*r)[r->size() - 1];
  if (sw1 == 0x6C && capdu.size() >= 5) {
    // Wrong Le: the card says how many bytes it has; ask again with that.
    Bytes again = capdu;
    again.back() = sw2;
    response = TransmitOnce(again);
    if (!response.ok()) return response;
    r = &response.value();
    sw1 = (*r)[r->size() - 2];
    sw2 = (*r)[r->size() - 1];
  }
  Bytes data(r->begin(), r->end() - 2);
  // At most 32 GET RESPONSEs: a card that keeps answering 61xx is broken,
  // and the loop must end.
  for (int i = 0; sw1 == 0x61 && i < 32; ++i) {
    auto more = TransmitOnce(Bytes{0x00, 0xC0, 0x00, 0x00, sw2});
    if (!more.ok()) return more;
    const Bytes& m = more.value();
    data.insert(data.end(), m.begin(), m.end() - 2);
    sw1 = m[m.size() - 2];
    sw2 = m[m.size() - 1];
  }
  data.push_back(sw1);
  data.push_back(sw2);
  return data;
}

TransmitFn PcscReader::AsTransmit() {
  return [this](const Bytes& capdu) { return Transmit(capdu); };
}

}  // namespace onshi::reader
