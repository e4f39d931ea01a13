// The OpenAPI 3.1 description of every HTTP endpoint of `onshi serve`
// (issue 19): docs/openapi.json, built into the binary by
// cmake/embed_file.cmake and served at GET /openapi.json, so what a client
// downloads is the repository's document. tests/app/openapi_test.cpp holds
// the route tables and every response the e2e suites receive against it.
#ifndef ONSHI_SERVICE_OPENAPI_DOCUMENT_HPP_
#define ONSHI_SERVICE_OPENAPI_DOCUMENT_HPP_

#include <string_view>

namespace onshi::service {

// The document's bytes (UTF-8 JSON), as in docs/openapi.json.
std::string_view OpenApiDocument();

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_OPENAPI_DOCUMENT_HPP_
