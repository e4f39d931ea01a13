// Why a 利用者証明用電子証明書 stopped being good, and the answer to "is this
// serial good at time t?" that the eligibility service asks (an in-process
// stand-in for J-LIS's OCSP responder).
//
// Every reason is final for the certificate (R-CARD-6): a card whose
// suspension is lifted at the municipal window gets a new certificate, the
// old serial never becomes good again.
#ifndef ONSHI_JPKI_CERTIFICATE_STATUS_HPP_
#define ONSHI_JPKI_CERTIFICATE_STATUS_HPP_

#include <ctime>
#include <optional>
#include <string_view>

namespace onshi::jpki {

enum class RevocationReason {
  kSuspended,     // 一時利用停止 by the 24h hotline (R-CARD-6)
  kLost,          // 紛失届/盗難: the key may be in someone else's hands
  kSuperseded,    // 更新 or 再交付: a newer certificate replaces this one
  kCardReturned,  // カードの返納/廃止 (death, emigration, …)
};

// The RFC 5280 §5.3.1 CRLReason code written into crl.pem:
// certificateHold(6), keyCompromise(1), superseded(4), cessationOfOperation(5).
// certificateHold is the nearest code for a suspension; onshi never issues
// removeFromCRL, matching "un-stop only in person, with a new certificate".
int CrlReasonCode(RevocationReason reason);

// Stable words for revoked.txt and logs: "suspended", "lost", "superseded",
// "card-returned".
std::string_view ReasonName(RevocationReason reason);
std::optional<RevocationReason> ReasonFromName(std::string_view name);

enum class CertificateState {
  kGood,     // issued by this CA and not revoked at the time asked about
  kRevoked,  // revoked at or before the time asked about
  kUnknown,  // this CA never issued that serial (OCSP "unknown")
};

struct CertificateStatus {
  CertificateState state = CertificateState::kUnknown;
  // Set only when state == kRevoked.
  RevocationReason reason = RevocationReason::kSuspended;
  std::time_t revoked_at = 0;
};

}  // namespace onshi::jpki

#endif  // ONSHI_JPKI_CERTIFICATE_STATUS_HPP_
