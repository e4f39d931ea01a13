// Publisher: puts a finished file into a folder that clients watch.
//
// The file is written completely in a private staging folder on the same
// file system, flushed, and then linked into the target folder under its
// final name — so a watcher never sees a partial file, and the move is one
// `rename` event as real terminals make it (terminal-protocol.md §4.4). A
// name that already exists is never replaced: clients match results by name
// and refuse to reuse one (§4.1 item 6), and a published file is never
// rewritten or deleted by the terminal.
#ifndef ONSHI_TERMINAL_PUBLISHER_HPP_
#define ONSHI_TERMINAL_PUBLISHER_HPP_

#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace onshi::terminal {

class Publisher {
 public:
  // `staging` is created (mode 0700) if missing; it must be on the same file
  // system as every target folder.
  explicit Publisher(std::string staging);

  // Publishes `bytes` as `folder/name`. Fails with Error{"exists", …} when
  // that name is taken, or Error{"io", …}.
  Expected<bool> Publish(const std::string& folder, std::string_view name, std::string_view bytes);

 private:
  std::string staging_;
};

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_PUBLISHER_HPP_
