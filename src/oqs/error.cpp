#include "oqs/error.hpp"

#include <array>

namespace onshi::oqs {
namespace {

// Indexed by ErrorCode; the static_assert below and DescribeErrorCode's
// assertion keep the order honest. Mirror any change in docs/oqs-error-codes.md.
constexpr std::array kTable = {
    ErrorCodeInfo{ErrorCode::kNotJson, "ONS-E0101", 400, "要求電文がJSONとして解析できません",
                  "request is not valid JSON"},
    ErrorCodeInfo{ErrorCode::kNotXml, "ONS-E0102", 400, "要求電文がXMLとして解析できません",
                  "request is not well-formed XML"},
    ErrorCodeInfo{ErrorCode::kBadEncoding, "ONS-E0103", 400, "要求電文の文字コードが不正です",
                  "unsupported encoding or invalid byte sequence"},
    ErrorCodeInfo{ErrorCode::kWrongRoot, "ONS-E0104", 400, "ルート要素がXmlMsgではありません",
                  "root element is not XmlMsg"},
    ErrorCodeInfo{ErrorCode::kMissingGroup, "ONS-E0105", 400, "必須の要素グループがありません",
                  "required element group missing"},
    ErrorCodeInfo{ErrorCode::kNotAString, "ONS-E0106", 400, "項目の値が文字列ではありません",
                  "value is not a string"},
    ErrorCodeInfo{ErrorCode::kDuplicateElement, "ONS-E0107", 400, "項目が重複しています",
                  "element repeated"},
    ErrorCodeInfo{ErrorCode::kUnsupportedKind, "ONS-E0108", 400, "この要求種別には対応していません",
                  "request kind not answered"},
    ErrorCodeInfo{ErrorCode::kConfirmationDateMissing, "ONS-E0201", 400,
                  "資格確認日が設定されていません", "QualificationConfirmationDate missing"},
    ErrorCodeInfo{ErrorCode::kConfirmationDateInvalid, "ONS-E0202", 400, "資格確認日が不正です",
                  "QualificationConfirmationDate invalid"},
    ErrorCodeInfo{ErrorCode::kInstitutionCodeMissing, "ONS-E0203", 400,
                  "医療機関コードが設定されていません", "MedicalInstitutionCode missing"},
    ErrorCodeInfo{ErrorCode::kInstitutionCodeInvalid, "ONS-E0204", 400, "医療機関コードが不正です",
                  "MedicalInstitutionCode invalid"},
    ErrorCodeInfo{ErrorCode::kArbitraryFileIdentifierInvalid, "ONS-E0205", 400,
                  "任意のファイル識別子が不正です", "ArbitraryFileIdentifier invalid"},
    ErrorCodeInfo{ErrorCode::kCharacterCodeInvalid, "ONS-E0206", 400, "文字コード識別が不正です",
                  "CharacterCodeIdentifier invalid"},
    ErrorCodeInfo{ErrorCode::kInsurerNumberMissing, "ONS-E0301", 400,
                  "保険者番号が設定されていません", "InsurerNumber missing"},
    ErrorCodeInfo{ErrorCode::kInsurerNumberFormat, "ONS-E0302", 400,
                  "保険者番号の桁数または文字が不正です",
                  "InsurerNumber has a bad length or character"},
    ErrorCodeInfo{ErrorCode::kInsurerNumberCheckDigit, "ONS-E0303", 400,
                  "保険者番号の検証番号が一致しません", "InsurerNumber check digit mismatch"},
    ErrorCodeInfo{ErrorCode::kInsurerNumberUnknown, "ONS-E0304", 400,
                  "保険者番号の法別番号または都道府県番号が不正です",
                  "InsurerNumber law code or prefecture unknown"},
    ErrorCodeInfo{ErrorCode::kSymbolInvalid, "ONS-E0305", 400, "被保険者証記号が不正です",
                  "InsuredCardSymbol invalid"},
    ErrorCodeInfo{ErrorCode::kNumberMissing, "ONS-E0306", 400, "被保険者証番号が設定されていません",
                  "InsuredIdentificationNumber missing"},
    ErrorCodeInfo{ErrorCode::kNumberInvalid, "ONS-E0307", 400, "被保険者証番号が不正です",
                  "InsuredIdentificationNumber invalid"},
    ErrorCodeInfo{ErrorCode::kBranchInvalid, "ONS-E0308", 400, "被保険者証枝番が不正です",
                  "InsuredBranchNumber invalid"},
    ErrorCodeInfo{ErrorCode::kBirthdateMissing, "ONS-E0309", 400, "生年月日が設定されていません",
                  "Birthdate missing"},
    ErrorCodeInfo{ErrorCode::kBirthdateInvalid, "ONS-E0310", 400, "生年月日が不正です",
                  "Birthdate invalid"},
    ErrorCodeInfo{ErrorCode::kBirthdateAfterConfirmation, "ONS-E0311", 400,
                  "生年月日が資格確認日より後です",
                  "Birthdate after QualificationConfirmationDate"},
    ErrorCodeInfo{ErrorCode::kConsentFlagMissing, "ONS-E0312", 400,
                  "限度額適用認定証提供同意フラグが設定されていません",
                  "LimitApplicationCertificateRelatedConsFlg missing"},
    ErrorCodeInfo{ErrorCode::kConsentFlagInvalid, "ONS-E0313", 400,
                  "限度額適用認定証提供同意フラグが不正です",
                  "LimitApplicationCertificateRelatedConsFlg invalid"},
    ErrorCodeInfo{ErrorCode::kArbitraryIdentifierInvalid, "ONS-E0314", 400,
                  "任意の識別子が不正です", "ArbitraryIdentifier invalid"},
    ErrorCodeInfo{ErrorCode::kUnknownFacility, "ONS-E0901", 403,
                  "医療機関コードが登録されていません", "unknown facility"},
    ErrorCodeInfo{ErrorCode::kUnauthenticated, "ONS-E0902", 401,
                  "認証トークンがないか、期限切れまたは無効です",
                  "token missing, expired or invalid"},
    ErrorCodeInfo{ErrorCode::kFacilityMismatch, "ONS-E0903", 403,
                  "認証された医療機関と医療機関コードが一致しません",
                  "token was issued to another facility"},
    ErrorCodeInfo{ErrorCode::kRequestTooLarge, "ONS-E0904", 413, "要求電文が大きすぎます",
                  "request too large"},
    ErrorCodeInfo{ErrorCode::kUnsupportedMediaType, "ONS-E0905", 415,
                  "要求電文の形式に対応していません", "unsupported Content-Type"},
    ErrorCodeInfo{ErrorCode::kServerBusy, "ONS-E0906", 503,
                  "混雑のため処理できません。時間をおいて再度照会してください", "server busy"},
    ErrorCodeInfo{ErrorCode::kInternalError, "ONS-E0907", 500, "システムエラーが発生しました",
                  "internal error"},
    ErrorCodeInfo{ErrorCode::kDatabaseUnavailable, "ONS-E0908", 503,
                  "資格情報を照会できません。時間をおいて再度照会してください",
                  "eligibility database unavailable"},
    ErrorCodeInfo{ErrorCode::kBulkTooLarge, "ONS-E0109", 413,
                  "一括照会の件数が上限を超えています。分けて送信してください",
                  "too many persons in one bulk request"},
    ErrorCodeInfo{ErrorCode::kBulkEmpty, "ONS-E0110", 400, "一括照会に照会対象がありません",
                  "bulk request without any person"},
    ErrorCodeInfo{ErrorCode::kReceptionNumberMissing, "ONS-E0207", 400,
                  "受付番号が設定されていません", "ReceptionNumber missing"},
    ErrorCodeInfo{ErrorCode::kReceptionNumberUnknown, "ONS-E0208", 404,
                  "受付番号に該当する一括照会がありません", "no bulk request under this number"},
    ErrorCodeInfo{ErrorCode::kReferenceNumberInvalid, "ONS-E0315", 400, "照会番号が不正です",
                  "ReferenceNumber invalid"},
    ErrorCodeInfo{ErrorCode::kBulkBacklog, "ONS-E0909", 429,
                  "処理中の一括照会が多すぎます。結果を取得してから送信してください",
                  "too many unfinished bulk requests"},
    ErrorCodeInfo{ErrorCode::kCentralUnreachable, "ONS-E0910", 503,
                  "オンライン資格確認システムに接続できません",
                  "the central service cannot be reached"},
};
static_assert(kTable.size() == static_cast<std::size_t>(ErrorCode::kCentralUnreachable) + 1);

}  // namespace

const ErrorCodeInfo& DescribeErrorCode(ErrorCode code) {
  const ErrorCodeInfo& info = kTable[static_cast<std::size_t>(code)];
  assert(info.code == code);
  return info;
}

std::string OqsError::Message() const {
  const ErrorCodeInfo& info = DescribeErrorCode(code);
  std::string out(info.title);
  out += " (";
  if (!element.empty()) {
    out += element;
    out += ": ";
  }
  out += detail.empty() ? info.english : std::string_view(detail);
  out += ')';
  return out;
}

}  // namespace onshi::oqs
