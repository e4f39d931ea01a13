#include "reader/jpki_reader_session.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace onshi::reader {
namespace {

constexpr std::array<uint8_t, 10> kJpkiAid = {0xD3, 0x92, 0xF0, 0x00, 0x26,
                                              0x01, 0x00, 0x00, 0x00, 0x01};
constexpr uint16_t kAuthCertificate = 0x000A;
constexpr uint16_t kAuthCaCertificate = 0x000B;
constexpr uint16_t kAuthPrivateKey = 0x0017;
constexpr uint16_t kAuthPin = 0x0018;

constexpr StatusWord kOk = 0x9000;
constexpr StatusWord kBlocked = 0x6983;
constexpr size_t kSignatureBytes = 256;  // RSA-2048
// No certificate on a JPKI card comes near this; a header claiming more is
// not a certificate.
constexpr size_t kMaxCertificateBytes = 16 * 1024;

StatusWord SwOf(const Bytes& r) {
  return static_cast<StatusWord>(r[r.size() - 2] << 8 | r.back());
}

std::string Hex4(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(v));
  return buf;
}

Error CardError(const std::string& step, StatusWord sw) {
  return MakeError("card", step + ": " + DescribeStatusWord(sw));
}

// Total DER length from the first four bytes of a SEQUENCE, or 0 if they do
// not start one. OpenSC reads only the 30 82 hh ll form; the short forms are
// accepted too since they cost nothing.
size_t DerLength(const Bytes& head) {
  if (head.size() < 4 || head[0] != 0x30) return 0;
  if (head[1] < 0x80) return 2 + head[1];
  if (head[1] == 0x81) return 3 + head[2];
  if (head[1] == 0x82) return 4 + (size_t{head[2]} << 8 | head[3]);
  return 0;
}

// CLA INS P1 P2 Lc data [Le]. Built by index: GCC 12's -Warray-bounds
// misfires on insert into a brace-initialised vector.
Bytes CommandWithData(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
                      std::span<const uint8_t> data, bool le_256 = false) {
  Bytes b(5 + data.size() + (le_256 ? 1 : 0), 0x00);
  b[0] = cla, b[1] = ins, b[2] = p1, b[3] = p2, b[4] = static_cast<uint8_t>(data.size());
  std::copy(data.begin(), data.end(), b.begin() + 5);
  return b;  // a trailing Le byte, if any, is 00: 256
}

PinStatus FromTriesLeft(StatusWord sw) {
  PinStatus s;
  s.tries_left = sw & 0x0F;
  s.blocked = s.tries_left == 0;
  return s;
}

}  // namespace

Bytes Sha256DigestInfo(std::span<const uint8_t, 32> digest) {
  static constexpr std::array<uint8_t, 19> kPrefix = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                      0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                      0x01, 0x05, 0x00, 0x04, 0x20};
  Bytes out(kPrefix.size() + digest.size());
  std::copy(kPrefix.begin(), kPrefix.end(), out.begin());
  std::copy(digest.begin(), digest.end(), out.begin() + kPrefix.size());
  return out;
}

Expected<Bytes> JpkiReaderSession::Send(const Bytes& capdu) {
  auto r = transmit_(capdu);
  if (!r.ok()) return r;
  if (r->size() < 2) return MakeError("card", "response shorter than a status word");
  return r;
}

std::optional<Error> JpkiReaderSession::SelectJpki() {
  auto r = Send(CommandWithData(0x00, 0xA4, 0x04, 0x0C, kJpkiAid));
  if (!r.ok()) return r.error();
  if (SwOf(*r) != kOk) return CardError("SELECT JPKI AP", SwOf(*r));
  return std::nullopt;
}

std::optional<Error> JpkiReaderSession::SelectEf(uint16_t fid) {
  auto r = Send({0x00, 0xA4, 0x02, 0x0C, 0x02, static_cast<uint8_t>(fid >> 8),
                 static_cast<uint8_t>(fid & 0xFF)});
  if (!r.ok()) return r.error();
  if (SwOf(*r) != kOk) return CardError("SELECT EF " + Hex4(fid), SwOf(*r));
  return std::nullopt;
}

