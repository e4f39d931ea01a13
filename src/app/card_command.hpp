// `onshi card …`: the municipal window (and the 24h hotline) at the command
// line — the My Number card lifecycle and 健康保険証利用登録.
//
//   onshi card issue (--person-id N | --my-number-file F) (--pin 1234 | --face-only)
//                    [--application-date YYYY-MM-DD] [--out DIR]
//   onshi card renew     --card ID
//   onshi card suspend   --card ID            (the 24h hotline)
//   onshi card resume    --card ID
//   onshi card reissue   --card ID (--pin P | --face-only)
//   onshi card pin-reset --card ID --pin P
//   onshi card register  --card ID --channel window|portal|reader|atm [--pin P]
//   onshi card status    --person-id N
//   onshi card pin-certificates [--card ID]  (pins certificates issued before schema 5)
//   onshi card smartphone add    --person-id N --pin P
//   onshi card smartphone revoke --card ID
//
// Common options: --db, --key-file (as everywhere), --now T (a plain date or
// an ISO time, service/clock.hpp), --municipality CODE (act as that
// municipality's window: the audit actor "municipal:CODE", and its own
// residents only; without it, as J-LIS's operator "jlis", for anyone —
// municipal/residency.hpp), and where the card world lives:
//
//   --jpki-dir DIR         the JPKI CA (J-LIS stand-in), default "<db>.jpki/"
//   --card-issuer-key F    the key that seals every card file, default
//                          "<db>.card-issuer.key" (0600, made on first use)
//   --cards-dir DIR        the card files, "card-<id>.card", default "<db>.cards/"
//
// "<db>" is the database path (for PostgreSQL: "onshi" in the working
// directory), the same base the facility CA's "<db>.ca" uses. The card files
// stay in --cards-dir: a copy elsewhere would fork the card's PIN counter, so
// `issue --out DIR` only puts a symbolic link to the card file there (for a
// reader bridge). The My Number is read from a file so that it never appears
// in a shell history or process list, and is never printed; a PIN is printed
// nowhere.
#ifndef ONSHI_APP_CARD_COMMAND_HPP_
#define ONSHI_APP_CARD_COMMAND_HPP_

#include <string>
#include <vector>

#include "app/cli.hpp"

namespace onshi::app {

// The words after "card". Returns the exit status; throws
// std::invalid_argument on a usage error, std::runtime_error on a refusal.
int CardCommand(const Args& args);
// `onshi card sign`: a reader's PIN, challenge and signature on a card file
// (card_sign_command.cpp).
int CardSignCommand(const Args& args);

}  // namespace onshi::app

#endif  // ONSHI_APP_CARD_COMMAND_HPP_
