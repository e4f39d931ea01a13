#include "jpki/certificate_status.hpp"

namespace onshi::jpki {

int CrlReasonCode(RevocationReason reason) {
  switch (reason) {
    case RevocationReason::kSuspended:
      return 6;  // certificateHold
    case RevocationReason::kLost:
      return 1;  // keyCompromise
    case RevocationReason::kSuperseded:
      return 4;  // superseded
    case RevocationReason::kCardReturned:
      return 5;  // cessationOfOperation
  }
  return 0;  // unspecified; unreachable for valid enumerators
}

std::string_view ReasonName(RevocationReason reason) {
  switch (reason) {
    case RevocationReason::kSuspended:
      return "suspended";
    case RevocationReason::kLost:
      return "lost";
    case RevocationReason::kSuperseded:
      return "superseded";
    case RevocationReason::kCardReturned:
      return "card-returned";
  }
  return "unspecified";
}

std::optional<RevocationReason> ReasonFromName(std::string_view name) {
  for (RevocationReason r : {RevocationReason::kSuspended, RevocationReason::kLost,
                             RevocationReason::kSuperseded, RevocationReason::kCardReturned}) {
    if (ReasonName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace onshi::jpki
