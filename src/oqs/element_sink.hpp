// ElementSink: the shape of an OQS message, independent of JSON or XML.
//
// The response builder (response.cpp) describes a message once, in spec
// element order, as calls on a sink; JsonWriter and XmlWriter turn the calls
// into bytes. The three shapes are those of the XML the JSON was derived from
// (oqs-interface.md §1.1):
//
//   call                          JSON                          XML
//   Scalar("A", "v")              "A":"v"                       <A>v</A>
//   BeginGroup("G") … EndGroup    "G":{…}                       <G>…</G>
//   BeginList("L") … EndList      "L":[…]                       <L>…</L>
//   BeginItem("I") … EndItem      {"I":{…}}  (inside a list)    <I>…</I>
//   BeginRepeated("R") … End      "R":[…]                       (nothing)
//   BeginEntry() … EndEntry       {…}  (inside BeginRepeated)   <R>…</R>
//
// The last two describe an element that simply repeats, with its fields as
// direct children (SpecificDiseasesCertificateList in the real files: each
// certificate is one <SpecificDiseasesCertificateList>, and strict clients
// refuse a List › Info nesting; terminal-protocol.md §10).
//
// Every scalar is a string on both wires. Names are string literals (the
// element names of the spec), hence `const char*`; values may be any bytes of
// valid UTF-8. Calls must nest properly; sinks check that only in debug builds.
#ifndef ONSHI_OQS_ELEMENT_SINK_HPP_
#define ONSHI_OQS_ELEMENT_SINK_HPP_

#include <string_view>

namespace onshi::oqs {

class ElementSink {
 public:
  virtual ~ElementSink() = default;

  virtual void BeginGroup(const char* name) = 0;
  virtual void EndGroup() = 0;
  virtual void BeginList(const char* name) = 0;
  virtual void EndList() = 0;
  virtual void BeginItem(const char* name) = 0;
  virtual void EndItem() = 0;
  virtual void BeginRepeated(const char* name) = 0;
  virtual void EndRepeated() = 0;
  virtual void BeginEntry() = 0;
  virtual void EndEntry() = 0;
  virtual void Scalar(const char* name, std::string_view value) = 0;
};

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_ELEMENT_SINK_HPP_
