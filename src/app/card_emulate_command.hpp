// `onshi card emulate`: serves an emulated My Number card to pcscd through
// vsmartcard's vpcd, so any PC/SC application — OpenSC, a 顔認証付きカード
// リーダー's software, onshi's own PcscReader — sees it in a reader.
//
//   onshi card emulate --card FILE --issuer-key FILE [--vpcd HOST:PORT]
//
// Runs until SIGTERM or SIGINT, reconnecting whenever pcscd restarts.
#ifndef ONSHI_APP_CARD_EMULATE_COMMAND_HPP_
#define ONSHI_APP_CARD_EMULATE_COMMAND_HPP_

#include <string>
#include <vector>

#include "app/cli.hpp"

namespace onshi::app {

int CardEmulateCommand(const Args& args);

}  // namespace onshi::app

#endif  // ONSHI_APP_CARD_EMULATE_COMMAND_HPP_
