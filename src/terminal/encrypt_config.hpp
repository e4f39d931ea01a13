// The terminal's encryption switch (terminal-protocol.md §4.3): the real
// terminal's `encrypt.conf` (連携アプリ: Req/Res) and `encrypt_face.conf`
// (顔認証DLL: Face), read here as the real files are:
//
//   - bytes in the Windows ANSI code page (CP932), CRLF or LF; one line per
//     file kind, `<key>=<e|n>`; `e` or `E` is encrypted, anything else not;
//     blank lines are skipped, any other line without exactly one `=` is a
//     read error (読み込み異常) naming its line;
//   - a key whose name starts with one of the prefixes that are always plain
//     (EPS, OQSmutic, OQSmuhvq, OQSmuonq, OQSsihvq, OQSsionq, OQSsihvd,
//     OQSsiurl, OQSsiinq, OQSsiupd, PMHsimsm; prescription,
//     publicmedicalhub) is plain whatever it says (§2, ONS_Reconfig_Encrypt);
//   - only the first line decides the mode reported (§4.3).
// A file is encrypted per the key its name starts with (the longest such
// key, without case: Windows shares); a file no key names follows the mode
// reported [I].
//
// Encrypted files travel as a zip archive of the one XML file, `.zip` for
// `.xml` (§2: the spec's names include .zip; §4.3: a request opened with a
// zip password), encrypted with the terminal's password (the real terminal
// keeps it as the Windows credential OQS_CRYPT_PASS) — zip_container.hpp.
#ifndef ONSHI_TERMINAL_ENCRYPT_CONFIG_HPP_
#define ONSHI_TERMINAL_ENCRYPT_CONFIG_HPP_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace onshi::terminal {

class EncryptConf {
 public:
  EncryptConf() = default;  // no file: everything plain

  // Error{"line N", …} for a line that is not `<key>=<value>`.
  static Expected<EncryptConf> Parse(std::string_view ansi_bytes);

  bool Encrypts(std::string_view file_name) const;
  // The mode the terminal reports: the first line's.
  bool Reported() const { return !lines_.empty() && lines_.front().second; }
  // Whether any file kind is encrypted (the password is then needed).
  bool Any() const;

 private:
  std::vector<std::pair<std::string, bool>> lines_;  // key, encrypted (after the exclusions)
};

// The switch for Req/Res and for Face, with the password; loaded from a
// config folder laid out as the real terminal's:
//   DIR/encrypt.conf, DIR/encrypt_face.conf   (each optional: plain)
//   DIR/crypt.pass                            the password, first line;
//                                             needed when anything is
//                                             encrypted; refused unless
//                                             readable by its owner only
struct EncryptSettings {
  EncryptConf files;  // Req/Res
  EncryptConf face;   // Face
  std::string password;

  static Expected<EncryptSettings> Load(const std::string& dir);
};

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_ENCRYPT_CONFIG_HPP_
