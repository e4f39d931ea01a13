// The OQS time format: yyyyMMddHHmmss in JST (UTC+9, no summer time), for
// the terminal's file names and the times inside its answers.
#ifndef ONSHI_TERMINAL_JST_STAMP_HPP_
#define ONSHI_TERMINAL_JST_STAMP_HPP_

#include <ctime>
#include <string>

namespace onshi::terminal {

std::string JstStamp(std::time_t t);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_JST_STAMP_HPP_
