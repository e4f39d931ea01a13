// File helpers shared by the check log (check_log.hpp) and its index by
// person (check_log_index.hpp). Errors name the file and errno's reason.
#ifndef ONSHI_SERVICE_CHECK_LOG_FILES_HPP_
#define ONSHI_SERVICE_CHECK_LOG_FILES_HPP_

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace onshi::service {

// "access log: <what> <path>: <strerror(errno)>".
std::runtime_error CheckLogFailure(const std::string& what, const std::string& path);

// The whole file. Throws CheckLogFailure.
std::string ReadSegmentFile(const std::string& path);

// A segment's records: what comes before its first zero byte (the zeroer's
// space after them, check_log.hpp).
std::string_view RecordsOf(std::string_view text);

// Writes all of `text` at the file's position, or at `offset`. Throws
// CheckLogFailure naming `path`.
void WriteAllTo(int fd, std::string_view text, const std::string& path);
void PwriteAllTo(int fd, std::string_view text, uint64_t offset, const std::string& path);

// Reads exactly `n` bytes at `offset` into `out`; false at an error or the
// file's end.
bool PreadAll(int fd, void* out, size_t n, uint64_t offset);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CHECK_LOG_FILES_HPP_
