// `onshi facility|insurer|municipal|admin revoke`: revokes a client
// certificate of the project CA, by its serial or its file.
//
// The serial goes into the CA directory's revoked.txt (under an flock, so
// revocations from several processes never lose each other) and crl.pem is
// re-signed. Running servers that share the CA directory re-read the list
// when it changes, so the certificate is refused from their next request on:
// a facility's next login, an insurer's, a window's or an operator's next
// call. An idToken a facility obtained before stays valid until it expires
// (5 minutes); no new one is issued.
#include <iostream>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "auth/facility_ca.hpp"
#include "auth/key_file.hpp"

namespace onshi::app {

int RevokeCommand(const Args& args, const std::string& role) {
  const std::string usage =
      "usage: onshi " + role + " revoke --serial HEX | --cert cert.pem [--ca-dir DIR] [--db PATH]";
  if (!args.positional().empty() || args.Has("serial") == args.Has("cert")) {
    throw std::invalid_argument(usage);
  }
  const std::time_t now = NowFrom(args);
  std::string serial = args.Get("serial");
  std::string subject;
  if (args.Has("cert")) {
    auto pem = auth::ReadWholeFile(args.Get("cert"));
    if (!pem.ok()) throw BadInput("--cert: " + pem.error().ToString());
    auto summary = auth::SummariseCertificatePem(*pem);
    if (!summary.ok()) throw BadInput("--cert: " + summary.error().ToString());
    // The role is the OU (none for a facility): revoking an insurer's
    // certificate with `onshi facility revoke` is a mistake worth stopping.
    const std::string found =
        summary->organizational_unit.empty() ? "facility" : summary->organizational_unit;
    if (found != role) {
      throw BadInput("--cert: " + args.Get("cert") + " has role " + found +
                     " (CN=" + summary->common_name + "), not " + role);
    }
    serial = summary->serial_hex;
    subject = " (CN=" + summary->common_name + ")";
  }
  const std::string db = DatabaseLocation(args);
  const std::string ca_dir = CaDirFor(args, db);
  if (!auth::FileExists(ca_dir + "/ca.pem")) {
    throw Refused("no CA in " + ca_dir + ": nothing was issued there to revoke");
  }
  auto ca = auth::FacilityCa::Load(ca_dir);
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  auto revoked = ca->Revoke(serial, now);
  if (!revoked.ok()) throw Refused(revoked.error().ToString());
  std::cout << "onshi: " << role << " certificate " << revoked->serial_hex << subject
            << " revoked; servers on " << ca_dir << " refuse it from their next request\n"
            << "  list " << ca->revoked_path() << "\n  CRL  " << ca->crl_path() << "\n";
  return 0;
}

}  // namespace onshi::app
