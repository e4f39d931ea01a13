#include "terminal/kiosk_face_file.hpp"

#include <boost/json.hpp>
#include <ctime>

#include "terminal/file_names.hpp"
#include "terminal/request_folder.hpp"

namespace onshi::terminal {
namespace {

namespace json = boost::json;

void AppendEscaped(std::string* out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      default:
        *out += c;
    }
  }
}

// One member `name` with `value`, as element(s).
bool Emit(std::string* out, std::string_view name, const json::value& value) {
  if (value.is_string()) {
    *out += '<';
    *out += name;
    *out += '>';
    AppendEscaped(out, value.as_string());
    *out += "</";
    *out += name;
    *out += '>';
    return true;
  }
  if (value.is_object()) {
    *out += '<';
    *out += name;
    *out += '>';
    for (const auto& [k, v] : value.as_object()) {
      if (!Emit(out, k, v)) return false;
    }
    *out += "</";
    *out += name;
    *out += '>';
    return true;
  }
  if (value.is_array()) {
    const json::array& a = value.as_array();
    // A list: every entry wraps exactly one item element.
    bool list = !a.empty();
    for (const json::value& e : a) {
      list = list && e.is_object() && e.as_object().size() == 1 &&
             e.as_object().begin()->value().is_object();
    }
    if (list) {
      *out += '<';
      *out += name;
      *out += '>';
      for (const json::value& e : a) {
        const auto& item = *e.as_object().begin();
        if (!Emit(out, item.key(), item.value())) return false;
      }
      *out += "</";
      *out += name;
      *out += '>';
      return true;
    }
    for (const json::value& e : a) {  // a repeated element
      if (!e.is_object() || !Emit(out, name, e)) return false;
    }
    return true;
  }
  return false;  // numbers, booleans, null: never on the OQS wire
}

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Error Refuse(std::string message) {
  return Error{"answer", std::move(message)};
}

}  // namespace

Expected<std::string> XmlFromOqsJson(std::string_view text) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object() || v.as_object().size() != 1) {
    return Refuse("not an OQS JSON message");
  }
  std::string out = R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)";
  const auto& root = *v.as_object().begin();
  if (!root.value().is_object() || !Emit(&out, root.key(), root.value())) {
    return Refuse("not an OQS JSON message");
  }
  return out;
}

Expected<FaceFile> MakeFaceFile(std::string_view answer_json, const FaceFileOptions& options,
                                std::time_t now, std::string_view hex20) {
  boost::system::error_code ec;
  json::value v = json::parse(answer_json, ec);
  json::object* msg = nullptr;
  if (!ec && v.is_object()) {
    if (json::value* m = v.as_object().if_contains("XmlMsg"); m && m->is_object()) {
      msg = &m->as_object();
    }
  }
  if (msg == nullptr) return Refuse("not an XmlMsg");
  json::value* header = msg->if_contains("MessageHeader");
  json::value* body = msg->if_contains("MessageBody");
  if (!header || !header->is_object() || !body || !body->is_object()) {
    return Refuse("no MessageHeader or MessageBody");
  }
  json::object& h = header->as_object();
  json::object& b = body->as_object();
  if (Text(h, "SegmentOfResult") != "1" || Text(b, "ProcessingResultStatus") != "1") {
    return Refuse("not a normal answer (SegmentOfResult/ProcessingResultStatus)");
  }
  if (Text(h, "ReferenceClassification") != "1") return Refuse("not a card check's answer");
  const std::string institution = Text(h, "MedicalInstitutionCode");
  if (institution.size() != 10) return Refuse("no 10-digit MedicalInstitutionCode");
  json::value* list = b.if_contains("ResultList");
  if (!list || !list->is_array() || list->as_array().empty()) {
    return Refuse("no qualification to report (資格情報なし)");
  }
  json::array& results = list->as_array();
  // The service lists the qualification it decided on first.
  json::value one = results.front();
  json::value* result =
      one.is_object() ? one.as_object().if_contains("ResultOfQualificationConfirmation") : nullptr;
  if (!result || !result->is_object()) return Refuse("a result without its element");
  if (!options.specific_diseases) result->as_object().erase("SpecificDiseasesCertificateList");
  results = json::array{std::move(one)};

  auto xml = XmlFromOqsJson(json::serialize(v));
  if (!xml.ok()) return xml.error();
  return FaceFile{FaceFileName(institution, hex20, JstStamp(now)),
                  Reencode(std::move(xml).value(), options.charset)};
}

}  // namespace onshi::terminal
