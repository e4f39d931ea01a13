// The parts of a multipart/form-data body (RFC 7578): what a browser sends
// for a <form enctype="multipart/form-data">, the insurer page's upload.
// Only what browsers produce is read: a boundary parameter, parts separated
// by CRLF "--boundary", each with a Content-Disposition naming the field
// (and the file). The body is kept as bytes (a Shift_JIS CSV stays as sent).
#ifndef ONSHI_SERVICE_MULTIPART_FORM_HPP_
#define ONSHI_SERVICE_MULTIPART_FORM_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onshi::service {

struct FormPart {
  std::string name;          // the form field's name
  std::string filename;      // the file's name as the browser gave it, or ""
  std::string content_type;  // the part's Content-Type, or ""
  std::string body;
};

// The parts, or nullopt when `content_type` is not multipart/form-data with
// a boundary or the body is not well formed.
std::optional<std::vector<FormPart>> ParseMultipartForm(std::string_view content_type,
                                                        std::string_view body);

// The value of field `name` of an application/x-www-form-urlencoded body
// (percent-decoding, '+' as space), or nullopt when absent or malformed.
std::optional<std::string> UrlEncodedFormValue(std::string_view body, std::string_view name);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_MULTIPART_FORM_HPP_
