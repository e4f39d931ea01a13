// File helpers for key material and certificates.
//
// Private keys are created with mode 0600 and refused on load when group or
// others can read them (as ssh does): a key that has been world-readable must
// be treated as leaked, and failing loudly is cheaper than finding out later.
// Replacing a file goes through a temporary and rename(2), so a crash never
// leaves a half-written CRL or revocation list for the TLS layer to read.
#ifndef ONSHI_AUTH_KEY_FILE_HPP_
#define ONSHI_AUTH_KEY_FILE_HPP_

#include <sys/types.h>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace onshi::auth {

// The whole file.
Expected<std::string> ReadWholeFile(const std::string& path);

// Like ReadWholeFile, but fails if the file's mode grants any access to group
// or others.
Expected<std::string> ReadPrivateFile(const std::string& path);

// Creates `path` with exactly `mode` (umask notwithstanding) and writes
// `data`, failing if the file already exists (O_EXCL), so that two processes
// racing to create a key cannot both believe they won.
Expected<std::string> WriteNewFile(const std::string& path, std::string_view data, mode_t mode);

// Writes `data` to `path` atomically (temporary file + fsync + rename),
// replacing any existing file. The result is the path.
Expected<std::string> ReplaceFile(const std::string& path, std::string_view data, mode_t mode);

// Creates `dir` (mode 0700) and missing parents; succeeds if it exists.
Expected<std::string> EnsureDirectory(const std::string& dir);

bool FileExists(const std::string& path);

// Writes all of `data` to an open descriptor, retrying short writes and
// EINTR; false (errno set) on a failure. No sync: the caller decides.
bool WriteAll(int fd, std::string_view data);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_KEY_FILE_HPP_
