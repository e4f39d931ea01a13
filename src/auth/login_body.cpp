#include "auth/login_body.hpp"

#include <algorithm>
#include <cctype>

#include "auth/flat_json.hpp"

namespace onshi::auth {

std::string FormatLoginBody(const LoginBody& body) {
  return FlatJsonWriter()
             .Add("medicalInstitutionCode", body.medical_institution_code.digits())
             .Add("clientId", body.client_id)
             .Finish() +
         "\n";
}

Expected<LoginBody> ParseLoginBody(std::string_view json) {
  auto obj = FlatJsonObject::Parse(json);
  if (!obj.ok()) return obj.error();
  const auto code_text = obj->GetString("medicalInstitutionCode");
  if (!code_text) return MakeError("medicalInstitutionCode", "missing or not a string");
  auto code = MedicalInstitutionCode::Parse(*code_text);
  if (!code.ok()) return MakeError("medicalInstitutionCode", code.error().message);
  auto client_id = obj->GetString("clientId");
  if (!client_id || client_id->empty()) return MakeError("clientId", "missing or empty");
  return LoginBody{std::move(code).value(), std::move(*client_id)};
}

bool MatchesCertificate(const LoginBody& body, const MedicalInstitutionCode& code,
                        std::string_view serial_hex) {
  auto upper = [](unsigned char c) { return std::toupper(c); };
  return body.medical_institution_code == code &&
         std::equal(body.client_id.begin(), body.client_id.end(), serial_hex.begin(),
                    serial_hex.end(), [&](char a, char b) { return upper(a) == upper(b); });
}

}  // namespace onshi::auth
