// XmlWriter: an ElementSink that builds the message with pugixml and
// serialises it in the file protocol's form.
//
// Output: the declaration <?xml version="1.0" encoding="UTF-8" standalone="no"?>
// (or encoding="Shift_JIS", the spelling OQSDrug2 writes and reads) followed
// by the elements with no indentation or line breaks, as in the spec's sample
// files (oqs-interface.md §4.6, §4.7). For Shift_JIS the finished UTF-8 text is
// converted to CP932, and characters CP932 lacks become 〓 (charset.hpp).
//
// Values must not contain control characters other than tab, CR and LF: XML
// 1.0 cannot carry them at all. Echoed request values are checked by
// ValidateRequest; stored names and addresses are assumed clean.
#ifndef ONSHI_OQS_XML_WRITER_HPP_
#define ONSHI_OQS_XML_WRITER_HPP_

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "oqs/charset.hpp"
#include "oqs/element_sink.hpp"

namespace onshi::oqs {

class XmlWriter final : public ElementSink {
 public:
  XmlWriter();

  void BeginGroup(const char* name) override;
  void EndGroup() override;
  void BeginList(const char* name) override { BeginGroup(name); }
  void EndList() override { EndGroup(); }
  void BeginItem(const char* name) override { BeginGroup(name); }
  void EndItem() override { EndGroup(); }
  void BeginRepeated(const char* name) override { repeated_.push_back(name); }
  void EndRepeated() override { repeated_.pop_back(); }
  void BeginEntry() override { BeginGroup(repeated_.back()); }
  void EndEntry() override { EndGroup(); }
  void Scalar(const char* name, std::string_view value) override;

  // The document in `charset`, declaration first. Call once, with every Begin
  // matched.
  std::string Finish(Charset charset) &&;

 private:
  pugi::xml_document doc_;
  pugi::xml_node current_;
  std::vector<const char*> repeated_;  // names of the open BeginRepeated
};

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_XML_WRITER_HPP_
