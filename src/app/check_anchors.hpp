// Where the anchors of a check log (service/check_log.hpp) are kept.
//
// Each check log has its own anchors directory, under the state's
// <ca-dir>/check-anchors/, named by the first 16 hex digits of the SHA-256
// of the log directory's absolute path. Servers that share a state
// directory (several processes on one database) keep a check log each, as
// they must; when they shared one anchors directory, each server's anchors
// named records of the other's chain, and `onshi audit verify` reported a
// rewrite that never happened.
//
// The earlier layout (the anchors directly in <ca-dir>/check-anchors) is
// moved into the log's own directory the first time a server opens that log,
// if those anchors verify against it: they were its anchors. Otherwise they
// are left where they are, with a warning.
#ifndef ONSHI_APP_CHECK_ANCHORS_HPP_
#define ONSHI_APP_CHECK_ANCHORS_HPP_

#include <memory>
#include <string>

#include "store/audit_anchor.hpp"

namespace onshi::app {

// The anchors directory of the check log in `check_log_dir`.
std::string CheckAnchorsDir(const std::string& ca_dir, const std::string& check_log_dir);

// For a server: the log's anchors, created if missing (after moving the
// earlier layout's, as above). Throws store::StoreError if they cannot be
// used.
std::unique_ptr<store::AuditAnchors> OpenCheckAnchors(const std::string& ca_dir,
                                                      const std::string& check_log_dir);

// For a verifier: the log's anchors, or the earlier layout's if the log has
// none of its own yet (a server not restarted since), or null. Creates
// nothing.
std::unique_ptr<store::AuditAnchors> ExistingCheckAnchors(const std::string& ca_dir,
                                                          const std::string& check_log_dir);

}  // namespace onshi::app

#endif  // ONSHI_APP_CHECK_ANCHORS_HPP_
