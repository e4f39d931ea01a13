#include "auth/ca_index.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "auth/key_file.hpp"

namespace onshi::auth {
namespace {

constexpr std::string_view kHeaderPrefix = "# onshi CA index v1 ";

Error IndexError(std::string message) {
  return MakeError("ca_index", std::move(message));
}

std::string Escape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (const char c : field) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::optional<std::string> Unescape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    if (++i == field.size()) return std::nullopt;
    switch (field[i]) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

std::optional<std::time_t> ParseTime(std::string_view text) {
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != text.npos) {
    return std::nullopt;
  }
  return static_cast<std::time_t>(std::stoll(std::string(text)));
}

bool IsSerial(std::string_view text) {
  return !text.empty() && text.size() <= 64 &&
         text.find_first_not_of("0123456789ABCDEF") == text.npos;
}

}  // namespace

std::string_view CaIndexStateName(CaIndexState state) {
  switch (state) {
    case CaIndexState::kComplete:
      return "complete";
    case CaIndexState::kPartial:
      return "partial";
    case CaIndexState::kRebuilt:
      return "rebuilt";
  }
  return "complete";
}

std::string CaIndexPath(const std::string& ca_dir) {
  return ca_dir + "/index.txt";
}

std::string FormatCaIndexHeader(CaIndexState state) {
  return std::string(kHeaderPrefix) + std::string(CaIndexStateName(state)) +
         " (see src/auth/ca_index.hpp)\n";
}

std::string FormatIssuedLine(const CaIndexEntry& e) {
  return "I\t" + e.serial_hex + "\t" + Escape(e.role) + "\t" +
         std::to_string(static_cast<long long>(e.not_before)) + "\t" +
         std::to_string(static_cast<long long>(e.not_after)) + "\t" + Escape(e.subject) + "\t" +
         Escape(e.name) + "\t" + Escape(e.file) + "\n";
}

std::string FormatRevokedLine(std::string_view serial_hex, std::time_t at) {
  return "R\t" + std::string(serial_hex) + "\t" + std::to_string(static_cast<long long>(at)) + "\n";
}

Expected<CaIndex> ParseCaIndex(std::string_view text, const std::string& where) {
  CaIndex out;
  const size_t first_end = text.find('\n');
  const std::string_view header = text.substr(0, first_end);
  if (header.substr(0, kHeaderPrefix.size()) != kHeaderPrefix) {
    return IndexError(where + " is not an onshi CA index (its first line is not \"" +
                      std::string(kHeaderPrefix) + "…\")");
  }
  const std::string_view state = header.substr(kHeaderPrefix.size());
  if (state.rfind("complete", 0) == 0) {
    out.state = CaIndexState::kComplete;
  } else if (state.rfind("partial", 0) == 0) {
    out.state = CaIndexState::kPartial;
  } else if (state.rfind("rebuilt", 0) == 0) {
    out.state = CaIndexState::kRebuilt;
  } else {
    return IndexError(where + ": unknown index state \"" + std::string(state) + "\"");
  }
  std::map<std::string, size_t> by_serial;
  std::vector<std::pair<std::string, std::time_t>> revocations;
  size_t pos = first_end == std::string_view::npos ? text.size() : first_end + 1;
  while (pos < text.size()) {
    const size_t end = text.find('\n', pos);
    // A last line without its newline is one a crash cut short.
    if (end == std::string_view::npos) {
      ++out.torn_lines;
      break;
    }
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const auto f = SplitTabs(line);
    if (f[0] == "I" && f.size() == 8 && IsSerial(f[1])) {
      auto role = Unescape(f[2]);
      auto nb = ParseTime(f[3]);
      auto na = ParseTime(f[4]);
      auto subject = Unescape(f[5]);
      auto name = Unescape(f[6]);
      auto file = Unescape(f[7]);
      if (role && nb && na && subject && name && file) {
        if (by_serial.emplace(std::string(f[1]), out.entries.size()).second) {
          out.entries.push_back(
              {std::string(f[1]), *role, *nb, *na, *subject, *name, *file, std::nullopt});
        }
        continue;
      }
    } else if (f[0] == "R" && f.size() == 3 && IsSerial(f[1])) {
      if (auto at = ParseTime(f[2])) {
        revocations.emplace_back(std::string(f[1]), *at);
        continue;
      }
    }
    ++out.torn_lines;
  }
  for (const auto& [serial, at] : revocations) {
    const auto it = by_serial.find(serial);
    if (it == by_serial.end()) {
      out.orphan_revocations.emplace_back(serial, at);
    } else if (!out.entries[it->second].revoked_at) {
      out.entries[it->second].revoked_at = at;  // the first revocation counts
    }
  }
  return out;
}

Expected<std::optional<CaIndex>> ReadCaIndex(const std::string& ca_dir) {
  const std::string path = CaIndexPath(ca_dir);
  if (!FileExists(path)) return std::optional<CaIndex>();
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.error();
  auto parsed = ParseCaIndex(*text, path);
  if (!parsed.ok()) return parsed.error();
  return std::optional<CaIndex>(std::move(parsed).value());
}

Expected<std::string> AppendCaIndexLine(const std::string& ca_dir, std::string_view line,
                                        CaIndexState state_if_new) {
  const std::string path = CaIndexPath(ca_dir);
  // O_EXCL first: exactly one writer makes the file and puts the header in
  // it (the caller's lock makes that one writer anyway; this keeps the
  // header right even without it).
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  std::string data(line);
  if (fd >= 0) {
    data = FormatCaIndexHeader(state_if_new) + data;
  } else if (errno == EEXIST) {
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  }
  if (fd < 0) return IndexError("cannot open " + path + ": " + std::strerror(errno));
  // One write(2) of the whole line on an O_APPEND descriptor: appends from
  // several processes land whole, one after the other.
  const bool ok = WriteAll(fd, data) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return IndexError("cannot append to " + path + ": " + std::strerror(saved));
  return path;
}

}  // namespace onshi::auth
