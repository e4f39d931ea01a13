// The kiosk half of `onshi terminal` (terminal/kiosk_server.hpp): its
// options and its start-up, kept apart from the Req → Res loop.
//
//   --kiosk-listen HOST:PORT  serve the card reader's screen there: loopback
//                           only — 127.0.0.1:PORT, localhost:PORT, [::1]:PORT
//                           (as serve's --listen; port 0 picks a free one,
//                           printed at start-up)
//   --kiosk PORT            the older form: 127.0.0.1:PORT
//   --facility CODE         the 医療機関コード the reader signs for
//   --reader-key DIR        the reader's key (`onshi reader add --out DIR`)
//   --reader NAME           the PC/SC reader (default: the first one)
//   --card-surface FILE     where the reader's camera puts the card face's
//                           照合番号B (`onshi card emulate --surface FILE`)
//   --face DIR              Face files (default DIR/Face)
//   --web-root DIR          the pages and face-api (default: the source
//                           tree's src/web/kiosk)
//   --face-threshold D      largest face distance accepted (default 0.4)
//   --face-specific-diseases  keep SpecificDiseasesCertificateList in Face
//                           files (myclinic reads it only when it repeats)
#ifndef ONSHI_APP_TERMINAL_KIOSK_HPP_
#define ONSHI_APP_TERMINAL_KIOSK_HPP_

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "app/cli.hpp"
#include "oqs/charset.hpp"
#include "terminal/central.hpp"
#include "terminal/encrypt_config.hpp"
#include "terminal/publisher.hpp"

namespace onshi::app {

class KioskRunner;
struct KioskRunnerDeleter {
  void operator()(KioskRunner* k) const;
};

// Starts the kiosk when --kiosk-listen or --kiosk is given (nullptr otherwise); it runs on its
// own threads, with its own connection to the central service, until the
// returned object is destroyed. Throws std::invalid_argument on bad options.
std::unique_ptr<KioskRunner, KioskRunnerDeleter> StartKiosk(const Args& args,
                                                            const terminal::CentralOptions& central,
                                                            terminal::Publisher& publisher,
                                                            std::optional<oqs::Charset> charset,
                                                            const std::filesystem::path& dir,
                                                            const terminal::EncryptSettings* crypt);

}  // namespace onshi::app

#endif  // ONSHI_APP_TERMINAL_KIOSK_HPP_
