// The staff screen's look-up by insurance number (issue 16, R-DOC-9): a
// patient shows a 資格確認書 on its own, like the old insurance card, and
// staff verify it online by what is printed on it.
//
// What staff may look up: one qualification, by the complete keys printed on
// the certificate in their hand — 保険者番号, 記号 (when printed), 番号, 枝番
// and 生年月日 — sent as the OQS 資格確認 request (OQSsiquc01req) a clinic
// program would send (terminal-protocol.md §9: a 資格確認書 takes this path).
// No search by name, no partial number: a wrong key gets 資格情報なし, which
// says nothing about anyone.
//
// What the answer shows: 資格(有効) / 資格(無効) / 資格情報なし (R-FAC-5) with
// the reason and what to tell the patient (R-FAC-6), and the qualification
// itself (氏名, 生年月日, 性別, 保険者, 記号・番号・枝番, 本人・家族, 資格取得日,
// 喪失日, 負担割合, 高齢受給者証). 限度額 only when the patient consented to
// its provision (LimitApplicationCertificateRelatedConsFlg 1, R-FAC-4/R-FAC-9);
// never treatment, drug or checkup information: nobody consented to that at
// the reader (R-FAC-4, "without consent nothing clinical is shown").
#ifndef ONSHI_TERMINAL_KIOSK_LOOKUP_HPP_
#define ONSHI_TERMINAL_KIOSK_LOOKUP_HPP_

#include <boost/json/object.hpp>
#include <string>

#include "core/expected.hpp"

namespace onshi::terminal {

// What staff typed from the 資格確認書.
struct InsuranceLookup {
  std::string insurer_number;  // 8 digits, or 6 for 国保
  std::string symbol;          // 記号, "" when none is printed
  std::string number;          // 番号
  std::string branch;          // 枝番, 2 digits
  std::string birthdate;       // YYYYMMDD or YYYY-MM-DD
  bool limit_consent = false;  // the patient agreed to show 限度額 (R-FAC-4)
};

// The OQS JSON request (oqs-interface.md §1.1) for `q`, or an Error whose
// field names the box and whose message, in Japanese, says what to fix.
Expected<std::string> LookupRequestJson(const InsuranceLookup& q, const std::string& facility,
                                        const std::string& confirmation_date,
                                        const std::string& arbitrary_file_identifier);

// The staff screen's reading of the service's answer: {"step": "lookup",
// "outcome", "reason", "tell", "fields": [[label, value], …], "limit":
// [[label, value], …] or absent}, or {"step": "error", "message"} when the
// service refused the request (SegmentOfResult 9) or answered nothing
// readable.
boost::json::object LookupView(const std::string& answer_json, bool limit_consent);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_KIOSK_LOOKUP_HPP_
