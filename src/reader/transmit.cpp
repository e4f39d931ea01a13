#include "reader/transmit.hpp"

#include <cstdio>

namespace onshi::reader {

std::string DescribeStatusWord(StatusWord sw) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(sw));
  const char* meaning = nullptr;
  if ((sw & 0xFFF0) == 0x63C0) {
    return std::string(hex) + " verification failed, " + std::to_string(sw & 0x0F) + " tries left";
  }
  switch (sw) {
    case 0x9000:
      meaning = "ok";
      break;
    case 0x6581:
      meaning = "memory failure";
      break;
    case 0x6700:
      meaning = "wrong length";
      break;
    case 0x6982:
      meaning = "security status not satisfied (PIN not verified)";
      break;
    case 0x6983:
      meaning = "authentication method blocked (PIN locked)";
      break;
    case 0x6984:
      meaning = "reference data not usable";
      break;
    case 0x6985:
      meaning = "conditions of use not satisfied";
      break;
    case 0x6986:
      meaning = "command not allowed (no current EF)";
      break;
    case 0x6A80:
      meaning = "incorrect data";
      break;
    case 0x6A82:
      meaning = "file or application not found";
      break;
    case 0x6A86:
      meaning = "incorrect P1-P2";
      break;
    case 0x6B00:
      meaning = "offset outside the file";
      break;
    case 0x6D00:
      meaning = "instruction not supported";
      break;
    case 0x6E00:
      meaning = "class not supported";
      break;
    case 0x6F00:
      meaning = "no precise diagnosis";
      break;
    default:
      meaning = "unexpected status";
      break;
  }
  return std::string(hex) + " " + meaning;
}

}  // namespace onshi::reader
