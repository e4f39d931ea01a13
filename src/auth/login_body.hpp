// body.json: the login body a clinic's software POSTs, verbatim, to
// /oqs-api-pro/MSA12020/ILI12020SV01/auth alongside its TLS client
// certificate (OQS §1.1).
//
// The real system's keys were never published, so onshi defines its own:
//
//   {"medicalInstitutionCode":"1312345678","clientId":"<certificate serial>"}
//
// clientId is the serial number (uppercase hex, as `openssl x509 -serial`
// prints it) of the certificate issued with the body. Neither member is a
// secret: the certificate is the credential. The server takes the facility's
// identity from the verified certificate and only cross-checks the body
// (MatchesCertificate), so a body copied to another installation proves
// nothing. Unknown members are tolerated, so that a later version can add
// some without breaking installed clients.
#ifndef ONSHI_AUTH_LOGIN_BODY_HPP_
#define ONSHI_AUTH_LOGIN_BODY_HPP_

#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "core/medical_institution_code.hpp"

namespace onshi::auth {

struct LoginBody {
  MedicalInstitutionCode medical_institution_code;
  std::string client_id;
};

std::string FormatLoginBody(const LoginBody& body);

// Errors name the member ("medicalInstitutionCode", "clientId") or "json".
Expected<LoginBody> ParseLoginBody(std::string_view json);

// Whether `body` was issued with the certificate that has this code and
// serial (serial compared case-insensitively).
bool MatchesCertificate(const LoginBody& body, const MedicalInstitutionCode& code,
                        std::string_view serial_hex);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_LOGIN_BODY_HPP_
