#include "card/card_face_ap.hpp"

#include <algorithm>
#include <string_view>

namespace onshi::card {
namespace {

void PutLength(std::vector<uint8_t>* out, size_t n) {
  out->push_back(0x82);
  out->push_back(static_cast<uint8_t>(n >> 8));
  out->push_back(static_cast<uint8_t>(n & 0xFF));
}

}  // namespace

std::vector<uint8_t> CardFaceEntries(const std::vector<uint8_t>& jpeg) {
  std::vector<uint8_t> out{0x30};
  PutLength(&out, 4 + jpeg.size());
  out.push_back(0x04);
  PutLength(&out, jpeg.size());
  out.insert(out.end(), jpeg.begin(), jpeg.end());
  return out;
}

void CardFaceAp::Selected() {
  current_ef_.reset();
  verified_ = false;
}

void CardFaceAp::Reset() {
  Selected();
}

ResponseApdu CardFaceAp::Process(const CommandApdu& c) {
  if (c.cla != 0x00) return ResponseApdu::Status(sw::kClaNotSupported);
  if (c.ins == 0xA4) {  // SELECT EF (by DF name is handled by Card)
    if (c.p1 != 0x02 || c.p2 != 0x0C) return ResponseApdu::Status(sw::kWrongP1P2);
    if (c.data.size() != 2) return ResponseApdu::Status(sw::kWrongLength);
    const uint16_t fid = static_cast<uint16_t>((c.data[0] << 8) | c.data[1]);
    const bool present = fid == fid::kCollationNumberB ||
                         (fid == fid::kCardFaceEntries && !file_->face_photo().empty());
    if (!present) return ResponseApdu::Status(sw::kFileNotFound);
    current_ef_ = fid;
    return ResponseApdu::Status(sw::kOk);
  }
  if (c.ins == 0x20) {  // VERIFY 照合番号B
    if (c.p1 != 0x00 || c.p2 != 0x80) return ResponseApdu::Status(sw::kWrongP1P2);
    if (current_ef_ != fid::kCollationNumberB) return ResponseApdu::Status(sw::kCommandNotAllowed);
    verified_ = false;
    if (file_->collation_number_b().empty()) {
      return ResponseApdu::Status(sw::kReferenceDataNotUsable);
    }
    if (c.data.size() != 14 || c.le) return ResponseApdu::Status(sw::kWrongLength);
    const std::string_view number(reinterpret_cast<const char*>(c.data.data()), c.data.size());
    if (!std::all_of(number.begin(), number.end(), [](char d) { return d >= '0' && d <= '9'; })) {
      return ResponseApdu::Status(sw::kWrongData);
    }
    if (!file_->MatchesCollationNumberB(number)) return ResponseApdu::Status(kVerificationFailed);
    verified_ = true;
    return ResponseApdu::Status(sw::kOk);
  }
  if (c.ins == 0xB0) {  // READ BINARY
    if (c.p1 & 0x80) return ResponseApdu::Status(sw::kWrongP1P2);
    if (!c.data.empty() || !c.le) return ResponseApdu::Status(sw::kWrongLength);
    if (current_ef_ != fid::kCardFaceEntries) return ResponseApdu::Status(sw::kCommandNotAllowed);
    if (!verified_) return ResponseApdu::Status(sw::kSecurityStatusNotSatisfied);
    const std::vector<uint8_t> content = CardFaceEntries(file_->face_photo());
    const size_t offset = (static_cast<size_t>(c.p1) << 8) | c.p2;
    if (offset >= content.size()) return ResponseApdu::Status(sw::kOffsetOutOfRange);
    const size_t n = std::min(static_cast<size_t>(*c.le), content.size() - offset);
    ResponseApdu r;
    r.data.assign(content.begin() + static_cast<std::ptrdiff_t>(offset),
                  content.begin() + static_cast<std::ptrdiff_t>(offset + n));
    return r;
  }
  return ResponseApdu::Status(sw::kInsNotSupported);
}

}  // namespace onshi::card
