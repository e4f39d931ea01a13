// Text made safe to put into HTML, as element content or a quoted attribute
// value: & < > " ' become entities. For every page onshi renders itself
// (the insurer's error report, the portal).
#ifndef ONSHI_CORE_HTML_ESCAPE_HPP_
#define ONSHI_CORE_HTML_ESCAPE_HPP_

#include <string>
#include <string_view>

namespace onshi {

std::string HtmlEscape(std::string_view text);

}  // namespace onshi

#endif  // ONSHI_CORE_HTML_ESCAPE_HPP_
