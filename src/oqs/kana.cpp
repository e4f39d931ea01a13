#include "oqs/kana.hpp"

#include <array>
#include <cstdint>

namespace onshi::oqs {
namespace {

// Half-width form of each full-width katakana U+30A1 ァ .. U+30FC ー,
// generated from the Unicode NFKC mappings of U+FF61..U+FF9F, plus the
// nearest-sound choices for ヮヰヱヵヶヸヹ documented in kana.hpp.
constexpr std::array<const char*, 0x30FC - 0x30A1 + 1> kKatakana = {
    "ｧ",   // U+30A1 ァ
    "ｱ",   // U+30A2 ア
    "ｨ",   // U+30A3 ィ
    "ｲ",   // U+30A4 イ
    "ｩ",   // U+30A5 ゥ
    "ｳ",   // U+30A6 ウ
    "ｪ",   // U+30A7 ェ
    "ｴ",   // U+30A8 エ
    "ｫ",   // U+30A9 ォ
    "ｵ",   // U+30AA オ
    "ｶ",   // U+30AB カ
    "ｶﾞ",  // U+30AC ガ
    "ｷ",   // U+30AD キ
    "ｷﾞ",  // U+30AE ギ
    "ｸ",   // U+30AF ク
    "ｸﾞ",  // U+30B0 グ
    "ｹ",   // U+30B1 ケ
    "ｹﾞ",  // U+30B2 ゲ
    "ｺ",   // U+30B3 コ
    "ｺﾞ",  // U+30B4 ゴ
    "ｻ",   // U+30B5 サ
    "ｻﾞ",  // U+30B6 ザ
    "ｼ",   // U+30B7 シ
    "ｼﾞ",  // U+30B8 ジ
    "ｽ",   // U+30B9 ス
    "ｽﾞ",  // U+30BA ズ
    "ｾ",   // U+30BB セ
    "ｾﾞ",  // U+30BC ゼ
    "ｿ",   // U+30BD ソ
    "ｿﾞ",  // U+30BE ゾ
    "ﾀ",   // U+30BF タ
    "ﾀﾞ",  // U+30C0 ダ
    "ﾁ",   // U+30C1 チ
    "ﾁﾞ",  // U+30C2 ヂ
    "ｯ",   // U+30C3 ッ
    "ﾂ",   // U+30C4 ツ
    "ﾂﾞ",  // U+30C5 ヅ
    "ﾃ",   // U+30C6 テ
    "ﾃﾞ",  // U+30C7 デ
    "ﾄ",   // U+30C8 ト
    "ﾄﾞ",  // U+30C9 ド
    "ﾅ",   // U+30CA ナ
    "ﾆ",   // U+30CB ニ
    "ﾇ",   // U+30CC ヌ
    "ﾈ",   // U+30CD ネ
    "ﾉ",   // U+30CE ノ
    "ﾊ",   // U+30CF ハ
    "ﾊﾞ",  // U+30D0 バ
    "ﾊﾟ",  // U+30D1 パ
    "ﾋ",   // U+30D2 ヒ
    "ﾋﾞ",  // U+30D3 ビ
    "ﾋﾟ",  // U+30D4 ピ
    "ﾌ",   // U+30D5 フ
    "ﾌﾞ",  // U+30D6 ブ
    "ﾌﾟ",  // U+30D7 プ
    "ﾍ",   // U+30D8 ヘ
    "ﾍﾞ",  // U+30D9 ベ
    "ﾍﾟ",  // U+30DA ペ
    "ﾎ",   // U+30DB ホ
    "ﾎﾞ",  // U+30DC ボ
    "ﾎﾟ",  // U+30DD ポ
    "ﾏ",   // U+30DE マ
    "ﾐ",   // U+30DF ミ
    "ﾑ",   // U+30E0 ム
    "ﾒ",   // U+30E1 メ
    "ﾓ",   // U+30E2 モ
    "ｬ",   // U+30E3 ャ
    "ﾔ",   // U+30E4 ヤ
    "ｭ",   // U+30E5 ュ
    "ﾕ",   // U+30E6 ユ
    "ｮ",   // U+30E7 ョ
    "ﾖ",   // U+30E8 ヨ
    "ﾗ",   // U+30E9 ラ
    "ﾘ",   // U+30EA リ
    "ﾙ",   // U+30EB ル
    "ﾚ",   // U+30EC レ
    "ﾛ",   // U+30ED ロ
    "ﾜ",   // U+30EE ヮ
    "ﾜ",   // U+30EF ワ
    "ｲ",   // U+30F0 ヰ
    "ｴ",   // U+30F1 ヱ
    "ｦ",   // U+30F2 ヲ
    "ﾝ",   // U+30F3 ン
    "ｳﾞ",  // U+30F4 ヴ
    "ｶ",   // U+30F5 ヵ
    "ｹ",   // U+30F6 ヶ
    "ﾜﾞ",  // U+30F7 ヷ
    "ｲﾞ",  // U+30F8 ヸ
    "ｴﾞ",  // U+30F9 ヹ
    "ｦﾞ",  // U+30FA ヺ
    "･",   // U+30FB ・
    "ｰ",   // U+30FC ー
};

constexpr char32_t kHiraganaFirst = 0x3041;  // ぁ
constexpr char32_t kHiraganaLast = 0x3096;   // ゖ
constexpr char32_t kHiraganaToKatakana = 0x60;

// Decodes one UTF-8 character at `p` (well-formed input assumed; callers
// check the length). Returns the code point, or 0xFFFFFFFF for a bad byte.
char32_t Decode(const unsigned char* p, std::size_t left, std::size_t* len) {
  const unsigned char c = p[0];
  std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || n > left) {
    *len = 1;
    return 0xFFFFFFFF;
  }
  char32_t cp = n == 1 ? c : c & (0x7F >> n);
  for (std::size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) {
      *len = 1;
      return 0xFFFFFFFF;
    }
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  *len = n;
  return cp;
}

const char* Punctuation(char32_t cp) {
  switch (cp) {
    case 0x3000:
      return " ";
    case 0x3001:
      return "､";
    case 0x3002:
      return "｡";
    case 0x300C:
      return "｢";
    case 0x300D:
      return "｣";
    case 0x3099:  // combining voiced mark
    case 0x309B:  // ゛
      return "ﾞ";
    case 0x309A:  // combining semi-voiced mark
    case 0x309C:  // ゜
      return "ﾟ";
    default:
      return nullptr;
  }
}

}  // namespace

std::string ToHalfWidthKana(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());  // half-width kana take 3 bytes, as full-width do
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  std::size_t left = utf8.size();
  while (left > 0) {
    if (*p < 0x80) {  // ASCII fast path
      out += static_cast<char>(*p);
      ++p;
      --left;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = Decode(p, left, &len);
    if (cp >= kHiraganaFirst && cp <= kHiraganaLast) cp += kHiraganaToKatakana;
    if (cp >= 0x30A1 && cp <= 0x30FC) {
      out += kKatakana[cp - 0x30A1];
    } else if (const char* mark = Punctuation(cp)) {
      out += mark;
    } else if (cp >= 0xFF01 && cp <= 0xFF5E) {  // full-width ASCII
      out += static_cast<char>(cp - 0xFF01 + 0x21);
    } else {
      out.append(reinterpret_cast<const char*>(p), len);
    }
    p += len;
    left -= len;
  }
  return out;
}

}  // namespace onshi::oqs
