#include "card/apdu.hpp"

#include <cassert>

namespace onshi::card {

Expected<CommandApdu, StatusWord> ParseCommand(std::span<const uint8_t> bytes) {
  constexpr size_t kHeader = 4;
  if (bytes.size() < kHeader) return sw::kWrongLength;
  CommandApdu c;
  c.cla = bytes[0];
  c.ins = bytes[1];
  c.p1 = bytes[2];
  c.p2 = bytes[3];
  const size_t body = bytes.size() - kHeader;
  if (body == 0) return c;  // case 1
  if (body == 1) {          // case 2: Le only
    c.le = bytes[4] == 0 ? 256 : bytes[4];
    return c;
  }
  // body >= 2: the byte after the header is Lc. Lc = 00 here would start the
  // extended form (00 Lc1 Lc2 ...), which this card does not support.
  const size_t lc = bytes[4];
  if (lc == 0) return sw::kWrongLength;
  if (body == 1 + lc) {  // case 3
    c.data.assign(bytes.begin() + 5, bytes.end());
    return c;
  }
  if (body == 1 + lc + 1) {  // case 4
    c.data.assign(bytes.begin() + 5, bytes.begin() + 5 + static_cast<std::ptrdiff_t>(lc));
    const uint8_t le = bytes.back();
    c.le = le == 0 ? 256 : le;
    return c;
  }
  return sw::kWrongLength;  // Lc disagrees with the number of bytes sent
}

std::vector<uint8_t> EncodeCommand(const CommandApdu& command) {
  assert(command.data.size() <= 255);
  assert(!command.le || (*command.le >= 1 && *command.le <= 256));
  std::vector<uint8_t> out{command.cla, command.ins, command.p1, command.p2};
  if (!command.data.empty()) {
    out.push_back(static_cast<uint8_t>(command.data.size()));
    out.insert(out.end(), command.data.begin(), command.data.end());
  }
  if (command.le) out.push_back(static_cast<uint8_t>(*command.le & 0xFF));  // 256 -> 00
  return out;
}

std::vector<uint8_t> ResponseApdu::Encode() const {
  std::vector<uint8_t> out = data;
  out.push_back(static_cast<uint8_t>(sw >> 8));
  out.push_back(static_cast<uint8_t>(sw & 0xFF));
  return out;
}

std::optional<ResponseApdu> ParseResponse(std::span<const uint8_t> bytes) {
  if (bytes.size() < 2) return std::nullopt;
  ResponseApdu r;
  r.data.assign(bytes.begin(), bytes.end() - 2);
  r.sw = static_cast<StatusWord>((bytes[bytes.size() - 2] << 8) | bytes[bytes.size() - 1]);
  return r;
}

}  // namespace onshi::card
