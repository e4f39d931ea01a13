// What the application learned about the request its handler is running,
// for the access log (http/access_log.hpp): the route pattern that took it
// and who the caller proved to be.
//
// A handler runs on one pool thread from start to end, so the notes are
// thread-local: the access log clears them before calling the handler and
// reads them after it returns, and the code in between sets what it learns
// (service/router.cpp the route, service/audit_writer.cpp the actor) without
// anything being passed through every signature.
#ifndef ONSHI_HTTP_REQUEST_NOTES_HPP_
#define ONSHI_HTTP_REQUEST_NOTES_HPP_

#include <string>

namespace onshi::http {

struct RequestNotes {
  std::string route;   // "/oqs-api-pro/…/search", "/municipal/v1/cards/{id:int}/suspend"
  std::string client;  // "facility:1310000011", "insurer:06139992", "person", …
};

// This thread's notes for the request being handled.
RequestNotes& CurrentRequestNotes();

}  // namespace onshi::http

#endif  // ONSHI_HTTP_REQUEST_NOTES_HPP_
