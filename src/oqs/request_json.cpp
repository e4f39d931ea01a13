// ParseRequestJson (request.hpp).
#include <boost/json.hpp>

#include <string>

#include "oqs/request.hpp"

namespace onshi::oqs {
namespace {

namespace json = boost::json;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view KindName(json::kind k) {
  switch (k) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a non-string";
}

std::string Path(std::string_view group, std::string_view name) {
  std::string path(group);
  path += '/';
  path += name;
  return path;
}

void Keep(ParsedRequest& out, OqsError error) {
  if (!out.error) out.error = std::move(error);
}

// Member `name` of `parent` when it is an object; records an error otherwise.
const json::object* Group(ParsedRequest& out, const json::object& parent, const char* name,
                          std::string_view path) {
  const json::value* v = parent.if_contains(name);
  if (v == nullptr) {
    Keep(out, MakeOqsError(ErrorCode::kMissingGroup, std::string(path), "element is missing"));
    return nullptr;
  }
  if (!v->is_object()) {
    Keep(out, MakeOqsError(ErrorCode::kMissingGroup, std::string(path),
                           "must be an object, got " + std::string(KindName(v->kind()))));
    return nullptr;
  }
  return &v->get_object();
}

template <std::size_t N>
void ReadScalars(ParsedRequest& out, const json::object& group,
                 const std::array<RequestElement, N>& elements, std::string_view group_path) {
  for (const RequestElement& e : elements) {
    const json::value* v = group.if_contains(e.name);
    if (v == nullptr) continue;  // presence is ValidateRequest's business
    if (const json::string* s = v->if_string()) {
      out.request.*e.member = std::string(s->data(), s->size());
    } else {
      Keep(out, MakeOqsError(ErrorCode::kNotAString, Path(group_path, e.name),
                             "must be a JSON string, got " + std::string(KindName(v->kind()))));
    }
  }
}

}  // namespace

ParsedRequest ParseRequestJson(std::string_view body) {
  ParsedRequest out;
  out.request.format = WireFormat::kJson;
  if (body.starts_with(kUtf8Bom)) body.remove_prefix(kUtf8Bom.size());

  // The whole tree dies with this function: a monotonic arena turns the
  // parser's many small allocations into a few large ones.
  unsigned char arena[4096];
  json::monotonic_resource mr(arena, sizeof(arena));
  json::error_code ec;
  const json::value root = json::parse(json::string_view(body.data(), body.size()), ec, &mr);
  if (ec) {
    out.error = MakeOqsError(ErrorCode::kNotJson, "", ec.message());
    return out;
  }

  const json::object* top = root.if_object();
  const json::value* msg = top != nullptr ? top->if_contains("XmlMsg") : nullptr;
  if (msg == nullptr || !msg->is_object()) {
    out.error = MakeOqsError(ErrorCode::kWrongRoot, "",
                             "the top level must be an object {\"XmlMsg\":{...}}");
    return out;
  }
  const json::object& xml_msg = msg->get_object();

  if (const json::object* header = Group(out, xml_msg, "MessageHeader", kHeaderPath)) {
    ReadScalars(out, *header, kHeaderElements, kHeaderPath);
  }
  if (const json::object* message_body = Group(out, xml_msg, "MessageBody", "MessageBody")) {
    if (const json::object* info =
            Group(out, *message_body, "QualificationConfirmSearchInfo", kSearchInfoPath)) {
      ReadScalars(out, *info, kSearchInfoElements, kSearchInfoPath);
    }
  }
  return out;
}

ParsedRequest ParseRequest(std::string_view bytes, WireFormat format) {
  return format == WireFormat::kJson ? ParseRequestJson(bytes) : ParseRequestXml(bytes);
}

}  // namespace onshi::oqs
