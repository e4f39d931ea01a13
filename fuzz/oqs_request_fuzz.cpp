// libFuzzer target: the OQS query codec (the web API's JSON and the
// terminal's XML, UTF-8 or Shift_JIS), then validation and the answer
// writers, as one facility request goes through them.
//
// Input: the first byte picks the codec (even: JSON, odd: XML); the rest is
// the request body. Beyond not crashing under ASan/UBSan: parsing never
// throws, and a request that fails parsing or validation still gets a
// complete error answer (the service must always answer in the client's
// format, never half an answer).
//
// Run: build-fuzz/oqs_request_fuzz -max_total_time=60 fuzz/corpus/oqs
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "oqs/request.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onshi::oqs;
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const ParsedRequest parsed = (data[0] & 1) ? ParseRequestXml(body) : ParseRequestJson(body);
  const Timestamp at{onshi::Date::FromYmd(2026, 11, 23), 10, 0, 0};
  const ResponseEncoding encoding = AnswerEncoding(parsed.request);
  if (!parsed.ok()) {
    if (WriteErrorResponse(parsed.request, *parsed.error, at, encoding).empty()) std::abort();
    return 0;
  }
  const Result<ValidatedRequest> valid = ValidateRequest(parsed.request);
  if (!valid.ok()) {
    if (WriteErrorResponse(parsed.request, valid.error(), at, encoding).empty()) std::abort();
  }
  return 0;
}
