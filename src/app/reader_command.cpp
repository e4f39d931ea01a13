// `onshi reader add|revoke|list`: a facility's card readers (顔認証付きカード
// リーダー), each with its own key pair that signs the face and 目視 checks it
// makes (auth/reader_key.hpp, issue 15).
//
//   onshi reader add --facility <医療機関コード> --out DIR [--name N]
//        makes the reader's key (DIR/reader-key.pem, 0600) and DIR/reader-id,
//        and registers its public key to the facility; prints the id
//   onshi reader revoke --id ID      no check it signs is accepted afterwards
//   onshi reader list --facility C
//
// Readers are kept in the store, so a running `onshi serve` sees an added or
// revoked reader at its next check. Operators can do the same over HTTPS
// (POST /admin/readers, …/{id}/revoke) with a vendor reader's public key.
#include <iostream>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "auth/reader_key.hpp"
#include "service/reader_registry.hpp"
#include "store/store.hpp"

namespace onshi::app {

namespace {

constexpr const char* kUsage =
    "usage: onshi reader add --facility <医療機関コード> --out DIR [--name N] | "
    "reader revoke --id ID | reader list --facility <医療機関コード>";

}  // namespace

int ReaderCommand(const Args& args) {
  if (args.positional().size() != 1) throw std::invalid_argument(kUsage);
  const std::string sub = args.positional()[0];
  // Every argument is checked before anything is written.
  if (sub == "add" && (!args.Has("facility") || !args.Has("out"))) {
    throw std::invalid_argument("reader add needs --facility <医療機関コード> and --out DIR");
  }
  if (sub == "revoke" && !args.Has("id"))
    throw std::invalid_argument("reader revoke needs --id ID");
  if (sub == "list" && !args.Has("facility")) {
    throw std::invalid_argument("reader list needs --facility <医療機関コード>");
  }
  if (sub != "add" && sub != "revoke" && sub != "list") throw std::invalid_argument(kUsage);

  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  const std::time_t now = NowFrom(args);
  const std::string actor = "operator:cli";

  if (sub == "list") {
    const auto readers = store->ReadersOfFacility(args.Get("facility"));
    for (const store::ReaderRecord& r : readers) {
      std::cout << r.reader_id << "  " << r.name << "  registered " << r.registered_at
                << (r.revoked_at ? "  REVOKED " + *r.revoked_at : std::string()) << "\n";
    }
    std::cout << "onshi: " << readers.size() << " reader(s) of facility " << args.Get("facility")
              << "\n";
    return 0;
  }
  if (sub == "revoke") {
    auto revoked = service::RevokeReader(*store, args.Get("id"), now, actor);
    if (!revoked.ok()) throw Refused(revoked.error().ToString());
    std::cout << "onshi: reader " << revoked->reader_id << " of facility " << revoked->facility_code
              << " revoked since " << revoked->revoked_at.value_or("") << "\n";
    return 0;
  }
  // add: a facility must be registered before its key is made, so that a
  // refused add leaves no key behind.
  if (!store->GetFacility(args.Get("facility"))) {
    throw BadInput("facility " + args.Get("facility") + " is not registered (onshi facility add)");
  }
  const std::string out = args.Get("out");
  auto key = auth::ReaderKey::Create(out);
  if (!key.ok()) throw std::runtime_error(key.error().ToString());
  auto added = service::RegisterReader(*store, key->public_key(), args.Get("facility"),
                                       args.Get("name", "カードリーダー"), now, actor);
  if (!added.ok()) {
    std::remove((out + "/" + auth::kReaderKeyFile).c_str());
    std::remove((out + "/" + auth::kReaderIdFile).c_str());
    throw Refused(added.error().ToString());
  }
  std::cout << "onshi: card reader " << added->reader_id << " (" << added->name
            << ") registered to facility " << added->facility_code << "\n  key " << out << "/"
            << auth::kReaderKeyFile << " (keep it on the reader)\n  id  " << out << "/"
            << auth::kReaderIdFile << "\n";
  return 0;
}

}  // namespace onshi::app
