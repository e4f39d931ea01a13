#include "card/jpki_card.hpp"

#include <algorithm>
#include <span>

namespace onshi::card {
namespace {

constexpr uint8_t kClaIso = 0x00;
constexpr uint8_t kClaProprietary = 0x80;
constexpr uint8_t kInsSelect = 0xA4;
constexpr uint8_t kInsReadBinary = 0xB0;
constexpr uint8_t kInsVerify = 0x20;
constexpr uint8_t kInsSign = 0x2A;

constexpr uint8_t kSelectByDfName = 0x04;
constexpr uint8_t kSelectEfUnderDf = 0x02;
constexpr uint8_t kNoResponseData = 0x0C;

bool IsKnownEf(uint16_t fid) {
  return fid == fid::kToken || fid == fid::kAuthCertificate || fid == fid::kAuthCaCertificate ||
         fid == fid::kAuthPrivateKey || fid == fid::kAuthPin || fid == fid::kSignPinStub;
}

}  // namespace

void JpkiCard::Reset() {
  ap_selected_ = false;
  current_ef_.reset();
  verified_ = false;
}

ResponseApdu JpkiCard::Process(const CommandApdu& c) {
  if (c.cla != kClaIso && c.cla != kClaProprietary) {
    return ResponseApdu::Status(sw::kClaNotSupported);
  }
  if (c.cla == kClaIso) {
    switch (c.ins) {
      case kInsSelect:
        return Select(c);
      case kInsReadBinary:
        return ReadBinary(c);
      case kInsVerify:
        return Verify(c);
      default:
        break;
    }
  } else if (c.ins == kInsSign) {
    return Sign(c);
  }
  return ResponseApdu::Status(sw::kInsNotSupported);
}

ResponseApdu JpkiCard::Select(const CommandApdu& c) {
  // Only "no response data" selections: that is all the JPKI hosts send.
  // A trailing Le is tolerated and ignored.
  if (c.p2 != kNoResponseData) return ResponseApdu::Status(sw::kWrongP1P2);
  if (c.p1 == kSelectByDfName) {
    if (c.data.empty() || c.data.size() > 16) return ResponseApdu::Status(sw::kWrongLength);
    if (!std::equal(c.data.begin(), c.data.end(), kJpkiAid.begin(), kJpkiAid.end())) {
      return ResponseApdu::Status(sw::kFileNotFound);  // selection unchanged
    }
    ap_selected_ = true;
    current_ef_.reset();
    verified_ = false;  // a fresh session of the application
    return ResponseApdu::Status(sw::kOk);
  }
  if (c.p1 == kSelectEfUnderDf) {
    if (c.data.size() != 2) return ResponseApdu::Status(sw::kWrongLength);
    const uint16_t fid = static_cast<uint16_t>((c.data[0] << 8) | c.data[1]);
    if (!ap_selected_ || !IsKnownEf(fid)) return ResponseApdu::Status(sw::kFileNotFound);
    current_ef_ = fid;
    return ResponseApdu::Status(sw::kOk);
  }
  return ResponseApdu::Status(sw::kWrongP1P2);
}

ResponseApdu JpkiCard::ReadBinary(const CommandApdu& c) {
  // P1 bit 8 would name a short EF identifier; this card has none.
  if (c.p1 & 0x80) return ResponseApdu::Status(sw::kWrongP1P2);
  if (!c.data.empty() || !c.le) return ResponseApdu::Status(sw::kWrongLength);
  if (!current_ef_) return ResponseApdu::Status(sw::kCommandNotAllowed);
  std::span<const uint8_t> content;
  switch (*current_ef_) {
    case fid::kAuthCertificate:
      content = file_->auth_certificate();
      break;
    case fid::kAuthCaCertificate:
      content = file_->auth_ca_certificate();
      break;
    case fid::kToken:
      content = std::span(reinterpret_cast<const uint8_t*>(kCardToken.data()), kCardToken.size());
      break;
    default:  // the key and PIN EFs never leave the card (R-SEC-2)
      return ResponseApdu::Status(sw::kCommandNotAllowed);
  }
  const size_t offset = (static_cast<size_t>(c.p1) << 8) | c.p2;
  if (offset >= content.size()) return ResponseApdu::Status(sw::kOffsetOutOfRange);
  const size_t n = std::min(static_cast<size_t>(*c.le), content.size() - offset);
  ResponseApdu r;
  r.data.assign(content.begin() + static_cast<std::ptrdiff_t>(offset),
                content.begin() + static_cast<std::ptrdiff_t>(offset + n));
  return r;
}

ResponseApdu JpkiCard::Verify(const CommandApdu& c) {
  if (c.p1 != 0x00 || c.p2 != 0x80) return ResponseApdu::Status(sw::kWrongP1P2);
  if (c.le) return ResponseApdu::Status(sw::kWrongLength);
  if (current_ef_ == fid::kSignPinStub) {
    return ResponseApdu::Status(c.data.empty() ? sw::TriesLeft(5) : sw::kReferenceDataNotUsable);
  }
  if (current_ef_ != fid::kAuthPin) return ResponseApdu::Status(sw::kCommandNotAllowed);
  const PinCounter counter = file_->pin_counter();
  if (c.data.empty()) return ResponseApdu::Status(sw::TriesLeft(counter.tries_left()));
  verified_ = false;
  if (counter.locked()) return ResponseApdu::Status(sw::kAuthenticationBlocked);
  if (c.data.size() != 4) return ResponseApdu::Status(sw::kWrongLength);
  const std::string_view pin(reinterpret_cast<const char*>(c.data.data()), c.data.size());
  if (CheckAuthPinFormat(pin)) return ResponseApdu::Status(sw::kWrongData);
  auto result = file_->VerifyPin(pin);
  if (!result.ok()) return ResponseApdu::Status(sw::kMemoryFailure);
  switch (result->outcome) {
    case PinOutcome::kAccepted:
      verified_ = true;
      return ResponseApdu::Status(sw::kOk);
    case PinOutcome::kRejected:
      return ResponseApdu::Status(sw::TriesLeft(result->tries_left));
    case PinOutcome::kBlocked:
      break;
  }
  return ResponseApdu::Status(sw::kAuthenticationBlocked);
}

ResponseApdu JpkiCard::Sign(const CommandApdu& c) {
  if (c.p1 != 0x00 || c.p2 != 0x80) return ResponseApdu::Status(sw::kWrongP1P2);
  // Case 4 with Le = 00: the 256-byte signature is exactly what a short Le
  // of 00 asks for.
  constexpr size_t kMaxInput = CardFile::kRsaBits / 8 - 11;
  if (c.data.empty() || c.data.size() > kMaxInput || c.le != 256) {
    return ResponseApdu::Status(sw::kWrongLength);
  }
  if (current_ef_ != fid::kAuthPrivateKey) return ResponseApdu::Status(sw::kCommandNotAllowed);
  if (!verified_) return ResponseApdu::Status(sw::kSecurityStatusNotSatisfied);
  auto signature = file_->SignPkcs1(c.data);
  if (!signature.ok()) return ResponseApdu::Status(sw::kNoPreciseDiagnosis);
  return ResponseApdu{std::move(signature).value(), sw::kOk};
}

}  // namespace onshi::card
