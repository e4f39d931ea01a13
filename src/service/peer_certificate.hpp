// The client certificate a request came with, parsed for the role checks
// (FacilityCa::VerifyClient / VerifyInsurer / VerifyMunicipal / VerifyAdmin).
#ifndef ONSHI_SERVICE_PEER_CERTIFICATE_HPP_
#define ONSHI_SERVICE_PEER_CERTIFICATE_HPP_

#include <openssl/x509.h>

#include <memory>

#include "http/server.hpp"

namespace onshi::service {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using PeerCertificate = std::unique_ptr<X509, X509Free>;

// nullptr when the request has no client certificate or it cannot be read
// (the TLS layer already checked it against our CA; the role checks check
// again, with revocation, at the request's time).
inline PeerCertificate ReadPeerCertificate(const http::Request& request) {
  if (request.peer_certificate_der.empty()) return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(request.peer_certificate_der.data());
  return PeerCertificate(
      d2i_X509(nullptr, &p, static_cast<long>(request.peer_certificate_der.size())));
}

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_PEER_CERTIFICATE_HPP_
