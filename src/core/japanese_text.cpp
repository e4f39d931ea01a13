#include "core/japanese_text.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>

#include "core/utf8.hpp"

namespace onshi {
namespace {

// ===========================================================================
// Character classes

constexpr char32_t kIdeographicSpace = 0x3000;
constexpr char32_t kMiddleDot = 0x30FB;  // ・
constexpr char32_t kProlonged = 0x30FC;  // ー

constexpr bool IsAsciiDigit(char32_t c) {
  return c >= U'0' && c <= U'9';
}
constexpr bool IsAsciiAlnum(char32_t c) {
  return IsAsciiDigit(c) || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z');
}
constexpr char32_t AsciiUpper(char32_t c) {
  return c >= U'a' && c <= U'z' ? c - (U'a' - U'A') : c;
}
// Hiragana letters (ぁ..ゖ) and the iteration marks ゝゞ.
constexpr bool IsHiragana(char32_t c) {
  return (c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E;
}
// Katakana letters (ァ..ヺ) and the iteration marks ヽヾ; not ・ or ー.
constexpr bool IsKatakana(char32_t c) {
  return (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FD || c == 0x30FE;
}
// Each hiragana sits exactly 0x60 below its katakana.
constexpr char32_t ToKatakana(char32_t c) {
  return IsHiragana(c) ? c + 0x60 : c;
}
// CJK ideographs (unified, extension A, compatibility, supplementary
// planes) and 々, which stands for the kanji before it.
constexpr bool IsKanji(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3005;
}
// Marks people type for a dash: hyphen-minus (full-width － folds to it),
// U+2010–U+2015 hyphens and dashes, minus sign, small hyphen-minus, and ー,
// which a Japanese IME produces for the '-' key in kana mode.
constexpr bool IsDashLike(char32_t c) {
  return c == U'-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == kProlonged;
}
// In a reading, a dash or a wave dash (〜, and ～ folded to '~') can only be a
// long vowel.
constexpr bool IsLongVowelLike(char32_t c) {
  return IsDashLike(c) || c == 0x301C || c == U'~';
}

// Kanji numerals as in 住所表記: the digits 〇一二三四五六七八九 → 0–9, the
// multipliers 十百千 → 10, 100, 1000; -1 for anything else.
constexpr int KanjiNumeralValue(char32_t c) {
  // clang-format off
  switch (c) {
    case U'〇': return 0;  case U'一': return 1;  case U'二': return 2;  case U'三': return 3;
    case U'四': return 4;  case U'五': return 5;  case U'六': return 6;  case U'七': return 7;
    case U'八': return 8;  case U'九': return 9;
    case U'十': return 10;  case U'百': return 100;  case U'千': return 1000;
    default: return -1;
  }
  // clang-format on
}
constexpr bool IsKanjiNumeral(char32_t c) {
  return KanjiNumeralValue(c) >= 0;
}

// ===========================================================================
// Kana voicing

// The voiced (濁音) katakana of `c`, or 0 if it has none.
constexpr char32_t VoicedKatakana(char32_t c) {
  if (c >= 0x30AB && c <= 0x30C1) return c % 2 == 1 ? c + 1 : 0;  // カ..チ at odd points
  if (c == 0x30C4 || c == 0x30C6 || c == 0x30C8) return c + 1;    // ツテト
  if (c >= 0x30CF && c <= 0x30DB) return (c - 0x30CF) % 3 == 0 ? c + 1 : 0;  // ハヒフヘホ
  if (c == 0x30A6) return 0x30F4;                                            // ウ → ヴ
  if (c >= 0x30EF && c <= 0x30F2) return c + 8;  // ワヰヱヲ → ヷヸヹヺ
  if (c == 0x30FD) return 0x30FE;                // ヽ → ヾ
  return 0;
}
// The semi-voiced (半濁音) katakana of `c`, or 0.
constexpr char32_t SemiVoicedKatakana(char32_t c) {
  return c >= 0x30CF && c <= 0x30DB && (c - 0x30CF) % 3 == 0 ? c + 2 : 0;
}

// Undoes VoicedKatakana and SemiVoicedKatakana over U+30A0–U+30FF (ガ → カ,
// パ → ハ); other characters map to themselves.
constexpr auto kUnvoiced = [] {
  std::array<char16_t, 0x60> table{};
  for (char32_t c = 0x30A0; c < 0x3100; ++c)
    table[c - 0x30A0] = static_cast<char16_t>(c);
  for (char32_t c = 0x30A0; c < 0x3100; ++c) {
    if (const char32_t v = VoicedKatakana(c)) table[v - 0x30A0] = static_cast<char16_t>(c);
    if (const char32_t v = SemiVoicedKatakana(c)) table[v - 0x30A0] = static_cast<char16_t>(c);
  }
  return table;
}();
constexpr char32_t UnvoicedKatakana(char32_t c) {
  return c >= 0x30A0 && c < 0x3100 ? kUnvoiced[c - 0x30A0] : c;
}

enum class Mark { kNone, kVoiced, kSemiVoiced };

// Half-width ﾞﾟ (after Fold's mapping, the spacing ゛゜) and the combining
// marks of decomposed (NFD) text.
constexpr Mark MarkOf(char32_t c) {
  if (c == 0x309B || c == 0x3099) return Mark::kVoiced;
  if (c == 0x309C || c == 0x309A) return Mark::kSemiVoiced;
  return Mark::kNone;
}

// `base` with `mark` as one character (か+゛ → が, ﾊ+ﾟ → パ), or 0 if there is
// none. Hiragana stay hiragana; ヷ..ヺ have no hiragana, so わ+゛ has none.
constexpr char32_t Compose(char32_t base, Mark mark) {
  const char32_t k = ToKatakana(base);
  const char32_t composed = mark == Mark::kVoiced ? VoicedKatakana(k) : SemiVoicedKatakana(k);
  if (composed == 0 || k == base) return composed;
  return IsHiragana(composed - 0x60) ? composed - 0x60 : 0;
}

// ===========================================================================
// Width

// Half-width katakana and punctuation U+FF61–U+FF9F → full-width. ﾞﾟ become
// the spacing marks ゛゜, which Fold composes with the kana before them.
constexpr char16_t kHalfWidth[] = {
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB,  // ｡｢｣､･
    0x30F2,                                  // ｦ
    0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9,  // ｧｨｩｪｫ
    0x30E3, 0x30E5, 0x30E7, 0x30C3,          // ｬｭｮｯ
    0x30FC,                                  // ｰ
    0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA,  // ｱｲｳｴｵ
    0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3,  // ｶｷｸｹｺ
    0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD,  // ｻｼｽｾｿ
    0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,  // ﾀﾁﾂﾃﾄ
    0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE,  // ﾅﾆﾇﾈﾉ
    0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB,  // ﾊﾋﾌﾍﾎ
    0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2,  // ﾏﾐﾑﾒﾓ
    0x30E4, 0x30E6, 0x30E8,                  // ﾔﾕﾖ
    0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED,  // ﾗﾘﾙﾚﾛ
    0x30EF, 0x30F3,                          // ﾜﾝ
    0x309B, 0x309C,                          // ﾞﾟ
};
static_assert(std::size(kHalfWidth) == 0xFF9F - 0xFF61 + 1);

// ===========================================================================
// 異体字: old and variant kanji → the standard form
//
// Policy. A key must equate the same 字 written in another 字体, because the
// registry and the form often come from different character sets: the
// registry from the family register (戸籍), which keeps 旧字体 and 外字; the
// form from an employer's PC, whose IME may offer only the standard form. A
// false equation here cannot by itself link the wrong person: the My Number
// selects the registry record, and birth date, sex and address must agree as
// well. Still, the table stays small and deliberate:
//   1. CJK compatibility ideographs U+F900–U+FAFF map to their canonical
//      decomposition (U+FA12 → U+6674 晴, U+F9DC → U+9686 隆). That is plain
//      Unicode (NFC does the same), so the table is generated, not chosen:
//        python3 -c "import unicodedata as u; print([(hex(c), hex(ord(
//          u.normalize('NFC', chr(c))))) for c in range(0xF900, 0xFB00)
//          if u.normalize('NFC', chr(c)) != chr(c)])"
//   2. Other pairs only where both forms are one 字: 旧字体 whose 新字体 is
//      given in the 常用漢字表 (國 → 国, 澤 → 沢, 關 → 関), and the 異体字
//      that name matching commonly treats as the same 字 (髙, 﨑, 嵜, 碕, 邉,
//      濵, 德, 冨, 槇, 曻, 舘, 𠮷). Pairs registered as different surnames
//      stay apart even where a dictionary relates them: 淵/渕, 龍/竜, 嶋/島,
//      峯/峰, 斎/斉 (齋 → 斎 and 齊 → 斉 each keep to their own).
// Every standard form is final (no chains within one table), so a key is
// the same whether or not the text was already standard.

struct Variant {
  char32_t from;
  char32_t to;
};

constexpr Variant kVariants[] = {
    {0x4E9E, 0x4E9C},  // 亞 → 亜 旧字体
    {0x4F86, 0x6765},  // 來 → 来 旧字体
    {0x50B3, 0x4F1D},  // 傳 → 伝 旧字体
    {0x51A8, 0x5BCC},  // 冨 → 富 異体字
    {0x5340, 0x533A},  // 區 → 区 旧字体
    {0x570B, 0x56FD},  // 國 → 国 旧字体
    {0x5713, 0x5186},  // 圓 → 円 旧字体
    {0x5718, 0x56E3},  // 團 → 団 旧字体
    {0x589E, 0x5897},  // 增 → 増 旧字体
    {0x58FD, 0x5BFF},  // 壽 → 寿 旧字体
    {0x5B78, 0x5B66},  // 學 → 学 旧字体
    {0x5BE6, 0x5B9F},  // 實 → 実 旧字体
    {0x5BF6, 0x5B9D},  // 寶 → 宝 旧字体
    {0x5C07, 0x5C06},  // 將 → 将 旧字体
    {0x5D5C, 0x5D0E},  // 嵜 → 崎 異体字
    {0x5EE3, 0x5E83},  // 廣 → 広 旧字体
    {0x5EF3, 0x5E81},  // 廳 → 庁 旧字体
    {0x5F4C, 0x5F25},  // 彌 → 弥 旧字体
    {0x5FB7, 0x5FB3},  // 德 → 徳 異体字
    {0x60E0, 0x6075},  // 惠 → 恵 旧字体
    {0x60E1, 0x60AA},  // 惡 → 悪 旧字体
    {0x6236, 0x6238},  // 戶 → 戸 旧字体
    {0x66FB, 0x6607},  // 曻 → 昇 異体字
    {0x6703, 0x4F1A},  // 會 → 会 旧字体
    {0x689D, 0x6761},  // 條 → 条 旧字体
    {0x69AE, 0x6804},  // 榮 → 栄 旧字体
    {0x69C7, 0x69D9},  // 槇 → 槙 異体字
    {0x6AFB, 0x685C},  // 櫻 → 桜 旧字体
    {0x6B65, 0x6B69},  // 步 → 歩 旧字体
    {0x6BCF, 0x6BCE},  // 每 → 毎 旧字体
    {0x6DF8, 0x6E05},  // 淸 → 清 旧字体
    {0x6F81, 0x6E0B},  // 澁 → 渋 旧字体
    {0x6FA4, 0x6CA2},  // 澤 → 沢 旧字体
    {0x6FDF, 0x6E08},  // 濟 → 済 旧字体
    {0x6FF1, 0x6D5C},  // 濱 → 浜 旧字体
    {0x6FF5, 0x6D5C},  // 濵 → 浜 異体字 of 濱
    {0x7028, 0x702C},  // 瀨 → 瀬 旧字体
    {0x71DF, 0x55B6},  // 營 → 営 旧字体
    {0x771E, 0x771F},  // 眞 → 真 旧字体
    {0x7895, 0x5D0E},  // 碕 → 崎 異体字
    {0x79AE, 0x793C},  // 禮 → 礼 旧字体
    {0x7A57, 0x7A42},  // 穗 → 穂 旧字体
    {0x7E23, 0x770C},  // 縣 → 県 旧字体
    {0x7E69, 0x7E04},  // 繩 → 縄 旧字体
    {0x8207, 0x4E0E},  // 與 → 与 旧字体
    {0x8218, 0x9928},  // 舘 → 館 異体字
    {0x838A, 0x8358},  // 莊 → 荘 旧字体
    {0x842C, 0x4E07},  // 萬 → 万 旧字体
    {0x85CF, 0x8535},  // 藏 → 蔵 旧字体
    {0x8C50, 0x8C4A},  // 豐 → 豊 旧字体
    {0x9089, 0x8FBA},  // 邉 → 辺 異体字 of 邊
    {0x908A, 0x8FBA},  // 邊 → 辺 旧字体
    {0x9115, 0x90F7},  // 鄕 → 郷 旧字体
    {0x9435, 0x9244},  // 鐵 → 鉄 旧字体
    {0x95DC, 0x95A2},  // 關 → 関 旧字体
    {0x9751, 0x9752},  // 靑 → 青 旧字体
    {0x975C, 0x9759},  // 靜 → 静 旧字体
    {0x9A5B, 0x99C5},  // 驛 → 駅 旧字体
    {0x9AD9, 0x9AD8},  // 髙 → 高 異体字 (はしごだか)
    {0x9ED1, 0x9ED2},  // 黑 → 黒 旧字体
    {0x9F4A, 0x6589},  // 齊 → 斉 旧字体
    {0x9F4B, 0x658E},  // 齋 → 斎 旧字体 (not 斉: 斎藤 and 斉藤 are different names)
    {0x9F9C, 0x4E80},  // 龜 → 亀 旧字体
    {0xFA11, 0x5D0E},  // 﨑 → 崎 異体字 (たつさき; a unified ideograph in the compatibility block,
                       // so NFC keeps it)
    {0x20BB7, 0x5409},  // 𠮷 → 吉 異体字 (つちよし)
};

// (1) above: every compatibility ideograph with a canonical decomposition.
constexpr Variant kCompatibilityIdeographs[] = {
    {0xF900, 0x8C48},  {0xF901, 0x66F4},  {0xF902, 0x8ECA},  {0xF903, 0x8CC8}, {0xF904, 0x6ED1},
    {0xF905, 0x4E32},  {0xF906, 0x53E5},  {0xF907, 0x9F9C},  {0xF908, 0x9F9C}, {0xF909, 0x5951},
    {0xF90A, 0x91D1},  {0xF90B, 0x5587},  {0xF90C, 0x5948},  {0xF90D, 0x61F6}, {0xF90E, 0x7669},
    {0xF90F, 0x7F85},  {0xF910, 0x863F},  {0xF911, 0x87BA},  {0xF912, 0x88F8}, {0xF913, 0x908F},
    {0xF914, 0x6A02},  {0xF915, 0x6D1B},  {0xF916, 0x70D9},  {0xF917, 0x73DE}, {0xF918, 0x843D},
    {0xF919, 0x916A},  {0xF91A, 0x99F1},  {0xF91B, 0x4E82},  {0xF91C, 0x5375}, {0xF91D, 0x6B04},
    {0xF91E, 0x721B},  {0xF91F, 0x862D},  {0xF920, 0x9E1E},  {0xF921, 0x5D50}, {0xF922, 0x6FEB},
    {0xF923, 0x85CD},  {0xF924, 0x8964},  {0xF925, 0x62C9},  {0xF926, 0x81D8}, {0xF927, 0x881F},
    {0xF928, 0x5ECA},  {0xF929, 0x6717},  {0xF92A, 0x6D6A},  {0xF92B, 0x72FC}, {0xF92C, 0x90CE},
    {0xF92D, 0x4F86},  {0xF92E, 0x51B7},  {0xF92F, 0x52DE},  {0xF930, 0x64C4}, {0xF931, 0x6AD3},
    {0xF932, 0x7210},  {0xF933, 0x76E7},  {0xF934, 0x8001},  {0xF935, 0x8606}, {0xF936, 0x865C},
    {0xF937, 0x8DEF},  {0xF938, 0x9732},  {0xF939, 0x9B6F},  {0xF93A, 0x9DFA}, {0xF93B, 0x788C},
    {0xF93C, 0x797F},  {0xF93D, 0x7DA0},  {0xF93E, 0x83C9},  {0xF93F, 0x9304}, {0xF940, 0x9E7F},
    {0xF941, 0x8AD6},  {0xF942, 0x58DF},  {0xF943, 0x5F04},  {0xF944, 0x7C60}, {0xF945, 0x807E},
    {0xF946, 0x7262},  {0xF947, 0x78CA},  {0xF948, 0x8CC2},  {0xF949, 0x96F7}, {0xF94A, 0x58D8},
    {0xF94B, 0x5C62},  {0xF94C, 0x6A13},  {0xF94D, 0x6DDA},  {0xF94E, 0x6F0F}, {0xF94F, 0x7D2F},
    {0xF950, 0x7E37},  {0xF951, 0x964B},  {0xF952, 0x52D2},  {0xF953, 0x808B}, {0xF954, 0x51DC},
    {0xF955, 0x51CC},  {0xF956, 0x7A1C},  {0xF957, 0x7DBE},  {0xF958, 0x83F1}, {0xF959, 0x9675},
    {0xF95A, 0x8B80},  {0xF95B, 0x62CF},  {0xF95C, 0x6A02},  {0xF95D, 0x8AFE}, {0xF95E, 0x4E39},
    {0xF95F, 0x5BE7},  {0xF960, 0x6012},  {0xF961, 0x7387},  {0xF962, 0x7570}, {0xF963, 0x5317},
    {0xF964, 0x78FB},  {0xF965, 0x4FBF},  {0xF966, 0x5FA9},  {0xF967, 0x4E0D}, {0xF968, 0x6CCC},
    {0xF969, 0x6578},  {0xF96A, 0x7D22},  {0xF96B, 0x53C3},  {0xF96C, 0x585E}, {0xF96D, 0x7701},
    {0xF96E, 0x8449},  {0xF96F, 0x8AAA},  {0xF970, 0x6BBA},  {0xF971, 0x8FB0}, {0xF972, 0x6C88},
    {0xF973, 0x62FE},  {0xF974, 0x82E5},  {0xF975, 0x63A0},  {0xF976, 0x7565}, {0xF977, 0x4EAE},
    {0xF978, 0x5169},  {0xF979, 0x51C9},  {0xF97A, 0x6881},  {0xF97B, 0x7CE7}, {0xF97C, 0x826F},
    {0xF97D, 0x8AD2},  {0xF97E, 0x91CF},  {0xF97F, 0x52F5},  {0xF980, 0x5442}, {0xF981, 0x5973},
    {0xF982, 0x5EEC},  {0xF983, 0x65C5},  {0xF984, 0x6FFE},  {0xF985, 0x792A}, {0xF986, 0x95AD},
    {0xF987, 0x9A6A},  {0xF988, 0x9E97},  {0xF989, 0x9ECE},  {0xF98A, 0x529B}, {0xF98B, 0x66C6},
    {0xF98C, 0x6B77},  {0xF98D, 0x8F62},  {0xF98E, 0x5E74},  {0xF98F, 0x6190}, {0xF990, 0x6200},
    {0xF991, 0x649A},  {0xF992, 0x6F23},  {0xF993, 0x7149},  {0xF994, 0x7489}, {0xF995, 0x79CA},
    {0xF996, 0x7DF4},  {0xF997, 0x806F},  {0xF998, 0x8F26},  {0xF999, 0x84EE}, {0xF99A, 0x9023},
    {0xF99B, 0x934A},  {0xF99C, 0x5217},  {0xF99D, 0x52A3},  {0xF99E, 0x54BD}, {0xF99F, 0x70C8},
    {0xF9A0, 0x88C2},  {0xF9A1, 0x8AAA},  {0xF9A2, 0x5EC9},  {0xF9A3, 0x5FF5}, {0xF9A4, 0x637B},
    {0xF9A5, 0x6BAE},  {0xF9A6, 0x7C3E},  {0xF9A7, 0x7375},  {0xF9A8, 0x4EE4}, {0xF9A9, 0x56F9},
    {0xF9AA, 0x5BE7},  {0xF9AB, 0x5DBA},  {0xF9AC, 0x601C},  {0xF9AD, 0x73B2}, {0xF9AE, 0x7469},
    {0xF9AF, 0x7F9A},  {0xF9B0, 0x8046},  {0xF9B1, 0x9234},  {0xF9B2, 0x96F6}, {0xF9B3, 0x9748},
    {0xF9B4, 0x9818},  {0xF9B5, 0x4F8B},  {0xF9B6, 0x79AE},  {0xF9B7, 0x91B4}, {0xF9B8, 0x96B8},
    {0xF9B9, 0x60E1},  {0xF9BA, 0x4E86},  {0xF9BB, 0x50DA},  {0xF9BC, 0x5BEE}, {0xF9BD, 0x5C3F},
    {0xF9BE, 0x6599},  {0xF9BF, 0x6A02},  {0xF9C0, 0x71CE},  {0xF9C1, 0x7642}, {0xF9C2, 0x84FC},
    {0xF9C3, 0x907C},  {0xF9C4, 0x9F8D},  {0xF9C5, 0x6688},  {0xF9C6, 0x962E}, {0xF9C7, 0x5289},
    {0xF9C8, 0x677B},  {0xF9C9, 0x67F3},  {0xF9CA, 0x6D41},  {0xF9CB, 0x6E9C}, {0xF9CC, 0x7409},
    {0xF9CD, 0x7559},  {0xF9CE, 0x786B},  {0xF9CF, 0x7D10},  {0xF9D0, 0x985E}, {0xF9D1, 0x516D},
    {0xF9D2, 0x622E},  {0xF9D3, 0x9678},  {0xF9D4, 0x502B},  {0xF9D5, 0x5D19}, {0xF9D6, 0x6DEA},
    {0xF9D7, 0x8F2A},  {0xF9D8, 0x5F8B},  {0xF9D9, 0x6144},  {0xF9DA, 0x6817}, {0xF9DB, 0x7387},
    {0xF9DC, 0x9686},  {0xF9DD, 0x5229},  {0xF9DE, 0x540F},  {0xF9DF, 0x5C65}, {0xF9E0, 0x6613},
    {0xF9E1, 0x674E},  {0xF9E2, 0x68A8},  {0xF9E3, 0x6CE5},  {0xF9E4, 0x7406}, {0xF9E5, 0x75E2},
    {0xF9E6, 0x7F79},  {0xF9E7, 0x88CF},  {0xF9E8, 0x88E1},  {0xF9E9, 0x91CC}, {0xF9EA, 0x96E2},
    {0xF9EB, 0x533F},  {0xF9EC, 0x6EBA},  {0xF9ED, 0x541D},  {0xF9EE, 0x71D0}, {0xF9EF, 0x7498},
    {0xF9F0, 0x85FA},  {0xF9F1, 0x96A3},  {0xF9F2, 0x9C57},  {0xF9F3, 0x9E9F}, {0xF9F4, 0x6797},
    {0xF9F5, 0x6DCB},  {0xF9F6, 0x81E8},  {0xF9F7, 0x7ACB},  {0xF9F8, 0x7B20}, {0xF9F9, 0x7C92},
    {0xF9FA, 0x72C0},  {0xF9FB, 0x7099},  {0xF9FC, 0x8B58},  {0xF9FD, 0x4EC0}, {0xF9FE, 0x8336},
    {0xF9FF, 0x523A},  {0xFA00, 0x5207},  {0xFA01, 0x5EA6},  {0xFA02, 0x62D3}, {0xFA03, 0x7CD6},
    {0xFA04, 0x5B85},  {0xFA05, 0x6D1E},  {0xFA06, 0x66B4},  {0xFA07, 0x8F3B}, {0xFA08, 0x884C},
    {0xFA09, 0x964D},  {0xFA0A, 0x898B},  {0xFA0B, 0x5ED3},  {0xFA0C, 0x5140}, {0xFA0D, 0x55C0},
    {0xFA10, 0x585A},  {0xFA12, 0x6674},  {0xFA15, 0x51DE},  {0xFA16, 0x732A}, {0xFA17, 0x76CA},
    {0xFA18, 0x793C},  {0xFA19, 0x795E},  {0xFA1A, 0x7965},  {0xFA1B, 0x798F}, {0xFA1C, 0x9756},
    {0xFA1D, 0x7CBE},  {0xFA1E, 0x7FBD},  {0xFA20, 0x8612},  {0xFA22, 0x8AF8}, {0xFA25, 0x9038},
    {0xFA26, 0x90FD},  {0xFA2A, 0x98EF},  {0xFA2B, 0x98FC},  {0xFA2C, 0x9928}, {0xFA2D, 0x9DB4},
    {0xFA2E, 0x90DE},  {0xFA2F, 0x96B7},  {0xFA30, 0x4FAE},  {0xFA31, 0x50E7}, {0xFA32, 0x514D},
    {0xFA33, 0x52C9},  {0xFA34, 0x52E4},  {0xFA35, 0x5351},  {0xFA36, 0x559D}, {0xFA37, 0x5606},
    {0xFA38, 0x5668},  {0xFA39, 0x5840},  {0xFA3A, 0x58A8},  {0xFA3B, 0x5C64}, {0xFA3C, 0x5C6E},
    {0xFA3D, 0x6094},  {0xFA3E, 0x6168},  {0xFA3F, 0x618E},  {0xFA40, 0x61F2}, {0xFA41, 0x654F},
    {0xFA42, 0x65E2},  {0xFA43, 0x6691},  {0xFA44, 0x6885},  {0xFA45, 0x6D77}, {0xFA46, 0x6E1A},
    {0xFA47, 0x6F22},  {0xFA48, 0x716E},  {0xFA49, 0x722B},  {0xFA4A, 0x7422}, {0xFA4B, 0x7891},
    {0xFA4C, 0x793E},  {0xFA4D, 0x7949},  {0xFA4E, 0x7948},  {0xFA4F, 0x7950}, {0xFA50, 0x7956},
    {0xFA51, 0x795D},  {0xFA52, 0x798D},  {0xFA53, 0x798E},  {0xFA54, 0x7A40}, {0xFA55, 0x7A81},
    {0xFA56, 0x7BC0},  {0xFA57, 0x7DF4},  {0xFA58, 0x7E09},  {0xFA59, 0x7E41}, {0xFA5A, 0x7F72},
    {0xFA5B, 0x8005},  {0xFA5C, 0x81ED},  {0xFA5D, 0x8279},  {0xFA5E, 0x8279}, {0xFA5F, 0x8457},
    {0xFA60, 0x8910},  {0xFA61, 0x8996},  {0xFA62, 0x8B01},  {0xFA63, 0x8B39}, {0xFA64, 0x8CD3},
    {0xFA65, 0x8D08},  {0xFA66, 0x8FB6},  {0xFA67, 0x9038},  {0xFA68, 0x96E3}, {0xFA69, 0x97FF},
    {0xFA6A, 0x983B},  {0xFA6B, 0x6075},  {0xFA6C, 0x242EE}, {0xFA6D, 0x8218}, {0xFA70, 0x4E26},
    {0xFA71, 0x51B5},  {0xFA72, 0x5168},  {0xFA73, 0x4F80},  {0xFA74, 0x5145}, {0xFA75, 0x5180},
    {0xFA76, 0x52C7},  {0xFA77, 0x52FA},  {0xFA78, 0x559D},  {0xFA79, 0x5555}, {0xFA7A, 0x5599},
    {0xFA7B, 0x55E2},  {0xFA7C, 0x585A},  {0xFA7D, 0x58B3},  {0xFA7E, 0x5944}, {0xFA7F, 0x5954},
    {0xFA80, 0x5A62},  {0xFA81, 0x5B28},  {0xFA82, 0x5ED2},  {0xFA83, 0x5ED9}, {0xFA84, 0x5F69},
    {0xFA85, 0x5FAD},  {0xFA86, 0x60D8},  {0xFA87, 0x614E},  {0xFA88, 0x6108}, {0xFA89, 0x618E},
    {0xFA8A, 0x6160},  {0xFA8B, 0x61F2},  {0xFA8C, 0x6234},  {0xFA8D, 0x63C4}, {0xFA8E, 0x641C},
    {0xFA8F, 0x6452},  {0xFA90, 0x6556},  {0xFA91, 0x6674},  {0xFA92, 0x6717}, {0xFA93, 0x671B},
    {0xFA94, 0x6756},  {0xFA95, 0x6B79},  {0xFA96, 0x6BBA},  {0xFA97, 0x6D41}, {0xFA98, 0x6EDB},
    {0xFA99, 0x6ECB},  {0xFA9A, 0x6F22},  {0xFA9B, 0x701E},  {0xFA9C, 0x716E}, {0xFA9D, 0x77A7},
    {0xFA9E, 0x7235},  {0xFA9F, 0x72AF},  {0xFAA0, 0x732A},  {0xFAA1, 0x7471}, {0xFAA2, 0x7506},
    {0xFAA3, 0x753B},  {0xFAA4, 0x761D},  {0xFAA5, 0x761F},  {0xFAA6, 0x76CA}, {0xFAA7, 0x76DB},
    {0xFAA8, 0x76F4},  {0xFAA9, 0x774A},  {0xFAAA, 0x7740},  {0xFAAB, 0x78CC}, {0xFAAC, 0x7AB1},
    {0xFAAD, 0x7BC0},  {0xFAAE, 0x7C7B},  {0xFAAF, 0x7D5B},  {0xFAB0, 0x7DF4}, {0xFAB1, 0x7F3E},
    {0xFAB2, 0x8005},  {0xFAB3, 0x8352},  {0xFAB4, 0x83EF},  {0xFAB5, 0x8779}, {0xFAB6, 0x8941},
    {0xFAB7, 0x8986},  {0xFAB8, 0x8996},  {0xFAB9, 0x8ABF},  {0xFABA, 0x8AF8}, {0xFABB, 0x8ACB},
    {0xFABC, 0x8B01},  {0xFABD, 0x8AFE},  {0xFABE, 0x8AED},  {0xFABF, 0x8B39}, {0xFAC0, 0x8B8A},
    {0xFAC1, 0x8D08},  {0xFAC2, 0x8F38},  {0xFAC3, 0x9072},  {0xFAC4, 0x9199}, {0xFAC5, 0x9276},
    {0xFAC6, 0x967C},  {0xFAC7, 0x96E3},  {0xFAC8, 0x9756},  {0xFAC9, 0x97DB}, {0xFACA, 0x97FF},
    {0xFACB, 0x980B},  {0xFACC, 0x983B},  {0xFACD, 0x9B12},  {0xFACE, 0x9F9C}, {0xFACF, 0x2284A},
    {0xFAD0, 0x22844}, {0xFAD1, 0x233D5}, {0xFAD2, 0x3B9D},  {0xFAD3, 0x4018}, {0xFAD4, 0x4039},
    {0xFAD5, 0x25249}, {0xFAD6, 0x25CD0}, {0xFAD7, 0x27ED3}, {0xFAD8, 0x9F43}, {0xFAD9, 0x9F8E},
};

template <std::size_t N>
constexpr bool IsStrictlySortedAndFinal(const Variant (&table)[N], bool final) {
  for (std::size_t i = 1; i < N; ++i) {
    if (table[i - 1].from >= table[i].from) return false;
  }
  if (final) {
    for (const Variant& v : table) {
      for (const Variant& w : table) {
        if (v.to == w.from) return false;
      }
    }
  }
  return true;
}
static_assert(IsStrictlySortedAndFinal(kVariants, true));
// A decomposition may be an old form (F907 → 龜), so lookups apply
// kVariants after this table; it need not be final on its own.
static_assert(IsStrictlySortedAndFinal(kCompatibilityIdeographs, false));

template <std::size_t N>
char32_t Lookup(const Variant (&table)[N], char32_t c) {
  const Variant* it = std::lower_bound(std::begin(table), std::end(table), c,
                                       [](const Variant& v, char32_t x) { return v.from < x; });
  return it != std::end(table) && it->from == c ? it->to : c;
}

// Most kanji in a name or address have no variant; a bitmap over the unified
// block answers that in one load instead of a binary search per character.
constexpr char32_t kUnifiedFirst = 0x4E00;
constexpr char32_t kUnifiedLast = 0x9FFF;
constexpr auto kHasVariant = [] {
  std::array<uint64_t, (kUnifiedLast - kUnifiedFirst) / 64 + 1> bits{};
  for (const Variant& v : kVariants) {
    if (v.from >= kUnifiedFirst && v.from <= kUnifiedLast)
      bits[(v.from - kUnifiedFirst) / 64] |= uint64_t{1} << ((v.from - kUnifiedFirst) % 64);
  }
  return bits;
}();

// Compatibility ideographs, the supplementary planes (𠮷), and any other
// kanji the bitmap cannot rule out.
char32_t StandardKanjiSlow(char32_t c) {
  if (c < 0xF900 || (c > 0xFAFF && c < 0x20000)) return c;
  if (c <= 0xFAFF) c = Lookup(kCompatibilityIdeographs, c);
  return Lookup(kVariants, c);  // 﨑 U+FA11, 𠮷 U+20BB7, or a decomposition
}

inline char32_t StandardKanji(char32_t c) {
  if (c < kUnifiedFirst) return c;  // kana, ASCII, punctuation
  if (c <= kUnifiedLast) {
    const char32_t i = c - kUnifiedFirst;
    return (kHasVariant[i / 64] >> (i % 64)) & 1 ? Lookup(kVariants, c) : c;
  }
  return StandardKanjiSlow(c);
}

// ===========================================================================
// Reading text

// The code points of a text or of its key. Fields are short (a name is ~5
// characters, an address ~30), so the buffer lives on the stack and only an
// unusually long text takes one heap allocation. Reset sizes it once, so
// writers need not check; two zeros after the end (Terminate) let rules look
// two characters ahead without bounds checks.
class CodePoints {
 public:
  CodePoints() = default;
  CodePoints(const CodePoints&) = delete;
  CodePoints& operator=(const CodePoints&) = delete;

  // Empties the buffer and makes room for n code points.
  void Reset(std::size_t n) {
    if (n + kPadding > capacity_) {
      heap_ = std::make_unique_for_overwrite<char32_t[]>(n + kPadding);
      data_ = heap_.get();
      capacity_ = n + kPadding;
    }
    size_ = 0;
    unreadable_ = false;
  }
  // Writers fill the buffer through a pointer of their own (kept in a
  // register), then Truncate to what they wrote.
  char32_t* data() { return data_; }
  void Truncate(std::size_t n) { size_ = n; }
  void Terminate() { data_[size_] = data_[size_ + 1] = 0; }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // i < size() + 2 after Terminate.
  char32_t operator[](std::size_t i) const { return data_[i]; }
  char32_t& operator[](std::size_t i) { return data_[i]; }
  const char32_t* begin() const { return data_; }
  const char32_t* end() const { return data_ + size_; }

  // The text had bytes that were not UTF-8 (or held U+FFFD itself).
  bool unreadable() const { return unreadable_; }
  void set_unreadable() { unreadable_ = true; }

 private:
  static constexpr std::size_t kPadding = 2;
  std::array<char32_t, 256> inline_;  // uninitialised: only what was written is read
  std::unique_ptr<char32_t[]> heap_;
  char32_t* data_ = inline_.data();
  std::size_t capacity_ = inline_.size();
  std::size_t size_ = 0;
  bool unreadable_ = false;
};

// Writes UTF-8 into `out`, which is sized for the worst case up front (4
// bytes per code point) and trimmed by Finish, so that a character costs a
// few stores rather than a string append.
class Utf8Writer {
 public:
  Utf8Writer(std::string& out, std::size_t max_code_points) : out_(out) {
    out_.resize(4 * max_code_points);
    end_ = out_.data();
  }
  void Put(char32_t c) { end_ = EncodeUtf8(c, end_); }
  bool empty() const { return end_ == out_.data(); }
  void Finish() { out_.resize(static_cast<std::size_t>(end_ - out_.data())); }

 private:
  std::string& out_;
  char* end_;
};

std::string ToUtf8(const CodePoints& v) {
  std::string out;
  Utf8Writer w(out, v.size());
  for (const char32_t c : v)
    w.Put(c);
  w.Finish();
  return out;
}

struct FoldOptions {
  bool ascii_from_full_width = true;   // ＡＢＣ１２３－ → ABC123- (TidyName keeps them)
  bool drop_spaces = false;            // keys ignore spaces …
  bool dash_between_numbers = false;   // … but in an address "3 101" is not "3101"
  bool drop_middle_dots = false;       // ・ separates words in names, like a space
  bool katakana = false;               // hiragana → katakana
  bool long_vowel_after_kana = false;  // ジョ-ジ → ジョージ
  bool standard_kanji = false;         // 異体字 table, and latin letters upper case
};

constexpr bool IsNumeral(char32_t c) {
  return IsAsciiDigit(c) || IsKanjiNumeral(c);
}

// Decodes `text` into `out` (which it Resets and Terminates) and applies
// what every function here shares:
//   - half-width katakana and punctuation → full-width;
//   - a kana followed by a voicing mark (ﾞﾟ, ゛゜, or combining U+3099/U+309A)
//     → the composed kana, where there is one; otherwise the mark stays;
//   - every space (ASCII, tab, no-break, ideographic) → ' ', or dropped;
//   - U+FFFD (from bytes that are not UTF-8) marks `out` unreadable;
//   - the options.
// The options are a template argument so that each caller gets a loop
// without the tests it does not need.
template <FoldOptions kOptions>
void Fold(std::string_view text, CodePoints& out) {
  out.Reset(text.size());  // never more code points than bytes
  char32_t* const begin = out.data();
  char32_t* end = begin;
  bool after_space = false;  // the character before was a space
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char u = DecodeUtf8(text, pos);
    pos += u.length;
    char32_t c = u.code_point;
    if (c > kUnifiedLast) {
      if (c - 0xFF01 <= 0xFF9F - 0xFF01) {  // full-width ASCII, half-width kana
        if (c >= 0xFF61) {
          c = kHalfWidth[c - 0xFF61];
        } else if (c <= 0xFF5E && kOptions.ascii_from_full_width) {
          c -= 0xFF01 - 0x21;
        }
      } else if (c == kReplacementCharacter) {
        out.set_unreadable();
      }
    }
    // Tests in order of frequency: kanji, then kana, then ASCII.
    bool space = false;
    if (c >= kUnifiedFirst) {
      if constexpr (kOptions.standard_kanji) c = StandardKanji(c);
    } else if (c - 0x3000 < 0x100) {  // CJK punctuation, hiragana, katakana
      if (c == kIdeographicSpace) {
        space = true;
      } else if (const Mark mark = MarkOf(c); mark != Mark::kNone) {
        if (!after_space && end != begin) {
          if (const char32_t composed = Compose(end[-1], mark)) {
            end[-1] = composed;
            continue;
          }
        }
      } else if (kOptions.drop_middle_dots && c == kMiddleDot) {
        continue;
      } else if (kOptions.katakana) {
        c = ToKatakana(c);
      }
    } else if (c < 0x80) {
      space = c == U' ' || c == U'\t';
      if constexpr (kOptions.standard_kanji) c = AsciiUpper(c);
    } else if (c == 0xA0) {
      space = true;
    }
    if (space) {
      after_space = true;
      if constexpr (!kOptions.drop_spaces) *end++ = U' ';
      continue;
    }
    if constexpr (kOptions.long_vowel_after_kana) {
      if (IsDashLike(c) && end != begin && (IsKatakana(end[-1]) || IsHiragana(end[-1])))
        c = kProlonged;
    }
    if constexpr (kOptions.dash_between_numbers) {
      // The '-' takes the place of the space, so there is room for it.
      if (after_space && end != begin && IsNumeral(end[-1]) && IsNumeral(c)) *end++ = U'-';
    }
    after_space = false;
    *end++ = c;
  }
  out.Truncate(static_cast<std::size_t>(end - begin));
  out.Terminate();
}

// ===========================================================================
// Names

void BuildNameKey(std::string_view text, CodePoints& key) {
  Fold<FoldOptions{.drop_spaces = true,
                   .drop_middle_dots = true,
                   .katakana = true,
                   .long_vowel_after_kana = true,
                   .standard_kanji = true}>(text, key);
}

// ===========================================================================
// Readings

// What KanaKey makes of each katakana U+30A0–U+30FF: the spellings that
// registries have used for the same sound become one.
constexpr auto kKanaMerge = [] {
  std::array<char16_t, 0x60> table{};
  for (char32_t c = 0x30A0; c < 0x3100; ++c)
    table[c - 0x30A0] = static_cast<char16_t>(c);
  const auto set = [&](char32_t from, char32_t to) {
    table[from - 0x30A0] = static_cast<char16_t>(to);
  };
  // Small kana → large: ァィゥェォ ッ ャュョ ヮ each sit one below their large kana.
  for (char32_t small :
       {0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE}) {
    set(small, small + 1);
  }
  set(0x30C2, 0x30B8);  // ヂ → ジ
  set(0x30C5, 0x30BA);  // ヅ → ズ
  set(0x30F4, 0x30D6);  // ヴ → ブ
  set(0x30F7, 0x30D0);  // ヷ → バ
  set(0x30F8, 0x30D3);  // ヸ → ビ
  set(0x30F9, 0x30D9);  // ヹ → ベ
  set(0x30FA, 0x30DC);  // ヺ → ボ
  set(0x30F0, 0x30A4);  // ヰ → イ
  set(0x30F1, 0x30A8);  // ヱ → エ
  set(0x30F2, 0x30AA);  // ヲ → オ
  set(0x30F5, 0x30AB);  // ヵ → カ
  set(0x30F6, 0x30B1);  // ヶ → ケ
  return table;
}();

constexpr char32_t MergeKana(char32_t c) {
  return c >= 0x30A0 && c < 0x3100 ? kKanaMerge[c - 0x30A0] : c;
}

// ァィゥェォ: after ヴ they spell one syllable of the バ row.
constexpr bool IsSmallVowel(char32_t c) {
  return c >= 0x30A1 && c <= 0x30A9 && c % 2 == 1;
}

// The key is built in place: it never has more code points than the text.
void BuildKanaKey(std::string_view text, CodePoints& v) {
  Fold<FoldOptions{.drop_spaces = true, .drop_middle_dots = true, .katakana = true}>(text, v);
  std::size_t out = 0;
  char32_t previous = 0;  // the last kana as written, which ヽ and ヾ repeat
  for (std::size_t i = 0; i < v.size(); ++i) {
    char32_t c = v[i];
    if (c >= 0x30A1 && c <= 0x30FA && c != U'ヴ') {  // a kana with nothing to look at
      previous = c;
      v[out++] = MergeKana(c);
      continue;
    }
    if (IsLongVowelLike(c)) {
      c = kProlonged;
    } else if ((c == U'ヽ' || c == U'ヾ') && previous != 0) {  // ミスヾ = ミスズ
      const char32_t plain = UnvoicedKatakana(previous);
      const char32_t voiced = VoicedKatakana(plain);
      c = c == U'ヾ' && voiced != 0 ? voiced : plain;
      previous = c;
    } else if (c == U'ヴ') {
      previous = c;
      if (IsSmallVowel(v[i + 1])) {  // ヴァ → バ … ヴォ → ボ
        c = U'バ' + 3 * ((v[i + 1] - U'ァ') / 2);
        ++i;
      }
    }
    v[out++] = MergeKana(c);
  }
  v.Truncate(out);
}

// ===========================================================================
// Addresses

// ケ ヶ ヵ が ガ: the possessive particle in place names (霞が関 / 霞ヶ関).
constexpr bool IsKeLike(char32_t c) {
  return c == U'ケ' || c == U'ヶ' || c == U'ヵ' || c == U'が' || c == U'ガ';
}
constexpr bool IsPlaceNameStart(char32_t c) {
  return IsKanji(c) || IsHiragana(c) || IsKatakana(c);
}

// Longer runs are not house numbers; the cap also keeps the value in range.
constexpr std::size_t kMaxNumeralRun = 8;

// The value of the kanji numeral run v[begin, end): positional when it has
// no 十百千 (一〇五 = 105), otherwise additive (二十三 = 23, 百五 = 105,
// 十一 = 11, 千二百 = 1200).
uint64_t KanjiNumberValue(const CodePoints& v, std::size_t begin, std::size_t end) {
  uint64_t total = 0;
  uint64_t pending = 0;  // digits since the last multiplier
  bool have_pending = false;
  for (std::size_t i = begin; i < end; ++i) {
    const auto value = static_cast<uint64_t>(KanjiNumeralValue(v[i]));
    if (value >= 10) {
      total += (have_pending ? pending : 1) * value;
      pending = 0;
      have_pending = false;
    } else {
      pending = pending * 10 + value;
      have_pending = true;
    }
  }
  return total + pending;
}

// Writes an address key. Whether 番 or ー is a separator depends on whether
// a number came before it, so the writer remembers what it wrote last. A
// separator is held back until the next digit: '-' only ever stands between
// two numbers, so "3号 霞ビル" and "3 霞ビル", or "1-2-3号" and "1-2-3", agree.
class AddressWriter {
 public:
  // Up to 4 code points per code point of the text: 千 → 1000.
  AddressWriter(const CodePoints& text, CodePoints& key) : key_(key) {
    key_.Reset(4 * text.size());
    if (text.unreadable()) key_.set_unreadable();
    end_ = key_.data();
  }

  void Put(char32_t c) {
    const bool digit = IsAsciiDigit(c);
    if (separator_ && digit) *end_++ = U'-';
    *end_++ = c;
    last_ = c;
    in_number_ = digit;
    separator_ = false;
  }
  void PutNumber(uint64_t n) {
    char digits[20];
    std::size_t len = 0;
    do {
      digits[len++] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n > 0);
    while (len > 0)
      Put(static_cast<char32_t>(digits[--len]));
  }
  // The end of a number (丁目, 番地, 番, 号, a dash, の); repeats collapse.
  void Separator() { separator_ = in_number_; }
  // After a number, or the separator that ended one.
  bool in_number() const { return in_number_; }
  bool after_separator() const { return separator_; }
  char32_t last() const { return last_; }

  void Finish() { key_.Truncate(static_cast<std::size_t>(end_ - key_.data())); }

 private:
  CodePoints& key_;
  char32_t* end_;
  char32_t last_ = 0;
  bool in_number_ = false;  // stays true across the separator that follows a number
  bool separator_ = false;  // pending
};

// The characters BuildAddressKey has a rule for. Most characters of an
// address have none; a 1024-bit filter on the low bits of the code point
// lets those through with one load (a hit only means "look closer").
constexpr char32_t kAddressRuleChars[] = {
    U'〇', U'一', U'二', U'三',  U'四',  U'五',  U'六',  U'七',  U'八',  U'九',  U'十',  U'百',
    U'千', U'丁', U'番', U'号',  U'の',  U'ノ',  U'大',  U'字',  U'ケ',  U'ヶ',  U'ヵ',  U'が',
    U'ガ', U'ー', U'-',  0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63,
};
constexpr auto kAddressRuleFilter = [] {
  std::array<uint64_t, 16> bits{};
  for (const char32_t c : kAddressRuleChars)
    bits[(c % 1024) / 64] |= uint64_t{1} << (c % 64);
  return bits;
}();
constexpr bool MayHaveAddressRule(char32_t c) {
  return (kAddressRuleFilter[(c % 1024) / 64] >> (c % 64)) & 1;
}
// The filter must pass every character the rules below test for.
constexpr bool AddressRuleFilterIsComplete() {
  const auto has_rule = [](char32_t c) {
    return IsKanjiNumeral(c) || IsDashLike(c) || IsKeLike(c) || c == U'の' || c == U'ノ' ||
           c == U'丁' || c == U'番' || c == U'号' || c == U'大' || c == U'字';
  };
  for (char32_t c = 0; c < 0x7800; c = c == 0x3100 ? 0x4E00 : c + 1) {
    if (has_rule(c) && !MayHaveAddressRule(c)) return false;
  }
  return has_rule(0xFE63) && MayHaveAddressRule(0xFE63);
}
static_assert(AddressRuleFilterIsComplete());

// Whether the kanji numeral run v[begin, end) is a number (see AddressKey in
// the header) rather than part of a place name.
bool IsNumeralRunANumber(const CodePoints& v, std::size_t begin, std::size_t end,
                         bool after_number_separator) {
  if (end - begin > kMaxNumeralRun) return false;
  if (end == v.size()) return true;
  const char32_t next = v[end];
  if (next == U'丁') return v[end + 1] == U'目';  // not 八丁堀
  if (next == U'番' || next == U'号' || next == U'条' || IsDashLike(next)) return true;
  if (next == U'の' || next == U'ノ') {  // 三の五 = 3-5, but 一の宮 is a place
    return IsNumeral(v[end + 1]);
  }
  return after_number_separator && !IsKanji(next);  // 2-三 コーポ
}

void BuildAddressKey(std::string_view text, CodePoints& key) {
  CodePoints v;
  Fold<FoldOptions{.drop_spaces = true, .dash_between_numbers = true, .standard_kanji = true}>(text,
                                                                                               v);
  AddressWriter w(v, key);
  const std::size_t n = v.size();
  for (std::size_t i = 0; i < n;) {
    const char32_t c = v[i];
    if (!MayHaveAddressRule(c)) {
      w.Put(c);
      ++i;
      continue;
    }
    if (IsKanjiNumeral(c)) {
      std::size_t end = i;
      while (end < n && IsKanjiNumeral(v[end]))
        ++end;
      if (IsNumeralRunANumber(v, i, end, w.in_number() && w.after_separator())) {
        w.PutNumber(KanjiNumberValue(v, i, end));
        i = end;
      } else {
        for (; i < end; ++i)
          w.Put(v[i]);
      }
      continue;
    }
    if (w.in_number()) {
      if ((c == U'丁' && v[i + 1] == U'目') || (c == U'番' && v[i + 1] == U'地')) {
        w.Separator();
        i += 2;
        continue;
      }
      if (c == U'番' || c == U'号' || IsDashLike(c) ||
          ((c == U'の' || c == U'ノ') && IsNumeral(v[i + 1]))) {
        w.Separator();
        ++i;
        continue;
      }
    }
    if (IsDashLike(c)) {  // not after a number: a long vowel after kana (コーポ), else a dash
      const bool after_kana = IsKatakana(w.last()) || IsHiragana(w.last());
      w.Put(c == kProlonged || after_kana ? kProlonged : U'-');
      ++i;
      continue;
    }
    if (IsKeLike(c) && i > 0 && IsKanji(v[i - 1]) && IsKanji(v[i + 1])) {
      w.Put(U'ケ');
      ++i;
      continue;
    }
    if (c == U'大' && v[i + 1] == U'字' && IsPlaceNameStart(v[i + 2])) {
      i += 2;
      continue;
    }
    if (c == U'字' && IsPlaceNameStart(v[i + 1])) {
      ++i;
      continue;
    }
    w.Put(c);
    ++i;
  }
  w.Finish();
}

// ===========================================================================
// Comparing keys

// Builds the second key only when the texts differ: identical texts are
// common (a form copied from the registry's own printout).
template <void (*kBuild)(std::string_view, CodePoints&)>
KeyComparison CompareKeys(std::string_view a, std::string_view b) {
  CodePoints ka;
  kBuild(a, ka);
  if (ka.empty()) return KeyComparison::kBlank;
  if (a == b) return ka.unreadable() ? KeyComparison::kUnreadable : KeyComparison::kEqual;
  CodePoints kb;
  kBuild(b, kb);
  if (kb.empty()) return KeyComparison::kBlank;
  if (ka.unreadable() || kb.unreadable()) return KeyComparison::kUnreadable;
  return std::equal(ka.begin(), ka.end(), kb.begin(), kb.end()) ? KeyComparison::kEqual
                                                                : KeyComparison::kDifferent;
}

}  // namespace

std::optional<std::string> ToFullWidthKatakana(std::string_view utf8) {
  CodePoints v;
  Fold<FoldOptions{.katakana = true}>(utf8, v);
  std::string out;
  Utf8Writer w(out, v.size());
  bool space = false;  // a space is pending: written only if a word follows
  for (const char32_t c : v) {
    if (c == U' ') {
      space = !w.empty();
      continue;
    }
    if (!IsKatakana(c) && c != kProlonged && c != kMiddleDot) return std::nullopt;
    if (space) w.Put(kIdeographicSpace);
    space = false;
    w.Put(c);
  }
  if (w.empty()) return std::nullopt;
  w.Finish();
  return out;
}

std::string TidyName(std::string_view utf8) {
  CodePoints v;
  Fold<FoldOptions{.ascii_from_full_width = false}>(utf8, v);
  std::string out;
  Utf8Writer w(out, v.size());
  bool space = false;
  for (char32_t c : v) {
    if (c == U' ') {
      space = !w.empty();
      continue;
    }
    if (space) w.Put(kIdeographicSpace);
    space = false;
    if (IsAsciiAlnum(c)) c += 0xFF01 - 0x21;
    w.Put(c);
  }
  w.Finish();
  return out;
}

std::string NameKey(std::string_view utf8) {
  CodePoints key;
  BuildNameKey(utf8, key);
  return ToUtf8(key);
}

std::string KanaKey(std::string_view utf8) {
  CodePoints key;
  BuildKanaKey(utf8, key);
  return ToUtf8(key);
}

std::string AddressKey(std::string_view utf8) {
  CodePoints key;
  BuildAddressKey(utf8, key);
  return ToUtf8(key);
}

KeyComparison CompareNameKeys(std::string_view a, std::string_view b) {
  return CompareKeys<BuildNameKey>(a, b);
}

KeyComparison CompareKanaKeys(std::string_view a, std::string_view b) {
  return CompareKeys<BuildKanaKey>(a, b);
}

KeyComparison CompareAddressKeys(std::string_view a, std::string_view b) {
  return CompareKeys<BuildAddressKey>(a, b);
}

}  // namespace onshi
