// PersonaliseCard: what J-LIS and the municipality do to a blank card —
// generate the 利用者証明用 key on the card, certify it, write the
// certificates — in one call, for tests, fixtures and the population tools.
#ifndef ONSHI_CARD_PERSONALISE_HPP_
#define ONSHI_CARD_PERSONALISE_HPP_

#include <ctime>
#include <string>
#include <string_view>

#include "card/card_file.hpp"
#include "card/issuer_key.hpp"
#include "core/date.hpp"
#include "core/expected.hpp"
#include "jpki/jpki_ca.hpp"

namespace onshi::card {

struct PersonalisedCard {
  CardFile file;
  jpki::IssuedUserCertificate certificate;
};

// Creates the card file at `path` with a new key and `pin`, has `ca` issue
// its certificate valid from `now` to the end of `last_valid_day` (the
// caller's CertificateExpiry, R-CARD-3), and installs it with the CA's own
// certificate.
Expected<PersonalisedCard> PersonaliseCard(jpki::JpkiCa& ca, const std::string& path,
                                           const IssuerKey& key, std::string_view pin,
                                           std::time_t now, Date last_valid_day,
                                           const CardFileOptions& options = {});

}  // namespace onshi::card

#endif  // ONSHI_CARD_PERSONALISE_HPP_
