// JsonWriter: an ElementSink that appends compact JSON to a string.
//
// Written by hand rather than through boost::json::value because the answer
// is on the hot path: one reserved buffer, no tree, no per-node allocation.
// The output is one JSON object holding what the calls describe, e.g.
// BeginGroup("XmlMsg") … gives {"XmlMsg":{…}}. Strings are escaped per RFC
// 8259 (", \ and controls); other UTF-8 is written as is.
#ifndef ONSHI_OQS_JSON_WRITER_HPP_
#define ONSHI_OQS_JSON_WRITER_HPP_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "oqs/element_sink.hpp"

namespace onshi::oqs {

// Appends `value` to `out` as the inside of a JSON string, without the
// quotes (RFC 8259: the quote, the backslash and controls escaped; other
// UTF-8 as is).
void AppendJsonEscaped(std::string& out, std::string_view value);

class JsonWriter final : public ElementSink {
 public:
  explicit JsonWriter(std::size_t reserve = 2048);

  void BeginGroup(const char* name) override;
  void EndGroup() override;
  void BeginList(const char* name) override;
  void EndList() override;
  void BeginItem(const char* name) override;
  void EndItem() override;
  void BeginRepeated(const char* name) override { BeginList(name); }
  void EndRepeated() override { EndList(); }
  void BeginEntry() override;
  void EndEntry() override;
  void Scalar(const char* name, std::string_view value) override;

  // Closes the top-level object and hands over the text. Call once, with
  // every Begin matched.
  std::string Finish() &&;

 private:
  static constexpr std::size_t kMaxDepth = 16;  // OQS messages nest 6 deep

  void Separator();
  void Key(const char* name);
  void Push();
  void Pop(std::string_view close);

  std::string out_;
  // first_[d]: nothing has been written yet at depth d (no comma needed).
  std::array<bool, kMaxDepth> first_{};
  std::size_t depth_ = 0;
};

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_JSON_WRITER_HPP_
