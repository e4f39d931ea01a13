// libFuzzer target: arbitrary bytes as a session of C-APDUs sent to an
// emulated My Number card.
//
// Input format: records of one length byte n followed by n bytes, each sent
// to Card::Transmit as one C-APDU (a last record cut short is sent as far as
// it goes); n = 0 is a power cycle (Card::Reset). Seeds: fuzz/corpus/apdu/,
// made by fuzz/make_apdu_corpus.py.
//
// Every input starts from the same card file (PIN 1234, counter 0), written
// afresh, and must hold these, beyond not crashing under ASan/UBSan:
//  1. The PIN counter changes only on a well-formed VERIFY
//     (00 20 00 80 04 <4 ASCII digits>) — R-CARD-5.
//  2. No signature (SW 9000 to 80 2A) without a VERIFY answered 9000 since
//     the last power cycle — R-SEC-1.
//  3. The counter in memory is the counter on disk when the session ends.
//
// Build: cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++
//        -DONSHI_FUZZ=ON -DONSHI_BENCH=OFF && cmake --build build-fuzz --target apdu_fuzz
// Run:   build-fuzz/apdu_fuzz -max_total_time=120 fuzz/corpus/apdu
// The card file lives under /dev/shm when it exists: a wrong PIN is fsynced
// before the answer, which on tmpfs costs nothing.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "card/apdu.hpp"
#include "card/card.hpp"
#include "card/card_file.hpp"
#include "card/issuer_key.hpp"
#include "card/personalise.hpp"
#include "jpki/jpki_ca.hpp"

namespace {

using onshi::card::Card;
using onshi::card::CardFile;
using onshi::card::CommandApdu;
using onshi::card::IssuerKey;

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

struct Fixture {
  std::string dir;
  std::string card_path;
  std::string card_bytes;  // the card file as personalised
  IssuerKey key;
};

Fixture* fixture = nullptr;

void RemoveFixture() {
  std::error_code ec;
  if (fixture) std::filesystem::remove_all(fixture->dir, ec);
}

Fixture* MakeFixture() {
  const std::string base = std::filesystem::is_directory("/dev/shm")
                               ? "/dev/shm"
                               : std::filesystem::temp_directory_path().string();
  std::string pattern = base + "/onshi-apdu-fuzz-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  auto key = IssuerKey::LoadOrCreate(pattern + "/issuer.key");
  FUZZ_CHECK(key.ok());
  const std::time_t now = 1743465600;  // 2025-04-01
  auto ca = onshi::jpki::JpkiCa::Create(pattern + "/ca", now);
  FUZZ_CHECK(ca.ok());
  onshi::card::CardFileOptions fast;
  fast.pin_hash_log2_n = 10;
  auto card = onshi::card::PersonaliseCard(*ca, pattern + "/template.bin", *key, "1234", now,
                                           onshi::Date::FromYmd(2029, 6, 15), fast);
  FUZZ_CHECK(card.ok());
  std::ifstream in(pattern + "/template.bin", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  FUZZ_CHECK(!bytes.empty());
  return new Fixture{pattern, pattern + "/card.bin", std::move(bytes), *key};
}

bool IsWellFormedVerify(const std::vector<uint8_t>& capdu) {
  auto c = onshi::card::ParseCommand(capdu);
  if (!c.ok()) return false;
  if (c->cla != 0x00 || c->ins != 0x20 || c->p1 != 0x00 || c->p2 != 0x80 || c->le) return false;
  if (c->data.size() != 4) return false;
  for (uint8_t b : c->data)
    if (b < '0' || b > '9') return false;
  return true;
}

bool IsSign(const std::vector<uint8_t>& capdu) {
  return capdu.size() >= 2 && capdu[0] == 0x80 && capdu[1] == 0x2A;
}

bool IsVerifyWithData(const std::vector<uint8_t>& capdu) {
  return capdu.size() > 4 && capdu[0] == 0x00 && capdu[1] == 0x20;
}

uint16_t Sw(const std::vector<uint8_t>& r) {
  FUZZ_CHECK(r.size() >= 2);
  return static_cast<uint16_t>((r[r.size() - 2] << 8) | r[r.size() - 1]);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = MakeFixture();
  std::atexit(RemoveFixture);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(fixture->card_path, std::ios::binary | std::ios::trunc);
    out << fixture->card_bytes;
  }
  auto opened = Card::Open(fixture->card_path, fixture->key);
  FUZZ_CHECK(opened.ok());
  Card card = std::move(opened).value();

  bool verified_since_reset = false;
  size_t i = 0;
  while (i < size) {
    const size_t n = data[i++];
    if (n == 0) {
      card.Reset();
      verified_since_reset = false;
      continue;
    }
    const size_t take = std::min(n, size - i);
    const std::vector<uint8_t> capdu(data + i, data + i + take);
    i += take;

    const int failures_before = card.file().pin_counter().consecutive_failures();
    const std::vector<uint8_t> response = card.Transmit(capdu);
    const uint16_t sw = Sw(response);
    const int failures_after = card.file().pin_counter().consecutive_failures();

    // 1. The counter moves only through a well-formed VERIFY.
    if (failures_after != failures_before) FUZZ_CHECK(IsWellFormedVerify(capdu));
    // 2. No signature without a successful VERIFY since power-on.
    if (IsSign(capdu) && sw == 0x9000) {
      FUZZ_CHECK(verified_since_reset);
      FUZZ_CHECK(response.size() == 256 + 2);
    }
    if (IsVerifyWithData(capdu)) verified_since_reset = verified_since_reset || sw == 0x9000;
    // Responses are short R-APDUs.
    FUZZ_CHECK(response.size() <= 256 + 2);
  }
  // 3. What the card believes is what the file says.
  auto reopened = CardFile::Open(fixture->card_path, fixture->key);
  FUZZ_CHECK(reopened.ok());
  FUZZ_CHECK(reopened->pin_counter().consecutive_failures() ==
             card.file().pin_counter().consecutive_failures());
  return 0;
}
