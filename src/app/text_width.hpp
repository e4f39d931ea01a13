// Columns for text a terminal shows: a full-width character (漢字, かな,
// 全角英数) takes two columns, so printf's byte counts misalign any table
// with Japanese in it (the demo's scenario table, issue 19).
#ifndef ONSHI_APP_TEXT_WIDTH_HPP_
#define ONSHI_APP_TEXT_WIDTH_HPP_

#include <string>

namespace onshi::app {

// Terminal columns of UTF-8 `text`: East Asian wide and full-width
// characters 2, combining marks 0, everything else 1.
size_t DisplayWidth(const std::string& text);

// `text` followed by spaces up to `columns` (never cut).
std::string PadRight(const std::string& text, size_t columns);

}  // namespace onshi::app

#endif  // ONSHI_APP_TEXT_WIDTH_HPP_
