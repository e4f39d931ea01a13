// JpkiTrust: the JPKI CA as the eligibility service sees it, kept current.
//
// The municipal window (`onshi card …`, another process) issues, revokes
// and renews certificates by writing the CA directory; a server that loaded
// the CA at start would not know a resumed card's new certificate, and would
// learn of a hotline suspension only through the store. So Current() checks
// whether issued.txt or revoked.txt changed (size and mtime), and if so loads
// the CA again. Readers keep the snapshot they got: a reload never
// changes a CA object in use. Thread-safe.
#ifndef ONSHI_SERVICE_JPKI_TRUST_HPP_
#define ONSHI_SERVICE_JPKI_TRUST_HPP_

#include <ctime>
#include <memory>
#include <mutex>
#include <string>

#include "core/expected.hpp"
#include "jpki/jpki_ca.hpp"

namespace onshi::service {

class JpkiTrust {
 public:
  // Loads the CA in `dir`, creating it if missing.
  // `now` and `wall` as for jpki::JpkiCa::Create, used only if the CA is made here.
  static Expected<std::unique_ptr<JpkiTrust>> Open(const std::string& dir, std::time_t now,
                                                   std::time_t wall);

  std::shared_ptr<const jpki::JpkiCa> Current();

 private:
  JpkiTrust(std::string dir, std::shared_ptr<const jpki::JpkiCa> ca);
  std::string Stamp() const;  // sizes and mtimes of the CA's state files

  std::string dir_;
  std::mutex mu_;
  std::shared_ptr<const jpki::JpkiCa> ca_;
  std::string stamp_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_JPKI_TRUST_HPP_
