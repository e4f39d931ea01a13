#include "app/log.hpp"

#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace onshi::app {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

const char* Name(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      return "debug";
  }
  return "info";
}

}  // namespace

void SetLogLevel(const std::string& name) {
  for (LogLevel l : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug}) {
    if (name == Name(l)) {
      g_level = static_cast<int>(l);
      return;
    }
  }
  throw std::invalid_argument("--log-level must be error, warn, info or debug, got \"" + name +
                              "\"");
}

LogLevel CurrentLogLevel() {
  return static_cast<LogLevel>(g_level.load());
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) <= g_level.load();
}

Log::~Log() {
  if (!enabled_) return;
  const std::string line = std::string("onshi: ") + Name(level_) + ": " + text_.str() + "\n";
  // One write(2): whole lines even with several threads logging.
  const ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace onshi::app
