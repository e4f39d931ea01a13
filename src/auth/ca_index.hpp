// The CA's index: one record of every certificate a FacilityCa issued and
// revoked, kept in the CA directory as `openssl ca` keeps its index.txt, so
// that an operator can list the credentials of each role (`onshi credentials
// list`, issue 19) without hunting for the files they were written to.
//
// <ca-dir>/index.txt, UTF-8, one event per line, fields separated by TAB
// (a TAB, newline or backslash inside a field is written \t, \n, \\):
//
//   # onshi CA index v1 <state>
//   I  serial  role  not-before  not-after  subject  name  file
//   R  serial  revoked-at
//
// serial is uppercase hex; role is facility, insurer, municipal, admin or
// server; times are unix seconds; subject is the certificate's CN (医療機関
// コード, 保険者番号, 地方公共団体コード, the operator's name, localhost),
// name its O; file is the absolute path the certificate was written to.
//
// Lines are only ever appended, each with one write(2) on an O_APPEND
// descriptor followed by fsync(2), under the CA's revoked.lock flock, so
// processes issuing at the same time never interleave or lose lines and a
// crash loses at most the line being written (a torn last line is skipped
// on reading and reported). Only a rebuild replaces the file (temp file +
// rename).
//
// <state> says how far the index can be trusted to be whole:
//   complete  made with the CA: every certificate it issued is in it
//   partial   begun by the first issue of a CA made before indexes existed:
//             certificates issued before that are missing
//             (`onshi credentials rebuild-index` finds them)
//   rebuilt   written by a rebuild from the certificate files found
//
// The record of revocation that verification trusts stays revoked.txt
// (facility_ca.hpp); the R lines are the index's history of it, and a
// listing takes a serial as revoked if either says so.
#ifndef ONSHI_AUTH_CA_INDEX_HPP_
#define ONSHI_AUTH_CA_INDEX_HPP_

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace onshi::auth {

struct CaIndexEntry {
  std::string serial_hex;
  std::string role;
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  std::string subject;  // CN
  std::string name;     // O ("" if none)
  std::string file;     // absolute path of cert.pem as written
  std::optional<std::time_t> revoked_at;
};

enum class CaIndexState { kComplete, kPartial, kRebuilt };
std::string_view CaIndexStateName(CaIndexState state);

struct CaIndex {
  CaIndexState state = CaIndexState::kComplete;
  // In the order issued; one entry per serial (a serial issued twice, which
  // a 128-bit random serial never is, keeps its first line).
  std::vector<CaIndexEntry> entries;
  // Revocations whose serial has no I line (revoked before the index began).
  std::vector<std::pair<std::string, std::time_t>> orphan_revocations;
  int torn_lines = 0;  // malformed lines skipped (a crash mid-write)
};

std::string CaIndexPath(const std::string& ca_dir);

// The header and entry lines, as written (exposed for tests and rebuilds).
std::string FormatCaIndexHeader(CaIndexState state);
std::string FormatIssuedLine(const CaIndexEntry& entry);
std::string FormatRevokedLine(std::string_view serial_hex, std::time_t at);

// Parses index.txt's text. Fails only when the header is missing or not
// ours (not an onshi index); malformed entry lines are counted in
// torn_lines.
Expected<CaIndex> ParseCaIndex(std::string_view text, const std::string& where);

// Reads <ca_dir>/index.txt; nullopt if there is none (a CA made before
// indexes existed).
Expected<std::optional<CaIndex>> ReadCaIndex(const std::string& ca_dir);

// Appends `line` (ending in '\n') with one O_APPEND write and an fsync; if
// the file does not exist it is made with the header of `state_if_new`
// first. The caller holds the CA's lock.
Expected<std::string> AppendCaIndexLine(const std::string& ca_dir, std::string_view line,
                                        CaIndexState state_if_new);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_CA_INDEX_HPP_
