// ResponseHead: the status line and header fields of a response, written
// straight into one string.
//
// Beast's serializer walks a chain of buffer views over its field list, and
// every field is an allocation in that list: together about a tenth of the
// HTTP layer's CPU per answer at full load. The server writes this head and
// the body as one buffer instead. (Not as two buffers of one gathered write:
// through beast::ssl_stream, an answer past its 16 KiB coalescing limit was
// never sent after its head.)
//
// What goes out is what Beast wrote for the same Response: "Server: onshi",
// the Content-Type, the handler's fields (the last of each name wins, as
// basic_fields::set did), Content-Length, and Connection when the version's
// default is not what the connection does. A field name or value with a CR
// or LF in it would let a value start a field or a response of its own
// (response splitting): such a field is left out.
#ifndef ONSHI_HTTP_RESPONSE_HEAD_HPP_
#define ONSHI_HTTP_RESPONSE_HEAD_HPP_

#include <string>

#include "http/server.hpp"

namespace onshi::http {

// The head of `r` for an HTTP/1.`version % 10` request (version 10 or 11,
// as Beast counts), ending with the empty line. `keep_alive`: whether the
// connection stays open after it. Whether the body follows: BodyAllowed.
std::string ResponseHead(const Response& r, bool keep_alive, unsigned version);

// 1xx, 204 and 304 carry no body (RFC 9110 §6.4.1) and no Content-Length.
bool BodyAllowed(int status);

}  // namespace onshi::http

#endif  // ONSHI_HTTP_RESPONSE_HEAD_HPP_
