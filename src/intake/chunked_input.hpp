// The bytes of an import file or of a request body, read a chunk at a time.
//
// An insurer's bulk file can hold a million records (~200 MB); reading it in
// chunks keeps the reader's memory at one chunk plus one unfinished record,
// whatever the file's size. A body already in memory is served through the
// same interface, in the same chunk sizes, so that one code path (and one set
// of chunk-boundary tests) covers both.
#ifndef ONSHI_INTAKE_CHUNKED_INPUT_HPP_
#define ONSHI_INTAKE_CHUNKED_INPUT_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace onshi::intake {

class ChunkedInput {
 public:
  // Opens `path` for reading; the error names the path and the OS reason.
  static Expected<ChunkedInput> OpenFile(const std::string& path, std::size_t chunk_bytes);
  static ChunkedInput FromString(std::string body, std::size_t chunk_bytes);

  ChunkedInput(ChunkedInput&&) noexcept;
  ChunkedInput& operator=(ChunkedInput&&) noexcept;
  ~ChunkedInput();

  // The bytes read and not yet consumed. Invalidated by ReadMore.
  std::string_view available() const;
  // Appends up to one chunk to available(). Returns false, leaving
  // available() as it was, at the end of the input or after a read error.
  bool ReadMore();
  // True once ReadMore has found the end of the input (or failed): the
  // bytes in available() are all that remain.
  bool at_end() const;
  // Drops the first `n` bytes of available().
  void Consume(std::size_t n);

  // Offset in the input of the first byte of available().
  uint64_t consumed() const;
  // Size of the file when it was opened, or of the body.
  uint64_t total_bytes() const;
  // Why the last ReadMore failed, or "" if it did not.
  const std::string& error() const;

 private:
  struct Rep;
  explicit ChunkedInput(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace onshi::intake

#endif  // ONSHI_INTAKE_CHUNKED_INPUT_HPP_
