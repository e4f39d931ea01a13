#include "terminal/encrypt_config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <optional>

namespace onshi::terminal {
namespace {

// Always plain, whatever the line says (terminal-protocol.md §2).
constexpr std::string_view kAlwaysPlain[] = {
    "prescription", "publicmedicalhub", "EPS",      "OQSmutic", "OQSmuhvq", "OQSmuonq", "OQSsihvq",
    "OQSsionq",     "OQSsihvd",         "OQSsiurl", "OQSsiinq", "OQSsiupd", "PMHsimsm"};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

Expected<EncryptConf> EncryptConf::Parse(std::string_view bytes) {
  EncryptConf conf;
  int number = 0;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = bytes.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || line.find('=', eq + 1) != std::string_view::npos) {
      return Error{
          "line " + std::to_string(number),
          "読み込み異常: `<キー>=<e|n>` ではない行です (" + std::to_string(number) + "行目)"};
    }
    const std::string key(line.substr(0, eq));
    const std::string_view value = line.substr(eq + 1);
    bool encrypted = value == "e" || value == "E";
    for (std::string_view plain : kAlwaysPlain) {
      if (key.starts_with(plain)) encrypted = false;
    }
    conf.lines_.emplace_back(key, encrypted);
  }
  return conf;
}

bool EncryptConf::Encrypts(std::string_view file_name) const {
  const std::pair<std::string, bool>* best = nullptr;
  for (const auto& line : lines_) {
    if (line.first.empty() || !StartsWithNoCase(file_name, line.first)) continue;
    if (!best || line.first.size() > best->first.size()) best = &line;
  }
  return best ? best->second : Reported();
}

bool EncryptConf::Any() const {
  return std::any_of(lines_.begin(), lines_.end(), [](const auto& l) { return l.second; });
}

Expected<EncryptSettings> EncryptSettings::Load(const std::string& dir) {
  EncryptSettings out;
  for (auto [name, conf] :
       {std::pair{"encrypt.conf", &out.files}, std::pair{"encrypt_face.conf", &out.face}}) {
    const auto bytes = ReadAll(dir + "/" + name);
    if (!bytes) continue;  // no switch: plain, as a terminal without one
    auto parsed = EncryptConf::Parse(*bytes);
    if (!parsed.ok()) {
      return Error{parsed.error().field, std::string(name) + ": " + parsed.error().message};
    }
    *conf = std::move(parsed).value();
  }
  if (!out.files.Any() && !out.face.Any()) return out;
  const std::string pass_file = dir + "/crypt.pass";
  struct stat st {};
  if (::stat(pass_file.c_str(), &st) != 0) {
    return Error{"crypt.pass", pass_file + " is missing: encrypted files need the password"};
  }
  if ((st.st_mode & 077) != 0) {
    return Error{"crypt.pass", pass_file + " must be readable by its owner only (chmod 600)"};
  }
  std::string pass = ReadAll(pass_file).value_or("");
  pass = pass.substr(0, pass.find_first_of("\r\n"));
  if (pass.empty()) return Error{"crypt.pass", pass_file + " is empty"};
  out.password = std::move(pass);
  return out;
}

}  // namespace onshi::terminal
