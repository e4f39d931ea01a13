// The client profiles of terminal-protocol.md §10/§11.1, as checks run on
// every file `onshi terminal` writes into Res (issue 16). Written from the
// doc's table of each real client's hard requirements, not from onshi's
// writers, so a file a client would refuse fails here:
//   - every file: the req_ → res_ (or request-named copy + .err) name rule
//     for a request the test wrote (OQSDrug2, ReceptionAgent); the declared
//     encoding is the configured one, CharacterCodeIdentifier matches it,
//     the bytes are valid in it, no BOM, no DTD (ReceptionAgent); root
//     XmlMsg with exactly one MessageHeader and MessageBody;
//   - SmartKarte: a res contains the request's exact
//     <ArbitraryFileIdentifier>…</ArbitraryFileIdentifier>; a 02res carries
//     MessageHeader/ReceptionNumber equal to its 02req's and SegmentOfResult
//     1, 2 or 9; an .err has its request-named .xml copy beside it;
//   - myclinic: every OQSsiquc01res passes the strict reader
//     (tests/oqs/strict_client.hpp);
//   - 02res units: each echoes one ArbitraryIdentifier the test sent, and a
//     unit with ProcessingResultStatus 1 carries results with the fields
//     myclinic needs; the NumberOf… counts add up;
//   - OQSsiimm01res (MynaReception): MedicalInstitutionCode and
//     ArbitraryFileIdentifier echoed exactly, SegmentOfResult 1 without
//     ErrorCode, ProcessingResultStatus 1 or 2.
#ifndef ONSHI_TESTS_APP_TERMINAL_PROFILES_HPP_
#define ONSHI_TESTS_APP_TERMINAL_PROFILES_HPP_

#include <pugixml.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../oqs/strict_client.hpp"
#include "oqs/charset.hpp"

