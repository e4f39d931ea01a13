// Tests for the identifier value types. "Doc §N" refers to
// /work/shared/docs/card-and-identifiers.md; "OQS §N" to oqs-interface.md.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/insured_card_id.hpp"
#include "core/insurer_number.hpp"
#include "core/local_government_code.hpp"
#include "core/medical_institution_code.hpp"
#include "core/my_number.hpp"

namespace onshi {
namespace {

// Succeeds if `result` is an error on `field` whose message contains `part`.
template <class T>
::testing::AssertionResult IsError(const Expected<T>& result, std::string_view field,
                                   std::string_view part) {
  if (result.ok()) return ::testing::AssertionFailure() << "expected an error, got a value";
  const Error& e = result.error();
  if (e.field != field) {
    return ::testing::AssertionFailure()
           << "field is \"" << e.field << "\", want \"" << field << "\" (" << e.ToString() << ")";
  }
  if (e.message.find(part) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message \"" << e.message << "\" lacks \"" << part << "\"";
  }
  return ::testing::AssertionSuccess();
}

template <class T>
::testing::AssertionResult IsOk(const Expected<T>& result) {
  if (result.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << result.error().ToString();
}

// ===========================================================================
// MyNumber — Doc §1

TEST(MyNumberTest, DocS1_WorkedExamplesAreValid) {
  for (std::string_view text : {"621498320257", "123456789018"}) {
    const auto n = MyNumber::Parse(text);
    ASSERT_TRUE(IsOk(n)) << text;
    EXPECT_EQ(n->digits_for_hashing(), text);
  }
}

TEST(MyNumberTest, DocS1_RemainderZeroOrOneGivesCheckDigitZero) {
  EXPECT_TRUE(IsOk(MyNumber::Parse("123456789000")));  // Σ mod 11 = 1
  EXPECT_TRUE(IsOk(MyNumber::Parse("123456789050")));  // Σ mod 11 = 0
  EXPECT_EQ(*MyNumber::ComputeCheckDigit("12345678900"), 0);
  EXPECT_EQ(*MyNumber::ComputeCheckDigit("12345678905"), 0);
}

TEST(MyNumberTest, DocS1_WrongCheckDigitNamesBothDigits) {
  EXPECT_TRUE(
      IsError(MyNumber::Parse("621498320258"), "my_number", "check digit is 8, expected 7"));
  EXPECT_TRUE(
      IsError(MyNumber::Parse("123456789010"), "my_number", "check digit is 0, expected 8"));
}

TEST(MyNumberTest, DocS1_AdjacentSwapIsCaught) {
  EXPECT_TRUE(
      IsError(MyNumber::Parse("261498320257"), "my_number", "check digit is 7, expected 0"));
}

TEST(MyNumberTest, WrongLength) {
  EXPECT_TRUE(IsError(MyNumber::Parse("62149832025"), "my_number", "must be 12 digits, got 11"));
  EXPECT_TRUE(IsError(MyNumber::Parse("6214983202570"), "my_number", "must be 12 digits, got 13"));
  EXPECT_TRUE(IsError(MyNumber::Parse(""), "my_number", "must be 12 digits, got 0"));
}

TEST(MyNumberTest, StrictParseRejectsSeparatorsAndFullWidth) {
  EXPECT_TRUE(
      IsError(MyNumber::Parse("6214a9832025"), "my_number", "contains a non-digit at position 5"));
  EXPECT_TRUE(IsError(MyNumber::Parse("6214 9832 0257"), "my_number",
                      "contains a non-digit at position 5"));
  EXPECT_TRUE(IsError(MyNumber::Parse("６２１４９８３２０２５７"), "my_number",
                      "contains a non-digit at position 1"));
}

TEST(MyNumberTest, ErrorsNeverEchoTheNumber) {
  const auto r = MyNumber::Parse("621498320258");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ToString().find("62149832025"), std::string::npos);
}

TEST(MyNumberTest, LenientAcceptsTypedForms) {
  const MyNumber want = *MyNumber::Parse("621498320257");
  for (std::string_view text : {
           "6214 9832 0257",                // python-stdnum format (Doc §1)
           "6214-9832-0257",                //
           "６２１４９８３２０２５７",      // full-width digits
           "６２１４　９８３２　０２５７",  // ideographic spaces
           "６２１４－９８３２－０２５７",  // U+FF0D
           "６２１４ー９８３２ー０２５７",  // IME '-' → U+30FC
           "6214\xE2\x88\x92"
           "9832\xE2\x80\x90"
           "0257",  // U+2212, U+2010
           " 621498320257 ",
       }) {
    const auto n = MyNumber::ParseLenient(text);
    ASSERT_TRUE(IsOk(n)) << text;
    EXPECT_EQ(*n, want) << text;
  }
}

TEST(MyNumberTest, LenientErrorsCountCharactersNotBytes) {
  // Four 3-byte full-width digits, then 'x': the fifth character.
  EXPECT_TRUE(IsError(MyNumber::ParseLenient("６２１４x９８３２０２５７"), "my_number",
                      "contains a non-digit at position 5"));
  EXPECT_TRUE(
      IsError(MyNumber::ParseLenient("6214 9832 025"), "my_number", "must be 12 digits, got 11"));
  EXPECT_TRUE(IsError(MyNumber::ParseLenient("6214 9832 0258"), "my_number",
                      "check digit is 8, expected 7"));
  EXPECT_TRUE(IsError(MyNumber::ParseLenient("6214_9832_0257"), "my_number", "position 5"));
}

TEST(MyNumberTest, ComputeCheckDigitValidatesItsInput) {
  EXPECT_EQ(*MyNumber::ComputeCheckDigit("62149832025"), 7);
  EXPECT_TRUE(
      IsError(MyNumber::ComputeCheckDigit("6214983202"), "my_number", "must be 11 digits, got 10"));
  EXPECT_TRUE(IsError(MyNumber::ComputeCheckDigit("6214983202x"), "my_number", "position 11"));
}

TEST(MyNumberTest, FromBaseMakesValidNumbers) {
  EXPECT_EQ(MyNumber::FromBase(62149832025).digits_for_hashing(), "621498320257");
  EXPECT_EQ(MyNumber::FromBase(12345678900).digits_for_hashing(), "123456789000");
  EXPECT_EQ(MyNumber::FromBase(0).digits_for_hashing(), "000000000000");
  EXPECT_EQ(MyNumber::FromBase(99999999999).digits_for_hashing(), "999999999996");
  // Every generated number must survive the strict parser.
  uint64_t base = 12345;
  for (int i = 0; i < 20000; ++i) {
    base = (base * 6364136223846793005ULL + 1442695040888963407ULL);
    const MyNumber n = MyNumber::FromBase((base >> 11) % 100'000'000'000ULL);
    const auto parsed = MyNumber::Parse(n.digits_for_hashing());
    ASSERT_TRUE(IsOk(parsed));
    ASSERT_EQ(*parsed, n);
  }
}

TEST(MyNumberTest, MaskedShowsOnlyLastFourDigits) {
  EXPECT_EQ(MyNumber::Parse("621498320257")->Masked(), "********0257");
}

TEST(MyNumberTest, EqualityAndHash) {
  std::unordered_set<MyNumber> set;
  set.insert(*MyNumber::Parse("621498320257"));
  set.insert(MyNumber::FromBase(62149832025));
  set.insert(*MyNumber::Parse("123456789018"));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_LT(*MyNumber::Parse("123456789018"), *MyNumber::Parse("621498320257"));
}

// ===========================================================================
// LuhnCheckDigit — Doc §2 "検証番号 algorithm"

TEST(LuhnTest, MatchesTheStandardLuhnExample) {
  EXPECT_EQ(LuhnCheckDigit("7992739871"), 3);  // 79927398713, the textbook case
  EXPECT_EQ(LuhnCheckDigit(""), 0);
}

TEST(LuhnTest, DocS2_WorkedSums) {
  EXPECT_EQ(LuhnCheckDigit("3312001"), 5);  // sum 15
  EXPECT_EQ(LuhnCheckDigit("0104001"), 3);  // sum 7
  EXPECT_EQ(LuhnCheckDigit("5401602"), 7);  // sum 13
  EXPECT_EQ(LuhnCheckDigit("13805"), 7);    // sum 13
}

// ===========================================================================
// InsurerNumber — Doc §2, OQS §2

TEST(InsurerNumberTest, DocS2_ChibaPoliceMutualAid) {
  const auto n = InsurerNumber::Parse("33120015");
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(n->kind(), InsurerNumber::Kind::kEightDigit);
  EXPECT_EQ(n->law_code(), 33);
  EXPECT_EQ(n->category(), InsurerCategory::kMutualAid);
  EXPECT_EQ(n->law_code_info()->name, "警察共済組合");
  EXPECT_EQ(n->prefecture(), 12);
  EXPECT_EQ(n->digits(), "33120015");
  EXPECT_EQ(n->ToWire(), "33120015");
  EXPECT_EQ(n->ToWireSpacePadded(), "33120015");
}

TEST(InsurerNumberTest, DocS2_KyokaiKenpoMiyagiPublishedNumber) {
  const auto n = InsurerNumber::Parse("01040013");
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(n->law_code(), 1);
  EXPECT_EQ(n->category(), InsurerCategory::kKyokaiKenpo);
  EXPECT_EQ(InsurerCategoryName(n->category()), "協会けんぽ");
  EXPECT_EQ(n->prefecture(), 4);
}

TEST(InsurerNumberTest, DocS2_Kokuho6Digits) {
  const auto n = InsurerNumber::Parse("138057");
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(n->kind(), InsurerNumber::Kind::kKokuho);
  EXPECT_EQ(n->law_code(), std::nullopt);
  EXPECT_FALSE(n->law_code_info().has_value());
  EXPECT_EQ(n->category(), InsurerCategory::kNationalHealthInsurance);
  EXPECT_EQ(n->prefecture(), 13);
  EXPECT_EQ(n->digits(), "138057");
  EXPECT_EQ(n->ToWire(), "00138057");
  EXPECT_EQ(n->ToWireSpacePadded(), "  138057");
}

TEST(InsurerNumberTest, DocS2_Kokuho138058IsInvalid) {
  EXPECT_TRUE(IsError(InsurerNumber::Parse("138058"), "insurer_number",
                      "check digit (検証番号) is 8, expected 7"));
}

TEST(InsurerNumberTest, OqsS2_PaddedWireFormsEqualTheSixDigitNumber) {
  const InsurerNumber bare = *InsurerNumber::Parse("138057");
  const auto zero = InsurerNumber::Parse("00138057");
  const auto space = InsurerNumber::Parse("  138057");
  ASSERT_TRUE(IsOk(zero));
  ASSERT_TRUE(IsOk(space));
  EXPECT_EQ(*zero, bare);
  EXPECT_EQ(*space, bare);
  EXPECT_EQ(zero->kind(), InsurerNumber::Kind::kKokuho);
  EXPECT_EQ(std::hash<InsurerNumber>{}(*space), std::hash<InsurerNumber>{}(bare));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("00138058"), "insurer_number", "expected 7"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("  138058"), "insurer_number", "expected 7"));
}

TEST(InsurerNumberTest, OqsS2_OtherPaddingIsRejected) {
  EXPECT_TRUE(IsError(InsurerNumber::Parse(" 0138057"), "insurer_number",
                      "contains a non-digit at position 1"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("138057  "), "insurer_number",
                      "contains a non-digit at position 7"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse(" 138057"), "insurer_number", "position 1"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("   138057"), "insurer_number", "position 1"));
}

TEST(InsurerNumberTest, OqsS4_InventedExampleNumbersFailTheCheckDigit) {
  // The reconstructed example messages use numbers that are not check-digit
  // valid; a real server would reject them. 06139992 is the valid neighbour.
  EXPECT_TRUE(IsError(InsurerNumber::Parse("06139999"), "insurer_number",
                      "check digit (検証番号) is 9, expected 2"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("39139999"), "insurer_number", "expected 3"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("  138999"), "insurer_number", "expected 0"));
  EXPECT_TRUE(IsOk(InsurerNumber::Parse("06139992")));
}

TEST(InsurerNumberTest, WrongLengthOrNonDigit) {
  EXPECT_TRUE(IsError(InsurerNumber::Parse("0613999"), "insurer_number",
                      "must be 8 digits (or 6 for 国保), got 7"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("061300170"), "insurer_number", "got 9"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse(""), "insurer_number", "got 0"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("0613a017"), "insurer_number",
                      "contains a non-digit at position 5"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("０６１３００１７"), "insurer_number", "position 1"));
}

TEST(InsurerNumberTest, DocS2_UnknownLawCodeIsAnError) {
  // Check digits below are correct, so only the named rule can fail.
  EXPECT_TRUE(IsError(InsurerNumber::Parse("05130018"), "insurer_number",
                      "unknown law code (法別番号) 05"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("54016027"), "insurer_number",
                      "law code (法別番号) 54 is a 公費 (public expense) programme"));
}

TEST(InsurerNumberTest, DocS2_PrefectureMustBe01To47) {
  EXPECT_TRUE(IsError(InsurerNumber::Parse("06000012"), "insurer_number",
                      "prefecture (都道府県番号) must be 01-47, got 00"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("06480016"), "insurer_number",
                      "prefecture (都道府県番号) must be 01-47, got 48"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("480012"), "insurer_number", "got 48"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("001230"), "insurer_number", "got 00"));
  EXPECT_TRUE(IsError(InsurerNumber::Parse("00001230"), "insurer_number", "got 00"));
}

TEST(InsurerNumberTest, DocS2_LawCodeTable) {
  EXPECT_EQ(InsurerNumber::Parse("39130018")->category(), InsurerCategory::kLateStageElderly);
  EXPECT_EQ(InsurerNumber::Parse("06130017")->category(), InsurerCategory::kHealthInsuranceSociety);
  for (int code : {3, 4})
    EXPECT_EQ(FindInsurerLawCode(code)->category, InsurerCategory::kDayLaborer);
  for (int code : {31, 32, 33, 34}) {
    EXPECT_EQ(FindInsurerLawCode(code)->category, InsurerCategory::kMutualAid);
  }
  for (int code : {63, 72, 73, 74, 75}) {
    EXPECT_EQ(FindInsurerLawCode(code)->category, InsurerCategory::kSpecialRetiree);
  }
  EXPECT_EQ(FindInsurerLawCode(2)->category, InsurerCategory::kSeamen);
  EXPECT_EQ(FindInsurerLawCode(7)->category, InsurerCategory::kSelfDefenseForces);
  EXPECT_EQ(FindInsurerLawCode(67)->category, InsurerCategory::kRetireeMedical);
  for (int code : {0, 5, 8, 12, 54, 99})
    EXPECT_FALSE(FindInsurerLawCode(code)) << code;
  // Insurer and 公費 codes are disjoint.
  for (int code = 0; code < 100; ++code) {
    EXPECT_FALSE(FindInsurerLawCode(code) && FindPublicExpenseLawCode(code)) << code;
  }
}

TEST(InsurerNumberTest, ComputeCheckDigitAndFromBody) {
  EXPECT_EQ(*InsurerNumber::ComputeCheckDigit("3312001"), 5);
  EXPECT_EQ(*InsurerNumber::ComputeCheckDigit("13805"), 7);
  EXPECT_TRUE(IsError(InsurerNumber::ComputeCheckDigit("061300"), "insurer_number",
                      "body must be 7 or 5 digits, got 6"));
  EXPECT_EQ(InsurerNumber::FromBody("0613001")->digits(), "06130017");
  EXPECT_EQ(InsurerNumber::FromBody("13805")->digits(), "138057");
  EXPECT_TRUE(IsError(InsurerNumber::FromBody("0513001"), "insurer_number", "unknown law code"));
  EXPECT_TRUE(IsError(InsurerNumber::FromBody("06x3001"), "insurer_number", "position 3"));
}

// ===========================================================================
// PublicExpensePayerNumber — Doc §2

TEST(PublicExpensePayerNumberTest, DocS2_NanbyoExample) {
  const auto n = PublicExpensePayerNumber::Parse("54016027");
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(n->law_code(), 54);
  EXPECT_EQ(n->prefecture(), 1);
  EXPECT_EQ(n->law_code_info().name, "難病法 特定医療");
  EXPECT_FALSE(n->law_code_info().local);
  EXPECT_TRUE(IsError(PublicExpensePayerNumber::Parse("54016028"), "public_expense_payer_number",
                      "check digit (検証番号) is 8, expected 7"));
}

TEST(PublicExpensePayerNumberTest, DocS2_OwnLawCodeRange) {
  EXPECT_TRUE(IsOk(PublicExpensePayerNumber::Parse("12130019")));  // 生活保護
  const auto local = PublicExpensePayerNumber::Parse("88130018");
  ASSERT_TRUE(IsOk(local));
  EXPECT_TRUE(local->law_code_info().local);
  EXPECT_TRUE(IsError(PublicExpensePayerNumber::Parse("01040013"), "public_expense_payer_number",
                      "law code (法別番号) 01 belongs to an insurer"));
  EXPECT_TRUE(IsError(PublicExpensePayerNumber::Parse("05130018"), "public_expense_payer_number",
                      "unknown law code (法別番号) 05"));
}

TEST(PublicExpensePayerNumberTest, FormatErrors) {
  EXPECT_TRUE(IsError(PublicExpensePayerNumber::Parse("138057"), "public_expense_payer_number",
                      "must be 8 digits, got 6"));
  EXPECT_TRUE(IsError(PublicExpensePayerNumber::Parse("  138057"), "public_expense_payer_number",
                      "position 1"));
  EXPECT_TRUE(IsError(PublicExpensePayerNumber::Parse("54480010"), "public_expense_payer_number",
                      "got 48"));
  EXPECT_EQ(PublicExpensePayerNumber::FromBody("5401602")->digits(), "54016027");
  EXPECT_EQ(*PublicExpensePayerNumber::ComputeCheckDigit("5401602"), 7);
  EXPECT_TRUE(IsError(PublicExpensePayerNumber::ComputeCheckDigit("54016"),
                      "public_expense_payer_number", "body must be 7 digits, got 5"));
}

// ===========================================================================
// InsuredCardId — Doc §2 "記号・番号・枝番", OQS §2

TEST(InsuredCardIdTest, OqsS2_AllThreeFields) {
  const auto id = InsuredCardId::Parse("12-34", "567", "01");
  ASSERT_TRUE(IsOk(id));
  EXPECT_EQ(id->symbol(), "12-34");
  EXPECT_EQ(id->number(), "567");
  EXPECT_EQ(id->branch(), "01");
}

TEST(InsuredCardIdTest, DocS2_SymbolAndBranchAreOptional) {
  const auto id = InsuredCardId::Parse("", "00012345", "");
  ASSERT_TRUE(IsOk(id));
  EXPECT_FALSE(id->symbol().has_value());
  EXPECT_EQ(id->number(), "00012345");  // leading zeros kept
  EXPECT_FALSE(id->branch().has_value());
  EXPECT_FALSE(InsuredCardId::Parse("  ", "1", "　")->symbol().has_value());
}

TEST(InsuredCardIdTest, FullWidthAsciiAndOuterSpacesNormalise) {
  const InsuredCardId want = *InsuredCardId::Parse("12-34", "567", "01");
  const auto wide = InsuredCardId::Parse("１２－３４", "５６７", "０１");
  const auto padded = InsuredCardId::Parse("  12-34 ", "　567　", " 01 ");
  ASSERT_TRUE(IsOk(wide));
  ASSERT_TRUE(IsOk(padded));
  EXPECT_EQ(*wide, want);
  EXPECT_EQ(*padded, want);
  EXPECT_EQ(std::hash<InsuredCardId>{}(*wide), std::hash<InsuredCardId>{}(want));
  EXPECT_EQ(InsuredCardId::Normalize("ＡＢｃ！～　"), "ABc!~");
}

TEST(InsuredCardIdTest, KanaAndKanjiSymbolsAreKeptAsPrinted) {
  EXPECT_EQ(InsuredCardId::Parse("ｱ", "1", "")->symbol(), "ｱ");  // OQS §4 sample
  EXPECT_EQ(InsuredCardId::Parse("東京 あ", "1", "")->symbol(), "東京 あ");
  // Half-width katakana is deliberately not widened.
  EXPECT_NE(*InsuredCardId::Parse("ｱ", "1", ""), *InsuredCardId::Parse("ア", "1", ""));
}

TEST(InsuredCardIdTest, AbsentFieldsDifferFromPresentOnes) {
  EXPECT_NE(*InsuredCardId::Parse("", "567", "01"), *InsuredCardId::Parse("", "567", ""));
  EXPECT_NE(*InsuredCardId::Parse("01", "567", ""), *InsuredCardId::Parse("", "567", "01"));
}

TEST(InsuredCardIdTest, DocS2_BranchMustBeExactlyTwoDigits) {
  const std::string_view f = InsuredCardId::kBranchField;
  EXPECT_TRUE(IsError(InsuredCardId::Parse("", "567", "1"), f, "must be 2 digits, got 1"));
  EXPECT_TRUE(IsError(InsuredCardId::Parse("", "567", "001"), f, "must be 2 digits, got 3"));
  EXPECT_TRUE(
      IsError(InsuredCardId::Parse("", "567", "0a"), f, "contains a non-digit at position 2"));
  EXPECT_TRUE(IsError(InsuredCardId::Parse("", "567", "-1"), f, "position 1"));
  EXPECT_TRUE(IsError(InsuredCardId::Parse("", "567", "ア1"), f, "position 1"));
}

TEST(InsuredCardIdTest, NumberIsRequiredAndLimited) {
  const std::string_view f = InsuredCardId::kNumberField;
  EXPECT_TRUE(IsError(InsuredCardId::Parse("12", "", "01"), f, "is required"));
  EXPECT_TRUE(IsError(InsuredCardId::Parse("12", " 　 ", "01"), f, "is required"));
  EXPECT_TRUE(IsOk(InsuredCardId::Parse("", std::string(20, '9'), "")));
  EXPECT_TRUE(IsError(InsuredCardId::Parse("", std::string(21, '9'), ""), f,
                      "must be at most 20 characters, got 21"));
  std::string kanji20;
  for (int i = 0; i < 20; ++i)
    kanji20 += "番";
  EXPECT_TRUE(IsOk(InsuredCardId::Parse("", kanji20, "")));  // counts characters
}

TEST(InsuredCardIdTest, SymbolIsLimitedTo38Bytes) {
  const std::string_view f = InsuredCardId::kSymbolField;
  EXPECT_TRUE(IsOk(InsuredCardId::Parse(std::string(38, '1'), "1", "")));
  EXPECT_TRUE(IsError(InsuredCardId::Parse(std::string(39, '1'), "1", ""), f,
                      "must be at most 38 bytes of UTF-8 (12 kanji), got 39"));
  std::string kanji;
  for (int i = 0; i < 12; ++i)
    kanji += "記";
  EXPECT_TRUE(IsOk(InsuredCardId::Parse(kanji, "1", "")));
  EXPECT_TRUE(IsError(InsuredCardId::Parse(kanji + "記", "1", ""), f, "got 39"));
  // Full-width input is measured after normalisation: 38 full-width digits
  // are 114 bytes raw but 38 once half-width.
  std::string wide;
  for (int i = 0; i < 38; ++i)
    wide += "１";
  EXPECT_TRUE(IsOk(InsuredCardId::Parse(wide, "1", "")));
}

TEST(InsuredCardIdTest, ControlCharactersAndBadUtf8AreRejected) {
  EXPECT_TRUE(IsError(InsuredCardId::Parse("12\t34", "1", ""), InsuredCardId::kSymbolField,
                      "contains a control character at position 3"));
  EXPECT_TRUE(IsError(InsuredCardId::Parse("", "12\n", ""), InsuredCardId::kNumberField,
                      "control character at position 3"));
  EXPECT_TRUE(IsError(InsuredCardId::Parse("ア\xFF", "1", ""), InsuredCardId::kSymbolField,
                      "is not valid UTF-8 at position 2"));
  EXPECT_TRUE(IsError(InsuredCardId::Parse("", "\xC0\xAF", ""), InsuredCardId::kNumberField,
                      "not valid UTF-8"));  // overlong '/'
  EXPECT_TRUE(IsError(InsuredCardId::Parse("", "1", "\xE3\x80"), InsuredCardId::kBranchField,
                      "not valid UTF-8"));  // truncated
}

TEST(InsuredCardIdTest, DocS2_MaskedHidesProtectedNumbers) {
  EXPECT_EQ(InsuredCardId::Parse("12-34", "00012345", "01")->Masked(),
            "symbol=***** number=******45 branch=01");
  EXPECT_EQ(InsuredCardId::Parse("", "00012345", "")->Masked(), "number=******45");
  EXPECT_EQ(InsuredCardId::Parse("", "567", "")->Masked(), "number=***");  // too short to show
  EXPECT_EQ(InsuredCardId::Parse("東京", "番号１２３４", "")->Masked(), "symbol=** number=****34");
}

// ===========================================================================
// MedicalInstitutionCode — OQS §2 (MessageHeader/MedicalInstitutionCode)

TEST(MedicalInstitutionCodeTest, PublishedCodesValidate) {
  // ja.wikipedia 処方箋発行医療機関コード example.
  const auto a = MedicalInstitutionCode::Parse("0110113719");
  ASSERT_TRUE(IsOk(a));
  EXPECT_EQ(a->prefecture(), 1);
  EXPECT_EQ(a->facility_type(), FacilityType::kMedical);
  EXPECT_EQ(a->district(), 1);  // 01 1 01-1371-9
  EXPECT_EQ(a->institution_number(), "0113719");
  // 徳島大学病院, 80-1001-5 in the 全医療機関一覧表.
  const auto b = MedicalInstitutionCode::Parse("3618010015");
  ASSERT_TRUE(IsOk(b));
  EXPECT_EQ(b->prefecture(), 36);
  EXPECT_EQ(b->district(), 80);
  EXPECT_TRUE(IsOk(MedicalInstitutionCode::Parse("2714206386")));
}

TEST(MedicalInstitutionCodeTest, CheckCoversPrefectureAndFeeScheduleToo) {
  // 2 is what Luhn over only 郡市区+機関 (011371) would give: rejected.
  EXPECT_TRUE(IsError(MedicalInstitutionCode::Parse("0110113712"), "medical_institution_code",
                      "check digit (検証番号) is 2, expected 9"));
  EXPECT_TRUE(IsError(MedicalInstitutionCode::Parse("0110113718"), "medical_institution_code",
                      "check digit (検証番号) is 8, expected 9"));
}

TEST(MedicalInstitutionCodeTest, FacilityTypes) {
  EXPECT_EQ(MedicalInstitutionCode::Parse("1310010010")->facility_type(), FacilityType::kMedical);
  EXPECT_EQ(MedicalInstitutionCode::Parse("1330010016")->facility_type(), FacilityType::kDental);
  EXPECT_EQ(MedicalInstitutionCode::Parse("1340010014")->facility_type(), FacilityType::kPharmacy);
  EXPECT_EQ(MedicalInstitutionCode::Parse("1360010019")->facility_type(),
            FacilityType::kHomeVisitNursing);
  EXPECT_EQ(FacilityTypeName(FacilityType::kPharmacy), "薬局");
  EXPECT_TRUE(IsError(MedicalInstitutionCode::Parse("1320010018"), "medical_institution_code",
                      "fee schedule (点数表番号) must be 1, 3, 4 or 6, got 2"));
}

TEST(MedicalInstitutionCodeTest, FormatErrors) {
  const std::string_view f = MedicalInstitutionCode::kField;
  EXPECT_TRUE(IsError(MedicalInstitutionCode::Parse("011011371"), f, "must be 10 digits, got 9"));
  EXPECT_TRUE(IsError(MedicalInstitutionCode::Parse("01101137190"), f, "got 11"));
  EXPECT_TRUE(IsError(MedicalInstitutionCode::Parse("01101-3719"), f,
                      "contains a non-digit at position 6"));
  EXPECT_TRUE(IsError(MedicalInstitutionCode::Parse("0010113710"), f,
                      "prefecture (都道府県番号) must be 01-47, got 00"));
  EXPECT_TRUE(IsError(MedicalInstitutionCode::Parse("4810113714"), f, "got 48"));
}

TEST(MedicalInstitutionCodeTest, ComputeCheckDigitAndFromBody) {
  EXPECT_EQ(*MedicalInstitutionCode::ComputeCheckDigit("361801001"), 5);
  EXPECT_EQ(MedicalInstitutionCode::FromBody("011011371")->digits(), "0110113719");
  EXPECT_TRUE(IsError(MedicalInstitutionCode::FromBody("0110113719"), "medical_institution_code",
                      "body must be 9 digits, got 10"));
  EXPECT_TRUE(IsError(MedicalInstitutionCode::FromBody("132001001"), "medical_institution_code",
                      "点数表番号"));
  std::unordered_set<MedicalInstitutionCode> set{*MedicalInstitutionCode::Parse("0110113719"),
                                                 *MedicalInstitutionCode::FromBody("011011371")};
  EXPECT_EQ(set.size(), 1u);
}

// ===========================================================================
// LocalGovernmentCode (地方公共団体コード): the municipality a resident belongs
// to and a municipal window's certificate names (issue 15).

TEST(LocalGovernmentCodeTest, PublishedCodesValidate) {
  // 千代田区, 港区, 新宿区 (remainder 0 → 11 → 1), 札幌市, 那覇市.
  for (const char* code : {"131016", "131032", "131041", "011002", "472018"}) {
    EXPECT_TRUE(IsOk(LocalGovernmentCode::Parse(code))) << code;
  }
  EXPECT_EQ(LocalGovernmentCode::Parse("131016")->prefecture(), 13);
  EXPECT_EQ(LocalGovernmentCode::FromBody("13103")->digits(), "131032");
}

TEST(LocalGovernmentCodeTest, WrongCheckDigitLengthOrPrefectureIsRefused) {
  EXPECT_TRUE(IsError(LocalGovernmentCode::Parse("131017"), "municipality", "検査数字"));
  EXPECT_TRUE(IsError(LocalGovernmentCode::Parse("13101"), "municipality", "6 ASCII digits"));
  EXPECT_TRUE(IsError(LocalGovernmentCode::Parse("１３１０１６"), "municipality", "6 ASCII"));
  EXPECT_TRUE(IsError(LocalGovernmentCode::Parse("000000"), "municipality", "01–47"));
  EXPECT_TRUE(IsError(LocalGovernmentCode::Parse("481003"), "municipality", "01–47"));
  EXPECT_FALSE(LocalGovernmentCode::FromBody("1310").ok());
}

}  // namespace
}  // namespace onshi
