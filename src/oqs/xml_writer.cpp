#include "oqs/xml_writer.hpp"

#include <cassert>

namespace onshi::oqs {
namespace {

class StringWriter final : public pugi::xml_writer {
 public:
  explicit StringWriter(std::string& out) : out_(out) {}
  void write(const void* data, size_t size) override {
    out_.append(static_cast<const char*>(data), size);
  }

 private:
  std::string& out_;
};

}  // namespace

XmlWriter::XmlWriter() : current_(doc_) {}

void XmlWriter::BeginGroup(const char* name) {
  current_ = current_.append_child(name);
}

void XmlWriter::EndGroup() {
  assert(current_ != doc_);
  current_ = current_.parent();
}

void XmlWriter::Scalar(const char* name, std::string_view value) {
  current_.append_child(name).text().set(value.data(), value.size());
}

std::string XmlWriter::Finish(Charset charset) && {
  assert(current_ == doc_);
  std::string out;
  out.reserve(4096);
  out += charset == Charset::kShiftJis
             ? R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>)"
             : R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)";
  StringWriter writer(out);
  // format_raw: no indentation; we write the declaration ourselves because
  // pugixml's omits standalone.
  doc_.save(writer, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  if (charset == Charset::kShiftJis) return Utf8ToCp932(out);
  return out;
}

}  // namespace onshi::oqs
