// The .zip container of the terminal's file interface (terminal-protocol.md
// §2, §4.2, §4.3), with libzip (Debian's libzip-dev):
//
//   - an answer in encrypted mode (encrypt_config.hpp) is a zip archive of
//     its one XML file: `<name>.zip` holding `<name>.xml`, deflated and
//     encrypted with the terminal's password. The cipher is WinZip AES-256
//     (AE-2), not the old PKWARE cipher: an OQS file starts with a known
//     XML declaration, and PKWARE's cipher falls to a known-plaintext attack
//     of 12 bytes. 7-Zip and the zip libraries of .NET's world read AE-2.
//   - a request that arrives as `.zip` is read the way OQSDrug2 reads a
//     02res archive (§4.2): the XML entry whose name starts with the expected
//     prefix, else the first XML entry.
#ifndef ONSHI_TERMINAL_ZIP_CONTAINER_HPP_
#define ONSHI_TERMINAL_ZIP_CONTAINER_HPP_

#include <ctime>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "terminal/encrypt_config.hpp"

namespace onshi::terminal {

// A zip archive with one entry `entry_name` holding `bytes`, deflated;
// AES-256 encrypted when `password` is not empty. `mtime` is the entry's
// time. Error{"zip", …} on failure.
Expected<std::string> ZipOne(std::string_view entry_name, std::string_view bytes,
                             const std::string& password, std::time_t mtime);

// A file as it is published under the switch `conf` (null: plain): `name`
// and `bytes` unchanged when `conf` does not encrypt `name`, else
// `<stem>.zip` holding `name` encrypted with `password`. For Res answers
// (encrypt.conf) and Face files (encrypt_face.conf) alike.
struct Published {
  std::string name;
  std::string bytes;
};
Expected<Published> InContainer(std::string name, std::string bytes, const EncryptConf* conf,
                                const std::string& password, std::time_t now);

// The XML inside `archive`: the entry whose name starts with `prefix`
// (without case), else the first `.xml` entry. Error{"zip", …} when the
// archive is not a complete zip (perhaps still being written), has no XML,
// or cannot be decrypted with `password`.
Expected<std::string> UnzipXml(std::string_view archive, std::string_view prefix,
                               const std::string& password);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_ZIP_CONTAINER_HPP_
