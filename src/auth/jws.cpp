#include "auth/jws.hpp"

#include "auth/base64url.hpp"
#include "auth/flat_json.hpp"

namespace onshi::auth {
namespace {

bool Refuse(std::string* why, std::string_view reason) {
  if (why) *why = std::string(reason);
  return false;
}

}  // namespace

DetachedSigner::DetachedSigner(Es256SigningKey key)
    : key_(std::move(key)),
      encoded_header_(Base64UrlEncode(FlatJsonWriter()
                                          .Add("alg", "ES256")
                                          .Add("kid", key_.key_id())
                                          .Add("typ", kProofType)
                                          .Finish())) {}

std::string DetachedSigner::Sign(std::string_view body) const {
  std::string input;
  input.reserve(encoded_header_.size() + 1 + (body.size() * 4 + 2) / 3);
  input += encoded_header_;
  input += '.';
  input += Base64UrlEncode(body);
  return encoded_header_ + ".." + Base64UrlEncode(key_.Sign(input));
}

bool VerifyDetached(std::string_view jws, std::string_view body, const Es256PublicKey& key,
                    std::string* why) {
  const size_t dot = jws.find('.');
  if (dot == std::string_view::npos || jws.substr(dot, 2) != ".." ||
      jws.find('.', dot + 2) != std::string_view::npos) {
    return Refuse(why, "not a detached compact JWS (header..signature)");
  }
  const std::string_view encoded_header = jws.substr(0, dot);
  const auto header_json = Base64UrlDecode(encoded_header);
  const auto signature = Base64UrlDecode(jws.substr(dot + 2));
  if (!header_json || !signature) return Refuse(why, "a part is not base64url");
  auto header = FlatJsonObject::Parse(*header_json);
  if (!header.ok()) return Refuse(why, "header: " + header.error().message);
  if (header->GetString("alg") != "ES256") return Refuse(why, "header alg must be \"ES256\"");
  if (header->GetString("typ") != kProofType)
    return Refuse(why, "header typ must be \"oqs-proof\"");
  if (header->Has("crit")) return Refuse(why, "header has critical extensions");
  if (const auto kid = header->GetString("kid"); kid && *kid != key.key_id()) {
    return Refuse(why, "signed by another key (kid " + *kid + ")");
  }
  std::string input(encoded_header);
  input += '.';
  input += Base64UrlEncode(body);
  if (!key.Verify(input, *signature)) return Refuse(why, "signature does not verify");
  return true;
}

}  // namespace onshi::auth
