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
//     ErrorCode, ProcessingResultStatus 1 or 2;
//   - encrypted mode (§4.3; OQSDrug2 takes a .zip 02res, §4.2): a `.zip` is
//     allowed only when the test set a password; it must hold `<name>.xml`
//     (the XML whose name starts with the result's prefix), encrypted as
//     WinZip AE-2 with AES-256, read here field by field with OpenSSL and
//     zlib (not with the terminal's libzip), and that XML passes every rule
//     above.
#ifndef ONSHI_TESTS_APP_TERMINAL_PROFILES_HPP_
#define ONSHI_TESTS_APP_TERMINAL_PROFILES_HPP_

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>
#include <pugixml.hpp>

#include <cstring>
#include <optional>

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
  std::string zip_password;       // encrypted mode (§4.3); "" plain: no .zip allowed
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

// The one file in a WinZip AE-2 (AES-256) archive, read from the zip format
// and the AE-x specification: central directory → local header → extra field
// 0x9901 → PBKDF2-HMAC-SHA1 keys → password verifier → HMAC-SHA1 over the
// ciphertext → AES-CTR (little-endian counter from 1) → raw inflate.
// nullopt with `why` on any deviation.
inline std::optional<std::string> ReadAe2Zip(const std::string& z, const std::string& password,
                                             std::string* entry_name, std::string* why) {
  auto u16 = [&](size_t at) -> unsigned {
    return at + 2 <= z.size() ? static_cast<uint8_t>(z[at]) | static_cast<uint8_t>(z[at + 1]) << 8
                              : 0xFFFFFFFF;
  };
  auto u32 = [&](size_t at) -> uint32_t { return u16(at) | u16(at + 2) << 16; };
  auto no = [&](const std::string& w) -> std::optional<std::string> {
    *why = w;
    return std::nullopt;
  };
  if (z.size() < 22 || u32(z.size() - 22) != 0x06054b50) return no("no end of central directory");
  const size_t eocd = z.size() - 22;
  if (u16(eocd + 10) != 1) return no("not exactly one entry");
  const size_t cd = u32(eocd + 16);
  if (u32(cd) != 0x02014b50) return no("no central directory header");
  const unsigned method = u16(cd + 10);
  const uint32_t csize = u32(cd + 20), usize = u32(cd + 24);
  const unsigned name_len = u16(cd + 28), extra_len = u16(cd + 30);
  const size_t local = u32(cd + 42);
  *entry_name = z.substr(cd + 46, name_len);
  if (method != 99) return no("compression method " + std::to_string(method) + ", not 99 (AES)");
  if ((u16(cd + 8) & 1) == 0) return no("not flagged as encrypted");
  // The AES extra field: vendor version 2 (AE-2), "AE", strength 3, deflate.
  bool aes = false;
  for (size_t at = cd + 46 + name_len; at + 4 <= cd + 46 + name_len + extra_len;
       at += 4 + u16(at + 2)) {
    if (u16(at) != 0x9901) continue;
    aes = u16(at + 2) == 7 && u16(at + 4) == 2 && z.compare(at + 6, 2, "AE") == 0 &&
          static_cast<uint8_t>(z[at + 8]) == 3 && u16(at + 9) == 8;
  }
  if (!aes) return no("no AE-2 AES-256 deflate extra field");
  if (u32(local) != 0x04034b50 || u16(local + 8) != method || (u16(local + 6) & 1) == 0) {
    return no("local header disagrees with the central directory");
  }
  const size_t data = local + 30 + u16(local + 26) + u16(local + 28);
  if (csize < 16 + 2 + 10 || data + csize > z.size()) return no("sizes out of range");
  const auto* salt = reinterpret_cast<const unsigned char*>(z.data() + data);
  unsigned char keys[66];
  PKCS5_PBKDF2_HMAC_SHA1(password.data(), static_cast<int>(password.size()), salt, 16, 1000,
                         sizeof keys, keys);
  if (std::memcmp(keys + 64, z.data() + data + 16, 2) != 0) return no("password verifier differs");
  const size_t clen = csize - 16 - 2 - 10;
  const auto* cipher = reinterpret_cast<const unsigned char*>(z.data() + data + 18);
  unsigned char mac[20];
  unsigned mac_len = 0;
  HMAC(EVP_sha1(), keys + 32, 32, cipher, clen, mac, &mac_len);
  if (std::memcmp(mac, cipher + clen, 10) != 0) return no("authentication code differs");
  std::string deflated(clen, '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), nullptr, keys, nullptr);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  for (size_t block = 0; block * 16 < clen; ++block) {
    unsigned char counter[16] = {}, stream[16];
    uint64_t n = block + 1;
    for (int i = 0; i < 8; ++i)
      counter[i] = static_cast<unsigned char>(n >> (8 * i));
    int out_len = 0;
    EVP_EncryptUpdate(ctx, stream, &out_len, counter, 16);
    for (size_t i = 0; i < 16 && block * 16 + i < clen; ++i) {
      deflated[block * 16 + i] = static_cast<char>(cipher[block * 16 + i] ^ stream[i]);
    }
  }
  EVP_CIPHER_CTX_free(ctx);
  std::string plain(usize, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return no("inflate");
  zs.next_in = reinterpret_cast<Bytef*>(deflated.data());
  zs.avail_in = static_cast<uInt>(deflated.size());
  zs.next_out = reinterpret_cast<Bytef*>(plain.data());
  zs.avail_out = static_cast<uInt>(plain.size());
  const int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || zs.total_out != usize) return no("does not inflate to its size");
  return plain;
}

// Every violation of every profile by the files in `res_dir`.
inline std::vector<std::string> ProfileViolations(const std::filesystem::path& res_dir,
                                                  const ProfileContext& ctx) {
  namespace fs = std::filesystem;
  std::vector<std::string> bad;
  for (const auto& entry : fs::directory_iterator(res_dir)) {
    std::string name = entry.path().filename().string();
    auto fail = [&](const std::string& what) { bad.push_back(name + ": " + what); };
    if (name.ends_with(".err")) {
      // SmartKarte: the watcher wakes on the .xml copy and reads the .err.
      const std::string stem = name.substr(0, name.size() - 4);
      const std::string copy = fs::exists(res_dir / (stem + ".zip")) ? ".zip" : ".xml";
      if (!fs::exists(res_dir / (stem + copy))) fail("no request-named copy beside the .err");
      if (!ctx.sent.count(stem + copy)) fail("an .err for a request the client never wrote");
      continue;
    }
    if (!name.ends_with(".xml") && !(name.ends_with(".zip") && !ctx.zip_password.empty())) {
      fail("not a file the protocol knows");
      continue;
    }
    std::string bytes = ReadFile(entry.path());
    if (ctx.sent.count(name)) {
      // The request-named copy of a broken request: the request as written.
      if (!fs::exists(res_dir / (name.substr(0, name.size() - 4) + ".err"))) {
        fail("a request-named copy without its .err");
      }
      continue;
    }
    if (name.ends_with(".zip")) {
      std::string inner_name, why;
      const std::optional<std::string> inner =
          ReadAe2Zip(bytes, ctx.zip_password, &inner_name, &why);
      if (!inner) {
        fail("zip: " + why);
        continue;
      }
      name.replace(name.size() - 4, 4, ".xml");
      if (inner_name != name) fail("the archive holds " + inner_name + ", not " + name);
      bytes = *inner;
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