Expected<Bytes> JpkiReaderSession::ReadCertificate(uint16_t fid) {
  if (auto e = SelectEf(fid)) return *e;
  const std::string step = "READ BINARY EF " + Hex4(fid);
  Bytes out;
  size_t total = 4;  // the header first; then the size it gives
  while (out.size() < total) {
    const size_t offset = out.size();
    // 256 bytes per READ BINARY (Le = 00): the most a short APDU returns.
    const size_t want = std::min<size_t>(total - offset, 256);
    auto r = Send({0x00, 0xB0, static_cast<uint8_t>(offset >> 8),
                   static_cast<uint8_t>(offset & 0xFF), static_cast<uint8_t>(want & 0xFF)});
    if (!r.ok()) return r;
    if (SwOf(*r) != kOk) return CardError(step, SwOf(*r));
    const size_t got = r->size() - 2;
    if (got == 0 || got > want) {
      return MakeError("card", step + ": asked for " + std::to_string(want) + " bytes at " +
                                   std::to_string(offset) + ", got " + std::to_string(got));
    }
    out.insert(out.end(), r->begin(), r->end() - 2);
    if (offset == 0) {
      total = DerLength(out);
      if (total == 0 || total > kMaxCertificateBytes) {
        return MakeError("card", "EF " + Hex4(fid) + " does not hold a DER certificate");
      }
      if (out.size() > total) out.resize(total);
    }
  }
  return out;
}

Expected<Bytes> JpkiReaderSession::ReadAuthCertificate() {
  return ReadCertificate(kAuthCertificate);
}

Expected<Bytes> JpkiReaderSession::ReadAuthCaCertificate() {
  return ReadCertificate(kAuthCaCertificate);
}

Expected<PinStatus> JpkiReaderSession::PinTriesLeft() {
  if (auto e = SelectEf(kAuthPin)) return *e;
  auto r = Send({0x00, 0x20, 0x00, 0x80});
  if (!r.ok()) return r.error();
  const StatusWord sw = SwOf(*r);
  if ((sw & 0xFFF0) == 0x63C0) return FromTriesLeft(sw);
  if (sw == kBlocked) return PinStatus{false, true, 0};
  return CardError("VERIFY (retry counter)", sw);
}

Expected<PinStatus> JpkiReaderSession::VerifyPin(std::string_view pin) {
  if (pin.size() != 4 ||
      !std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return MakeError("pin", "the 利用者証明用 PIN is 4 digits");
  }
  if (auto e = SelectEf(kAuthPin)) return *e;
  const std::span<const uint8_t> digits(reinterpret_cast<const uint8_t*>(pin.data()), pin.size());
  auto r = Send(CommandWithData(0x00, 0x20, 0x00, 0x80, digits));
  if (!r.ok()) return r.error();
  const StatusWord sw = SwOf(*r);
  if (sw == kOk) return PinStatus{true, false, kAuthPinMaxTries};
  if ((sw & 0xFFF0) == 0x63C0) return FromTriesLeft(sw);
  if (sw == kBlocked) return PinStatus{false, true, 0};
  return CardError("VERIFY", sw);
}

Expected<Bytes> JpkiReaderSession::SignDigestInfo(std::span<const uint8_t> digest_info) {
  // k - 11 bytes at most for PKCS#1 v1.5 with a 2048-bit key.
  if (digest_info.empty() || digest_info.size() > kSignatureBytes - 11) {
    return MakeError("digest_info",
                     "must be 1.." + std::to_string(kSignatureBytes - 11) + " bytes");
  }
  if (auto e = SelectEf(kAuthPrivateKey)) return *e;
  auto r = Send(CommandWithData(0x80, 0x2A, 0x00, 0x80, digest_info, /*le_256=*/true));
  if (!r.ok()) return r;
  if (SwOf(*r) != kOk) return CardError("COMPUTE DIGITAL SIGNATURE", SwOf(*r));
  r->resize(r->size() - 2);
  if (r->size() != kSignatureBytes) {
    return MakeError("card", "signature of " + std::to_string(r->size()) + " bytes, not 256");
  }
  return r;
}

}  // namespace onshi::reader
