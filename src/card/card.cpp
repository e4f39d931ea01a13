#include "card/card.hpp"

#include <algorithm>

namespace onshi::card {

Card::Card(CardFile file)
    : file_(std::make_unique<CardFile>(std::move(file))),
      jpki_(std::make_unique<JpkiCard>(file_.get())),
      face_(std::make_unique<CardFaceAp>(file_.get())) {}

Card::Card(Card&&) noexcept = default;
Card& Card::operator=(Card&&) noexcept = default;
Card::~Card() = default;

Expected<Card> Card::Open(const std::string& path, const IssuerKey& key) {
  auto file = CardFile::Open(path, key);
  if (!file.ok()) return file.error();
  return Card(std::move(file).value());
}

std::vector<uint8_t> Card::Transmit(const std::vector<uint8_t>& capdu) {
  auto command = ParseCommand(capdu);
  if (!command.ok()) return ResponseApdu::Status(command.error()).Encode();
  const CommandApdu& c = *command;
  const bool select_by_name = c.cla == 0x00 && c.ins == 0xA4 && c.p1 == 0x04 && c.p2 == 0x0C;
  if (select_by_name &&
      std::equal(c.data.begin(), c.data.end(), kCardFaceAid.begin(), kCardFaceAid.end())) {
    jpki_->Reset();
    face_->Selected();
    face_current_ = true;
    return ResponseApdu::Status(sw::kOk).Encode();
  }
  if (select_by_name &&
      std::equal(c.data.begin(), c.data.end(), kJpkiAid.begin(), kJpkiAid.end())) {
    face_->Reset();
    face_current_ = false;
  }
  if (face_current_ && !select_by_name) return face_->Process(c).Encode();
  return jpki_->Process(c).Encode();
}

void Card::Reset() {
  jpki_->Reset();
  face_->Reset();
  face_current_ = false;
}

std::vector<uint8_t> Card::Atr() {
  return {0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14};
}

}  // namespace onshi::card
