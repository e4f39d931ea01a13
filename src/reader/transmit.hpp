// Transmit: the one thing a host needs from a reader — send a C-APDU, get the
// R-APDU (data || SW1 SW2) back.
//
// JpkiReaderSession is written against this function type only, so the same
// host code drives a card in a real reader (PcscReader::AsTransmit), an
// emulated card behind pcscd and vpcd (the same PcscReader), or a
// card::Card in the same process (a lambda around Card::Transmit). An Error
// means the bytes did not make the round trip (no card, reader gone); any
// answer from the card, failure status words included, is a value.
#ifndef ONSHI_READER_TRANSMIT_HPP_
#define ONSHI_READER_TRANSMIT_HPP_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace onshi::reader {

using Bytes = std::vector<uint8_t>;
using TransmitFn = std::function<Expected<Bytes>(const Bytes& capdu)>;

// SW1-SW2 as one number (0x9000).
using StatusWord = uint16_t;

// "6A82 file not found" and the like: the ISO/IEC 7816-4 meaning of the
// status words a JPKI card answers with, for error messages.
std::string DescribeStatusWord(StatusWord sw);

}  // namespace onshi::reader

#endif  // ONSHI_READER_TRANSMIT_HPP_
