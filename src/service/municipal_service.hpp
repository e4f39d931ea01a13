// MunicipalService: the municipal window's terminal (and the 24h hotline)
// over HTTPS — the card lifecycle of municipal/card_office.hpp.
//
// Every request must present a municipal certificate (OU=municipal,
// CN=<地方公共団体コード>); the code is the audit actor, and the window acts
// only on its own residents (municipal/residency.hpp): another
// municipality's resident is 403, audited. A facility or insurer
// certificate opens nothing here.
//
//   POST /municipal/v1/cards                  {"person_id", "pin"?, "application_date"?}
//        issue a card (no pin: a 顔認証 face-only card)
//   POST /municipal/v1/cards/{id}/renew       renew the certificate
//   POST /municipal/v1/cards/{id}/suspend     the hotline (R-CARD-6)
//   POST /municipal/v1/cards/{id}/resume      in person: a new certificate
//   POST /municipal/v1/cards/{id}/reissue     {"pin"?}  lost card
//   POST /municipal/v1/cards/{id}/pin-reset   {"pin"}   after a lock (R-CARD-5)
//   POST /municipal/v1/cards/{id}/register    {"pin"}   利用登録 at the window
//   GET  /municipal/v1/persons/{id}/registration   what the portal shows (R-REG-4)
//   POST /municipal/v1/persons/{id}/events  {"kind", "date", "address"?, "postcode"?,
//        "name"?, "name_kana"?}  a 住民異動 (転居 moved, 氏名変更 renamed, 転入
//        moved_in, 死亡 died) from its date (R-LINK-4, resident_registry.hpp);
//        the municipality is the certificate's; 400/404/409 problem details
//   GET/POST /municipal/window…  the window's pages for a clerk, in Japanese
//        (municipal_window.hpp): search by name and birth date, the
//        person's cards and actions, each confirmed, with its audit entries
//
// A browser (Accept: text/html, and every /municipal/window page) without
// the window's certificate gets a Japanese page instead of problem details.
//
// Window operations are serialised in this process: the JPKI CA's state
// files are rewritten by each revocation. (The CLI in another process at the
// same moment is not serialised with them; run one window per CA.)
#ifndef ONSHI_SERVICE_MUNICIPAL_SERVICE_HPP_
#define ONSHI_SERVICE_MUNICIPAL_SERVICE_HPP_

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/facility_ca.hpp"
#include "card/issuer_key.hpp"
#include "http/server.hpp"
#include "service/audit_writer.hpp"
#include "service/clock.hpp"
#include "service/store_pool.hpp"

namespace onshi::service {

class MunicipalService {
 public:
  // All references must outlive the service.
  MunicipalService(StorePool& stores, const auth::FacilityCa& ca, const Clock& clock,
                   std::string jpki_dir, const card::IssuerKey& issuer_key, std::string cards_dir);

  static bool Owns(std::string_view path);
  http::Response Handle(const http::Request& request);
  // Its routes, {method, pattern}, in the order they are tried.
  static std::vector<std::pair<std::string, std::string>> RouteList();

 private:
  StorePool& stores_;
  const auth::FacilityCa& ca_;
  const Clock& clock_;
  std::string jpki_dir_;
  const card::IssuerKey& issuer_key_;
  std::string cards_dir_;
  std::mutex window_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_MUNICIPAL_SERVICE_HPP_
