// The text of one field as a clerk filed it (R-LINK-1): the readers every
// form shares — the 届出 of an insurer (submission.hpp, benefits_form.hpp)
// and the resident-registry events a municipal window records
// (store/registry_history.hpp). Each returns nullopt for text it cannot
// read; the caller says which field and why.
#ifndef ONSHI_CORE_FILED_TEXT_HPP_
#define ONSHI_CORE_FILED_TEXT_HPP_

#include <optional>
#include <string>
#include <string_view>

#include "core/date.hpp"
#include "core/membership.hpp"

namespace onshi {

// Without the ASCII blanks and U+3000 fixed-width exports pad with.
std::string_view TrimFiled(std::string_view s);

// True for a non-empty run of ASCII digits.
bool AllDigits(std::string_view s);

// Gregorian YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, or a 和暦 date as ParseWareki
// reads it (R7.4.1, 令和7年4月1日): paper forms use 和暦.
std::optional<Date> ParseFiledDate(std::string_view text);

// 性別: 1/2, 男/女, 男性/女性, M/F.
std::optional<Sex> ParseFiledSex(std::string_view text);

// "1234567" or "123-4567" (ASCII or full-width digits and hyphen) to
// "123-4567".
std::optional<std::string> ParsePostcode(std::string_view text);

// A filed text quoted back in an error message. Messages go to terminals,
// error files and API answers, so the quote is short, and a long run of
// digits (a My Number put in the wrong column) is never repeated.
std::string EchoFiled(std::string_view text);

}  // namespace onshi

#endif  // ONSHI_CORE_FILED_TEXT_HPP_