namespace onshi::testing {

// What the test wrote into Req, by request file name.
struct SentRequest {
  SentRequest() = default;
  SentRequest(std::string a, std::string mic = "1310000011", std::string reception = "")
      : afi(std::move(a)), institution(std::move(mic)), reception_number(std::move(reception)) {}
  std::string afi;                         // ArbitraryFileIdentifier ("" none)
  std::string institution = "1310000011";  // MedicalInstitutionCode
  std::string reception_number;            // 02req only
  std::set<std::string> arbitrary_ids;     // 01req bulk: ArbitraryIdentifier per person
};

struct ProfileContext {
  std::string charset = "UTF-8";  // "UTF-8" | "Shift_JIS": the configured output
  std::map<std::string, SentRequest> sent;
  // Bulk 02req name → the 01req name it polls (for the units' identifiers).
  std::map<std::string, std::string> fetch_of;
};

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string Child(pugi::xml_node n, const char* name) {
  return n.child(name).text().get();
}

// Every violation of every profile by the files in `res_dir`.
inline std::vector<std::string> ProfileViolations(const std::filesystem::path& res_dir,
                                                  const ProfileContext& ctx) {
  namespace fs = std::filesystem;
  std::vector<std::string> bad;
  for (const auto& entry : fs::directory_iterator(res_dir)) {
    const std::string name = entry.path().filename().string();
    auto fail = [&](const std::string& what) { bad.push_back(name + ": " + what); };
    if (name.ends_with(".err")) {
      // SmartKarte: the watcher wakes on the .xml copy and reads the .err.
      const std::string stem = name.substr(0, name.size() - 4);
      if (!fs::exists(res_dir / (stem + ".xml"))) fail("no request-named .xml beside the .err");
      if (!ctx.sent.count(stem + ".xml")) fail("an .err for a request the client never wrote");
      continue;
    }
    if (!name.ends_with(".xml")) {
      fail("not a file the protocol knows");
      continue;
    }
    const std::string bytes = ReadFile(entry.path());
    if (ctx.sent.count(name)) {
      // The request-named copy of a broken request: the request as written.
      if (!fs::exists(res_dir / (name.substr(0, name.size() - 4) + ".err"))) {
        fail("a request-named copy without its .err");
      }
      continue;
    }
    // The name rule: req_ → res_ of a request the client wrote.
    std::string request_name = name;
    const size_t at = request_name.find("res_");
    if (at == std::string::npos || at != 10) {
      fail("not named <prefix>res_<suffix>.xml");
      continue;
    }
    request_name.replace(at, 4, "req_");
    const auto sent = ctx.sent.find(request_name);
    if (sent == ctx.sent.end()) {
      fail("no request " + request_name + " was written");
      continue;
    }
    // Encoding (ReceptionAgent: the declaration equals the configured one).
    const std::string decl =
        "<?xml version=\"1.0\" encoding=\"" + ctx.charset + "\" standalone=\"no\"?>";
    if (!bytes.starts_with(decl)) fail("declaration is not " + decl);
    if (bytes.starts_with("\xEF\xBB\xBF")) fail("has a BOM");
    if (bytes.find("<!DOCTYPE") != std::string::npos) fail("has a DTD");
    std::string utf8 = bytes;
    if (ctx.charset == "Shift_JIS") {
      auto converted = onshi::oqs::Cp932ToUtf8(bytes);
      if (!converted) {
        fail("not valid Shift_JIS");
        continue;
      }
      utf8 = *converted;
    } else if (!onshi::oqs::IsValidUtf8(bytes)) {
      fail("not valid UTF-8");
      continue;
    }
    utf8 = "<?xml version=\"1.0\"?>" + utf8.substr(utf8.find("?>") + 2);
    pugi::xml_document doc;
    if (!doc.load_string(utf8.c_str())) {
      fail("not well-formed");
      continue;
    }
    const pugi::xml_node root = doc.document_element();
    if (std::string(root.name()) != "XmlMsg") fail("root is not XmlMsg");
    const pugi::xml_node h = root.child("MessageHeader");
    const pugi::xml_node b = root.child("MessageBody");
    if (!h || h.next_sibling("MessageHeader")) fail("not exactly one MessageHeader");
    if (!b || b.next_sibling("MessageBody")) fail("not exactly one MessageBody");
    const std::string cci = Child(h, "CharacterCodeIdentifier");
    if (cci != (ctx.charset == "Shift_JIS" ? "1" : "0")) fail("CharacterCodeIdentifier " + cci);
    // SmartKarte: the exact AFI literal of its request.
    if (!sent->second.afi.empty() &&
        bytes.find("<ArbitraryFileIdentifier>" + sent->second.afi + "</ArbitraryFileIdentifier>") ==
            std::string::npos &&
        utf8.find("<ArbitraryFileIdentifier>" + sent->second.afi + "</ArbitraryFileIdentifier>") ==
            std::string::npos) {
      fail("does not contain its request's ArbitraryFileIdentifier literally");
    }
    const std::string segment = Child(h, "SegmentOfResult");
    if (segment != "1" && segment != "2" && segment != "9") fail("SegmentOfResult " + segment);
    if ((segment == "9") != !Child(h, "ErrorCode").empty()) {
      fail("ErrorCode must appear exactly when SegmentOfResult is 9");
    }
    if (name.starts_with("OQSsiquc01res_")) {
      for (const std::string& v : onshi::oqs::strict::MyclinicViolations(bytes, false)) {
        fail("myclinic: " + v);
      }
      const std::string validity = Child(b, "QualificationValidity");
      if (segment == "1" && validity != "5" && validity != "4" &&
          b.child("ResultList").select_nodes("ResultOfQualificationConfirmation").size() != 1) {
        fail("not exactly one result");
      }
    } else if (name.starts_with("OQSsiimm01res_")) {
      if (Child(h, "MedicalInstitutionCode") != sent->second.institution) fail("MIC not echoed");
      if (segment != "1") fail("a registration answer must be SegmentOfResult 1");
      const std::string status = Child(b, "ProcessingResultStatus");
      if (status != "1" && status != "2") fail("ProcessingResultStatus " + status);
    } else if (name.starts_with("OQSmuquc01res_") || name.starts_with("OQSmuimm01res_")) {
      if (segment == "1" &&
          (Child(b, "ReceptionNumber").empty() || Child(b, "ReceptionDateTime").size() != 14)) {
        fail("accepted without ReceptionNumber/ReceptionDateTime");
      }
    } else if (name.starts_with("OQSmuquc02res_") || name.starts_with("OQSmuimm02res_")) {
      if (Child(h, "ReceptionNumber") != sent->second.reception_number) {
        fail("MessageHeader/ReceptionNumber is not the 02req's");
      }
      if (segment == "1") {
        const bool checks = name.starts_with("OQSmuquc");
        const char* unit_name = checks ? "BulkConfirmUnit" : "ReferenceNumberRegistrationUnit";
        int units = 0, normal = 0;
        const auto of = ctx.fetch_of.find(request_name);
        const std::set<std::string>* ids =
            of == ctx.fetch_of.end() ? nullptr : &ctx.sent.at(of->second).arbitrary_ids;
        for (pugi::xml_node u = b.child(unit_name); u; u = u.next_sibling(unit_name)) {
          ++units;
          const std::string status = Child(u, "ProcessingResultStatus");
          if (status == "1") ++normal;
          if (status != "1" && status != "2") fail("a unit's ProcessingResultStatus " + status);
          if (status == "2" && Child(u, "ProcessingResultCode").empty()) {
            fail("an error unit without ProcessingResultCode");
          }
          if (checks) {
            const std::string id =
                Child(u.child("QualificationConfirmSearchInfo"), "ArbitraryIdentifier");
            if (ids && !ids->count(id)) fail("a unit's ArbitraryIdentifier " + id + " not sent");
            for (pugi::xml_node r = u.child("ResultOfQualificationConfirmation"); r;
                 r = r.next_sibling("ResultOfQualificationConfirmation")) {
              for (const char* f : {"InsuredCardClassification", "Name", "Sex1", "Birthdate",
                                    "InsurerName", "InsuredCardValidDate", "InsurerNumber"}) {
                if (!r.child(f)) fail(std::string("a unit's result lacks ") + f);
              }
            }
          }
        }
        if (std::to_string(units) != Child(h, "NumberOfProcessingResult") ||
            std::to_string(normal) != Child(h, "NumberOfNormalProcessing") ||
            std::to_string(units - normal) != Child(h, "NumberOfError")) {
          fail("NumberOf… counts do not match the units");
        }
      }
    }
  }
  return bad;
}

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_APP_TERMINAL_PROFILES_HPP_
