#include "oqs/json_writer.hpp"

#include <cassert>

namespace onshi::oqs {

JsonWriter::JsonWriter(std::size_t reserve) {
  out_.reserve(reserve);
  out_ += '{';
  first_[0] = true;
}

void JsonWriter::Separator() {
  if (!first_[depth_]) out_ += ',';
  first_[depth_] = false;
}

void JsonWriter::Key(const char* name) {
  Separator();
  out_ += '"';
  out_ += name;  // element names are ASCII identifiers: nothing to escape
  out_ += "\":";
}

void JsonWriter::Push() {
  ++depth_;
  assert(depth_ < kMaxDepth);
  first_[depth_] = true;
}

void JsonWriter::Pop(std::string_view close) {
  assert(depth_ > 0);
  --depth_;
  out_ += close;
}

void JsonWriter::BeginGroup(const char* name) {
  Key(name);
  out_ += '{';
  Push();
}

void JsonWriter::EndGroup() {
  Pop("}");
}

void JsonWriter::BeginList(const char* name) {
  Key(name);
  out_ += '[';
  Push();
}

void JsonWriter::EndList() {
  Pop("]");
}

void JsonWriter::BeginItem(const char* name) {
  Separator();
  out_ += "{\"";
  out_ += name;
  out_ += "\":{";
  Push();
}

void JsonWriter::EndItem() {
  Pop("}}");
}

void JsonWriter::BeginEntry() {
  Separator();
  out_ += '{';
  Push();
}

void JsonWriter::EndEntry() {
  Pop("}");
}

void JsonWriter::Scalar(const char* name, std::string_view value) {
  Key(name);
  out_ += '"';
  AppendJsonEscaped(out_, value);
  out_ += '"';
}

void AppendJsonEscaped(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  for (std::size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(value.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(value.data() + run, value.size() - run);
}

std::string JsonWriter::Finish() && {
  assert(depth_ == 0);
  out_ += '}';
  return std::move(out_);
}

}  // namespace onshi::oqs
