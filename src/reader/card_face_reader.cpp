#include "reader/card_face_reader.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <string>

namespace onshi::reader {
namespace {

constexpr std::array<uint8_t, 10> kCardFaceAid = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                                  0x00, 0x01, 0x01, 0x04, 0x02};
constexpr StatusWord kOk = 0x9000;
constexpr StatusWord kWrongCollation = 0x6300;
constexpr StatusWord kNotFound = 0x6A82;
// READ BINARY offsets are 15 bits (P1 bit 8 is the short-EF flag).
constexpr size_t kMaxEntriesBytes = 0x7FFF;

StatusWord SwOf(const Bytes& r) {
  return static_cast<StatusWord>(r[r.size() - 2] << 8 | r.back());
}

Expected<Bytes> Send(const TransmitFn& transmit, const Bytes& capdu) {
  auto r = transmit(capdu);
  if (!r.ok()) return r;
  if (r->size() < 2) return MakeError("card", "response shorter than a status word");
  return r;
}

Expected<StatusWord> SendForStatus(const TransmitFn& transmit, const Bytes& capdu) {
  auto r = Send(transmit, capdu);
  if (!r.ok()) return r.error();
  return SwOf(*r);
}

Error CardError(const std::string& step, StatusWord sw) {
  return MakeError("card", step + ": " + DescribeStatusWord(sw));
}

// 00 INS P1 P2 Lc data, built by index: GCC 12's -Warray-bounds misfires on
// insert into a brace-initialised vector.
Bytes WithData(uint8_t p1, uint8_t p2, std::span<const uint8_t> data, uint8_t ins = 0xA4) {
  Bytes b(5 + data.size());
  b[0] = 0x00, b[1] = ins, b[2] = p1, b[3] = p2, b[4] = static_cast<uint8_t>(data.size());
  std::copy(data.begin(), data.end(), b.begin() + 5);
  return b;
}

// 30 82 hh ll: the total size of the SEQUENCE, or 0.
size_t SequenceSize(const Bytes& head) {
  if (head.size() < 4 || head[0] != 0x30 || head[1] != 0x82) return 0;
  return 4 + (size_t{head[2]} << 8 | head[3]);
}

}  // namespace

Expected<Bytes> ReadCardFacePhoto(const TransmitFn& transmit, std::string_view collation_b) {
  if (collation_b.size() != 14 || !std::all_of(collation_b.begin(), collation_b.end(),
                                               [](char c) { return c >= '0' && c <= '9'; })) {
    return MakeError("collation", "照合番号B is 14 digits");
  }
  auto sw = SendForStatus(transmit, WithData(0x04, 0x0C, kCardFaceAid));
  if (!sw.ok()) return sw.error();
  if (*sw != kOk) return CardError("SELECT 券面事項確認AP", *sw);

  sw = SendForStatus(transmit, {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x12});
  if (!sw.ok()) return sw.error();
  if (*sw != kOk) return CardError("SELECT EF 0012", *sw);
  sw = SendForStatus(
      transmit,
      WithData(0x00, 0x80,
               std::span(reinterpret_cast<const uint8_t*>(collation_b.data()), collation_b.size()),
               0x20));
  if (!sw.ok()) return sw.error();
  if (*sw == kWrongCollation) {
    return MakeError("collation", "the card refused the 照合番号B read from its face");
  }
  if (*sw != kOk) return CardError("VERIFY 照合番号B", *sw);

  sw = SendForStatus(transmit, {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x02});
  if (!sw.ok()) return sw.error();
  if (*sw == kNotFound) return MakeError("photo", "the card holds no face photo");
  if (*sw != kOk) return CardError("SELECT EF 0002", *sw);

  Bytes entries;
  size_t total = 4;
  while (entries.size() < total) {
    const size_t offset = entries.size();
    const size_t want = std::min<size_t>(total - offset, 256);
    auto r =
        Send(transmit, {0x00, 0xB0, static_cast<uint8_t>(offset >> 8),
                        static_cast<uint8_t>(offset & 0xFF), static_cast<uint8_t>(want & 0xFF)});
    if (!r.ok()) return r;
    if (SwOf(*r) != kOk) return CardError("READ BINARY EF 0002", SwOf(*r));
    const size_t got = r->size() - 2;
    if (got == 0 || got > want) return MakeError("card", "READ BINARY EF 0002: wrong length");
    entries.insert(entries.end(), r->begin(), r->end() - 2);
    if (offset == 0) {
      total = SequenceSize(entries);
      if (total == 0 || total > kMaxEntriesBytes) {
        return MakeError("card", "EF 0002 does not hold the card face entries");
      }
      if (entries.size() > total) entries.resize(total);
    }
  }
  // One OCTET STRING inside: 04 82 hh ll <JPEG>.
  if (entries.size() < 8 || entries[4] != 0x04 || entries[5] != 0x82 ||
      8 + (size_t{entries[6]} << 8 | entries[7]) != entries.size()) {
    return MakeError("card", "EF 0002 does not hold a photo");
  }
  return Bytes(entries.begin() + 8, entries.end());
}

}  // namespace onshi::reader
