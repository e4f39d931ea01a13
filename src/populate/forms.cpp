#include "populate/forms.hpp"

#include <stdexcept>
#include <string_view>

#include "populate/name_tables.hpp"
#include "populate/rng.hpp"

namespace onshi::populate {
namespace {

constexpr uint64_t kFirstIndex = 4'000'000'000ULL;
constexpr uint64_t kIndexesPerSeed = 100'000'000ULL;

// Full-width katakana to half-width, for the lines written the way old
// office software writes readings. Only the characters of name_tables.hpp.
std::string HalfWidthKana(std::string_view full) {
  // Pairs of (full-width, half-width) as UTF-8.
  static constexpr std::string_view kMap[][2] = {
      {"ア", "ｱ"},  {"イ", "ｲ"},  {"ウ", "ｳ"},  {"エ", "ｴ"},  {"オ", "ｵ"},  {"カ", "ｶ"},
      {"キ", "ｷ"},  {"ク", "ｸ"},  {"ケ", "ｹ"},  {"コ", "ｺ"},  {"サ", "ｻ"},  {"シ", "ｼ"},
      {"ス", "ｽ"},  {"セ", "ｾ"},  {"ソ", "ｿ"},  {"タ", "ﾀ"},  {"チ", "ﾁ"},  {"ツ", "ﾂ"},
      {"テ", "ﾃ"},  {"ト", "ﾄ"},  {"ナ", "ﾅ"},  {"ニ", "ﾆ"},  {"ヌ", "ﾇ"},  {"ネ", "ﾈ"},
      {"ノ", "ﾉ"},  {"ハ", "ﾊ"},  {"ヒ", "ﾋ"},  {"フ", "ﾌ"},  {"ヘ", "ﾍ"},  {"ホ", "ﾎ"},
      {"マ", "ﾏ"},  {"ミ", "ﾐ"},  {"ム", "ﾑ"},  {"メ", "ﾒ"},  {"モ", "ﾓ"},  {"ヤ", "ﾔ"},
      {"ユ", "ﾕ"},  {"ヨ", "ﾖ"},  {"ラ", "ﾗ"},  {"リ", "ﾘ"},  {"ル", "ﾙ"},  {"レ", "ﾚ"},
      {"ロ", "ﾛ"},  {"ワ", "ﾜ"},  {"ン", "ﾝ"},  {"ガ", "ｶﾞ"}, {"ギ", "ｷﾞ"}, {"グ", "ｸﾞ"},
      {"ゲ", "ｹﾞ"}, {"ゴ", "ｺﾞ"}, {"ザ", "ｻﾞ"}, {"ジ", "ｼﾞ"}, {"ズ", "ｽﾞ"}, {"ゼ", "ｾﾞ"},
      {"ゾ", "ｿﾞ"}, {"ダ", "ﾀﾞ"}, {"デ", "ﾃﾞ"}, {"ド", "ﾄﾞ"}, {"バ", "ﾊﾞ"}, {"ビ", "ﾋﾞ"},
      {"ブ", "ﾌﾞ"}, {"ベ", "ﾍﾞ"}, {"ボ", "ﾎﾞ"}, {"パ", "ﾊﾟ"}, {"ピ", "ﾋﾟ"}, {"プ", "ﾌﾟ"},
      {"ペ", "ﾍﾟ"}, {"ポ", "ﾎﾟ"}, {"ャ", "ｬ"},  {"ュ", "ｭ"},  {"ョ", "ｮ"},  {"ッ", "ｯ"},
      {"ー", "ｰ"},  {"　", " "}};
  std::string out;
  for (size_t i = 0; i < full.size();) {
    bool done = false;
    for (const auto& m : kMap) {
      if (full.compare(i, m[0].size(), m[0]) == 0) {
        out += m[1];
        i += m[0].size();
        done = true;
        break;
      }
    }
    if (!done) out += full[i++];
  }
  return out;
}

// "１－２－３" (the registry's full-width form) as "1-2-3".
std::string AsciiDigits(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
      const auto d = static_cast<unsigned char>(s[i + 2]);
      if (d >= 0x90 && d <= 0x99) {
        out += static_cast<char>('0' + (d - 0x90));
        i += 3;
        continue;
      }
      if (d == 0x8D) {  // U+FF0D －
        out += '-';
        i += 3;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

std::string Csv(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

FormsReport GenerateForms(store::Store& store, const FormsOptions& o, std::ostream& csv) {
  Rng rng(o.seed * 7919 + 17);
  FormsReport report;
  csv << "submission_id,form,my_number,name,name_kana,birth_date,sex,postcode,address,symbol,"
         "number,branch,event_date,loss_reason,certificate_wanted\n";
  // Numbered on from the residents already there: an earlier run added as
  // many residents as it wrote lines, so its numbers are all below this.
  const int64_t offset = store.Counts().persons;
  if (static_cast<uint64_t>(offset + o.persons) > kIndexesPerSeed) {
    throw std::invalid_argument("the database is too large for synthetic forms' My Number range");
  }
  const uint64_t first =
      kFirstIndex + (o.seed % 10) * kIndexesPerSeed + static_cast<uint64_t>(offset);
  int64_t serial = offset;  // the last 受付番号 and 番号 used
  // The next serial whose 受付番号 and 記号・番号 the insurer does not hold.
  auto next_serial = [&] {
    for (;;) {
      ++serial;
      if (o.insurer_number.empty()) return serial;
      const std::string symbol = std::to_string(1000 + serial / 10000);
      if (!store.GetSubmission(o.insurer_number, "F" + Pad(serial, 9)) &&
          store.FindByInsuredNumber(o.insurer_number, symbol, Pad(serial, 8)).empty()) {
        return serial;
      }
    }
  };
  int error_kind = 0;
  for (int64_t done = 0; done < o.persons;) {
    const int64_t stop = std::min(o.persons, done + o.batch);
    store.InTransaction([&] {
      for (; done < stop; ++done) {
        const Sex sex = rng.PerMille(500) ? Sex::kMale : Sex::kFemale;
        const NamePair& family = rng.Pick(kSurnames.data(), kSurnames.size());
        const NamePair& given = sex == Sex::kMale
                                    ? rng.Pick(kMaleNames.data(), kMaleNames.size())
                                    : rng.Pick(kFemaleNames.data(), kFemaleNames.size());
        const auto& pref = kPrefectures[static_cast<size_t>(rng.Below(47))];
        store::PersonRecord p;
        p.name = std::string(family.kanji) + "\u3000" + std::string(given.kanji);
        p.name_kana = std::string(family.kana) + "\u3000" + std::string(given.kana);
        p.birth_date = o.received_on.AddYears(-rng.Between(18, 64)).AddDays(-rng.Below(365));
        p.sex = sex;
        p.postcode = Pad(rng.Between(100, 999), 3) + "-" + Pad(rng.Below(10000), 4);
        p.address = std::string(pref.name) + std::string(pref.city) +
                    std::string(kTownNames[static_cast<size_t>(rng.Below(12))]) +
                    FullWidth(rng.Between(1, 5)) + "－" + FullWidth(rng.Between(1, 30)) + "－" +
                    FullWidth(rng.Between(1, 20));
        p.municipality = MunicipalityCode(pref);
        const MyNumber my_number = SyntheticMyNumber(first + static_cast<uint64_t>(done));
        store.AddPerson(p, my_number);
        ++report.persons;

        // The form, as the employer filled it in.
        std::string number_text(my_number.digits_for_hashing());
        std::string name = p.name, kana = p.name_kana, address = p.address;
        std::string birth = p.birth_date.ToCompact();
        if (rng.PerMille(300)) kana = HalfWidthKana(kana);
        if (rng.PerMille(300)) address = AsciiDigits(address);
        const Date acquired = o.received_on.AddDays(-rng.Below(14));
        if (o.bad_per_mille > 0 && rng.PerMille(o.bad_per_mille)) {
          ++report.bad_lines;
          switch (error_kind++ % 5) {
            case 0:  // a typo in the My Number: the check digit catches it
              number_text[11] = static_cast<char>('0' + (number_text[11] - '0' + 1) % 10);
              break;
            case 1:
              birth = p.birth_date.ToCompact().substr(0, 4) + "1340";
              break;
            case 2:  // registration error: not the registry's name
              name = "山本\u3000一郎";
              break;
            case 3:
              kana.clear();
              break;
            case 4:  // registration error: not the registry's birth date
              birth = p.birth_date.AddDays(1).ToCompact();
              break;
          }
        }
        const int64_t id = next_serial();
        csv << "F" << Pad(id, 9) << ",acquisition," << number_text << "," << Csv(name) << ","
            << Csv(kana) << "," << birth << "," << static_cast<int>(sex) << "," << p.postcode << ","
            << Csv(address) << "," << (1000 + id / 10000) << "," << Pad(id, 8) << ",00,"
            << acquired.ToCompact() << ",," << (rng.PerMille(50) ? "1" : "0") << "\n";
        ++report.lines;
      }
    });
  }
  return report;
}

}  // namespace onshi::populate
