#include "card/card.hpp"

namespace onshi::card {

Card::Card(CardFile file)
    : file_(std::make_unique<CardFile>(std::move(file))),
      jpki_(std::make_unique<JpkiCard>(file_.get())) {}

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
  return jpki_->Process(*command).Encode();
}

void Card::Reset() {
  jpki_->Reset();
}

std::vector<uint8_t> Card::Atr() {
  return {0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14};
}

}  // namespace onshi::card
