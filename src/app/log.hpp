// Log levels for the messages the long-running commands (serve, terminal,
// reader-agent) write on stderr: --log-level error|warn|info|debug, or
// $ONSHI_LOG_LEVEL; info by default. A message below the level is not
// written. The access log (--access-log) is separate and not filtered.
//
//   Log(LogLevel::kWarn) << "the primary database does not answer";
//
// writes "onshi: warn: the primary database does not answer\n" as one write,
// so lines from several threads do not interleave.
#ifndef ONSHI_APP_LOG_HPP_
#define ONSHI_APP_LOG_HPP_

#include <sstream>
#include <string>

namespace onshi::app {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// Throws std::invalid_argument for anything but error, warn, info, debug.
void SetLogLevel(const std::string& name);
LogLevel CurrentLogLevel();
bool LogEnabled(LogLevel level);

// One message: collected, then written whole when the object goes away.
class Log {
 public:
  explicit Log(LogLevel level) : level_(level), enabled_(LogEnabled(level)) {}
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  ~Log();
  template <class T>
  Log& operator<<(const T& v) {
    if (enabled_) text_ << v;
    return *this;
  }

 private:
  LogLevel level_;
  bool enabled_;
  std::ostringstream text_;
};

}  // namespace onshi::app

#endif  // ONSHI_APP_LOG_HPP_
