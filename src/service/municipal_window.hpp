// The municipal window's pages (市区町村窓口, issue 19): for a clerk at the
// counter, in Japanese, behind the window's municipal certificate.
//
//   GET  /municipal/window                        search by 氏名 (kanji or kana)
//        and 生年月日 (municipal/resident_search.hpp); the window's residents only
//   GET  /municipal/window/persons/{id}           the person: 基本4情報, cards,
//        利用登録 as the portal shows it, recent audit entries, the actions
//   GET  /municipal/window/persons/{id}/confirm   ?action=&card=  the
//        confirmation step: what will happen, the PIN fields the action needs
//   POST /municipal/window/persons/{id}/act       the confirmed action
//        (form-urlencoded, confirm=yes); the result and the audit entries it
//        appended
//
// The actions are municipal::CardOffice's and municipal::Registrar's, as the
// JSON API (municipal_service.hpp) calls them: 交付, 更新, 一時利用停止,
// 停止解除, 再交付, 暗証番号の初期化, 利用登録. No rule is decided here; a
// refusal is shown with the office's reason. Posts from another origin are
// refused (a browser sends the window's certificate to any site's form).
#ifndef ONSHI_SERVICE_MUNICIPAL_WINDOW_HPP_
#define ONSHI_SERVICE_MUNICIPAL_WINDOW_HPP_

#include <ctime>
#include <string>
#include <string_view>

#include "card/issuer_key.hpp"
#include "http/server.hpp"
#include "store/store.hpp"

namespace onshi::service {

struct WindowContext {
  store::Store& store;
  std::string municipality;  // the certificate's 地方公共団体コード
  std::time_t now = 0;
  const std::string& jpki_dir;
  const card::IssuerKey& issuer_key;
  const std::string& cards_dir;
};

// `page` is the route's action ("window", "window.person", "window.confirm",
// "window.act"); `person_id` its {id} (0 for the search).
http::Response HandleWindowPage(const WindowContext& context, const http::Request& request,
                                std::string_view page, int64_t person_id);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_MUNICIPAL_WINDOW_HPP_
