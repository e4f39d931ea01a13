#include "card/personalise.hpp"

namespace onshi::card {

Expected<PersonalisedCard> PersonaliseCard(jpki::JpkiCa& ca, const std::string& path,
                                           const IssuerKey& key, std::string_view pin,
                                           std::time_t now, Date last_valid_day,
                                           const CardFileOptions& options) {
  auto file = CardFile::Create(path, key, pin, options);
  if (!file.ok()) return file.error();
  auto certificate = ca.IssueUserAuthentication(file->PublicKeyDer(), now, last_valid_day);
  if (!certificate.ok()) return certificate.error();
  if (auto e = file->InstallCertificates(certificate->der, ca.CertificateDer())) return *e;
  return PersonalisedCard{std::move(file).value(), std::move(certificate).value()};
}

}  // namespace onshi::card
