#include "serving/person_codec.hpp"

#include <stdexcept>

#include "serving/varint.hpp"

namespace onshi::serving {
namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";  // U+3000, 全角空白

// --- texts ---------------------------------------------------------------------

// 番号, 枝番: up to 18 ASCII digits become (length, value) so that leading
// zeros survive; anything else is kept as bytes.
void PutDigits(std::string& out, std::string_view s) {
  bool digits = !s.empty() && s.size() <= 18;
  for (char c : s)
    digits = digits && c >= '0' && c <= '9';
  if (!digits) {
    AppendVarint(out, s.size() * 2 + 1);
    out.append(s);
    return;
  }
  uint64_t v = 0;
  for (char c : s)
    v = v * 10 + static_cast<uint64_t>(c - '0');
  AppendVarint(out, s.size() * 2);
  AppendVarint(out, v);
}

std::string GetDigits(const uint8_t*& in) {
  const uint64_t head = ReadVarint(in);
  const size_t len = static_cast<size_t>(head >> 1);
  if (head & 1) {
    std::string s(reinterpret_cast<const char*>(in), len);
    in += len;
    return s;
  }
  uint64_t v = ReadVarint(in);
  std::string s(len, '0');
  for (size_t i = len; i-- > 0;) {
    s[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return s;
}

// A name as two pool ids: the part before the first full-width space and
// the part after it (+1; 0 = there was no space). Family and given names
// repeat across people far more than whole names do.
void PutName(std::string& out, std::string_view name, StringPool& pool) {
  const size_t sp = name.find(kIdeographicSpace);
  if (sp == std::string_view::npos) {
    AppendVarint(out, pool.Intern(name));
    AppendVarint(out, 0);
    return;
  }
  AppendVarint(out, pool.Intern(name.substr(0, sp)));
  AppendVarint(out, uint64_t{pool.Intern(name.substr(sp + kIdeographicSpace.size()))} + 1);
}

std::string GetName(const uint8_t*& in, const StringPool& pool) {
  std::string s(pool.Get(static_cast<uint32_t>(ReadVarint(in))));
  const uint64_t given = ReadVarint(in);
  if (given != 0) {
    s += kIdeographicSpace;
    s += pool.Get(static_cast<uint32_t>(given - 1));
  }
  return s;
}

// 〒 "123-4567" as the number 1234567 (flag bit 0 clear); anything else as a
// pool id (flag set).
void PutPostcode(std::string& out, std::string_view pc, StringPool& pool) {
  bool packed = pc.size() == 8 && pc[3] == '-';
  uint64_t v = 0;
  for (size_t i = 0; packed && i < pc.size(); ++i) {
    if (i == 3) continue;
    packed = pc[i] >= '0' && pc[i] <= '9';
    v = v * 10 + static_cast<uint64_t>(pc[i] - '0');
  }
  if (packed) {
    AppendVarint(out, v << 1);
  } else {
    AppendVarint(out, (uint64_t{pool.Intern(pc)} << 1) | 1);
  }
}

std::string GetPostcode(const uint8_t*& in, const StringPool& pool) {
  const uint64_t v = ReadVarint(in);
  if (v & 1) return std::string(pool.Get(static_cast<uint32_t>(v >> 1)));
  uint64_t n = v >> 1;
  std::string s = "000-0000";
  for (size_t i = 8; i-- > 0;) {
    if (i == 3) continue;
    s[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  return s;
}

// --- dates -----------------------------------------------------------------------

void PutDate(std::string& out, Date d, Date base) {
  AppendSigned(out, int64_t{d.days_since_epoch()} - base.days_since_epoch());
}

Date GetDate(const uint8_t*& in, Date base) {
  return Date::FromDaysSinceEpoch(static_cast<int32_t>(ReadSigned(in) + base.days_since_epoch()));
}

// --- the flags word --------------------------------------------------------------

enum Flag : uint64_t {
  kDependent = 1u << 0,
  // bits 1-3: 被保険者証区分 (1..7)
  // bits 4-5: 性別 (1..3)
  // bits 6-7: 性別2 (0 none, 1..3)
  kLost = 1u << 8,
  // bits 9-11: 喪失事由 (0 none, 1 死亡, 2 生活保護, 3 他保険, 4 その他)
  // bits 12-13: 割合 0/10/20/30 (kCopayOther: a varint follows)
  kCopayOther = 1u << 14,
  kCopayFiled = 1u << 15,
  kCardIssued = 1u << 16,
  kCardValidUntil = 1u << 17,
  kElderly = 1u << 18,
  // bits 19-20: 紐付け state (LinkageState)
  kLinkedOn = 1u << 21,
  kRegistrationError = 1u << 22,
  kLimits = 1u << 23,
  kDiseases = 1u << 24,
};

uint64_t LossCode(const std::optional<LossReason>& r) {
  if (!r) return 0;
  switch (*r) {
    case LossReason::kDeath:
      return 1;
    case LossReason::kPublicAssistance:
      return 2;
    case LossReason::kOtherInsurance:
      return 3;
    case LossReason::kOther:
      return 4;
  }
  throw std::logic_error("unknown loss reason");
}

std::optional<LossReason> LossFrom(uint64_t code) {
  switch (code) {
    case 1:
      return LossReason::kDeath;
    case 2:
      return LossReason::kPublicAssistance;
    case 3:
      return LossReason::kOtherInsurance;
    case 4:
      return LossReason::kOther;
    default:
      return std::nullopt;
  }
}

// Attribute flags.
constexpr uint64_t kInsuredIsName = 1;  // 被保険者氏名 = 氏名 (the 本人)
constexpr uint64_t kOtherName = 2;      // a 通称 and its reading follow

}  // namespace

uint64_t CardKeyHash(std::string_view insurer_number, std::string_view number, Date birth_date) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // separator: ("12", "3") differs from ("1", "23")
    h *= 1099511628211ull;
  };
  mix(insurer_number);
  mix(number);
  h ^= static_cast<uint32_t>(birth_date.days_since_epoch());
  h *= 0x9e3779b97f4a7c15ull;
  h ^= h >> 29;
  return h;
}

void EncodePerson(std::span<const Qualification> qs, StringPool& pool, std::string& out) {
  AppendVarint(out, qs.size());
  for (const Qualification& q : qs) {
    AppendVarint(out, static_cast<uint64_t>(q.member_id));
    std::string insurer = q.insurer_number;
    insurer += '\0';
    insurer += q.insurer_name;
    AppendVarint(out, pool.Intern(insurer));
    AppendVarint(out, pool.Intern(q.symbol));
    PutDigits(out, q.number);
    PutDigits(out, q.branch);

    uint64_t f = 0;
    if (q.personal_family == PersonalFamily::kDependent) f |= kDependent;
    f |= (static_cast<uint64_t>(q.card_classification) & 7) << 1;
    f |= (static_cast<uint64_t>(q.sex) & 3) << 4;
    if (q.sex2) f |= (static_cast<uint64_t>(*q.sex2) & 3) << 6;
    if (q.lost) f |= kLost;
    f |= LossCode(q.loss_reason) << 9;
    const bool usual_copay = q.copay_percent == 0 || q.copay_percent == 10 ||
                             q.copay_percent == 20 || q.copay_percent == 30;
    if (usual_copay) {
      f |= static_cast<uint64_t>(q.copay_percent / 10) << 12;
    } else {
      f |= kCopayOther;
    }
    if (q.copay_filed) f |= kCopayFiled;
    if (q.card_issued_on) f |= kCardIssued;
    if (q.card_valid_until) f |= kCardValidUntil;
    if (q.elderly) f |= kElderly;
    f |= (static_cast<uint64_t>(q.linkage) & 3) << 19;
    if (q.linked_on) f |= kLinkedOn;
    if (!q.registration_error.empty()) f |= kRegistrationError;
    if (!q.limits.empty()) f |= kLimits;
    if (!q.diseases.empty()) f |= kDiseases;
    // Values outside the bit fields would not survive: refuse them rather
    // than answer differently from the store.
    if (static_cast<uint64_t>(q.card_classification) > 7 || static_cast<uint64_t>(q.sex) > 3 ||
        (q.sex2 && static_cast<uint64_t>(*q.sex2) > 3) || static_cast<uint64_t>(q.linkage) > 3) {
      throw std::invalid_argument("member " + std::to_string(q.member_id) +
                                  " has a code the serving index cannot hold");
    }
    AppendVarint(out, f);
    if (!usual_copay) AppendSigned(out, q.copay_percent);

    AppendSigned(out, q.birth_date.days_since_epoch());
    PutDate(out, q.acquired, q.birth_date);
    if (q.lost) PutDate(out, *q.lost, q.acquired);
    PutDate(out, q.submitted_on, q.acquired);
    if (q.linked_on) PutDate(out, *q.linked_on, q.submitted_on);
    if (q.card_issued_on) PutDate(out, *q.card_issued_on, q.acquired);
    if (q.card_valid_until) PutDate(out, *q.card_valid_until, q.acquired);
    if (q.elderly) {
      PutDate(out, q.elderly->certificate_date, q.acquired);
      PutDate(out, q.elderly->valid_from, q.acquired);
      PutDate(out, q.elderly->valid_until, q.elderly->valid_from);
      AppendSigned(out, q.elderly->copay_percent);
    }
    if (!q.registration_error.empty()) AppendVarint(out, pool.Intern(q.registration_error));

    AppendVarint(out, q.attributes.size());
    for (const MemberAttributes& a : q.attributes) {
      const bool insured_is_name = a.insured_name == a.name;
      const bool other = !a.name_of_other.empty() || !a.name_of_other_kana.empty();
      AppendVarint(out, (insured_is_name ? kInsuredIsName : 0) | (other ? kOtherName : 0));
      PutDate(out, a.effective_from, q.acquired);
      PutName(out, a.name, pool);
      PutName(out, a.name_kana, pool);
      if (!insured_is_name) PutName(out, a.insured_name, pool);
      PutPostcode(out, a.postcode, pool);
      AppendVarint(out, pool.Intern(a.address));
      if (other) {
        PutName(out, a.name_of_other, pool);
        PutName(out, a.name_of_other_kana, pool);
      }
    }
    if (!q.limits.empty()) {
      AppendVarint(out, q.limits.size());
      for (const LimitCertificate& l : q.limits) {
        AppendSigned(out, int64_t{l.classification} * 2 + (l.long_term_date ? 1 : 0));
        AppendVarint(out, pool.Intern(l.category_flag));
        PutDate(out, l.certificate_date, q.acquired);
        PutDate(out, l.valid_from, q.acquired);
        PutDate(out, l.valid_until, l.valid_from);
        if (l.long_term_date) PutDate(out, *l.long_term_date, l.valid_from);
      }
    }
    if (!q.diseases.empty()) {
      AppendVarint(out, q.diseases.size());
      for (const SpecificDisease& d : q.diseases) {
        AppendSigned(out, d.category);
        PutDate(out, d.certificate_date, q.acquired);
        PutDate(out, d.valid_from, q.acquired);
        PutDate(out, d.valid_until, d.valid_from);
        AppendSigned(out, d.self_pay_yen);
      }
    }
  }
}

const uint8_t* DecodePerson(const uint8_t* in, int64_t person_id, const StringPool& pool,
                            std::vector<Qualification>& out) {
  const uint64_t count = ReadVarint(in);
  for (uint64_t k = 0; k < count; ++k) {
    Qualification& q = out.emplace_back();
    q.person_id = person_id;
    q.member_id = static_cast<int64_t>(ReadVarint(in));
    const std::string_view insurer = pool.Get(static_cast<uint32_t>(ReadVarint(in)));
    const size_t nul = insurer.find('\0');
    q.insurer_number = std::string(insurer.substr(0, nul));
    q.insurer_name = std::string(insurer.substr(nul + 1));
    q.symbol = std::string(pool.Get(static_cast<uint32_t>(ReadVarint(in))));
    q.number = GetDigits(in);
    q.branch = GetDigits(in);

    const uint64_t f = ReadVarint(in);
    q.personal_family = (f & kDependent) ? PersonalFamily::kDependent : PersonalFamily::kInsured;
    q.card_classification = static_cast<CardClassification>((f >> 1) & 7);
    q.sex = static_cast<Sex>((f >> 4) & 3);
    if ((f >> 6) & 3) q.sex2 = static_cast<Sex>((f >> 6) & 3);
    q.loss_reason = LossFrom((f >> 9) & 7);
    q.copay_percent =
        (f & kCopayOther) ? static_cast<int>(ReadSigned(in)) : static_cast<int>((f >> 12) & 3) * 10;
    q.copay_filed = (f & kCopayFiled) != 0;
    q.linkage = static_cast<LinkageState>((f >> 19) & 3);

    q.birth_date = Date::FromDaysSinceEpoch(static_cast<int32_t>(ReadSigned(in)));
    q.acquired = GetDate(in, q.birth_date);
    if (f & kLost) q.lost = GetDate(in, q.acquired);
    q.submitted_on = GetDate(in, q.acquired);
    if (f & kLinkedOn) q.linked_on = GetDate(in, q.submitted_on);
    if (f & kCardIssued) q.card_issued_on = GetDate(in, q.acquired);
    if (f & kCardValidUntil) q.card_valid_until = GetDate(in, q.acquired);
    if (f & kElderly) {
      ElderlyRecipient e;
      e.certificate_date = GetDate(in, q.acquired);
      e.valid_from = GetDate(in, q.acquired);
      e.valid_until = GetDate(in, e.valid_from);
      e.copay_percent = static_cast<int>(ReadSigned(in));
      q.elderly = e;
    }
    if (f & kRegistrationError) {
      q.registration_error = std::string(pool.Get(static_cast<uint32_t>(ReadVarint(in))));
    }

    const uint64_t attributes = ReadVarint(in);
    q.attributes.reserve(attributes);
    for (uint64_t i = 0; i < attributes; ++i) {
      MemberAttributes& a = q.attributes.emplace_back();
      const uint64_t af = ReadVarint(in);
      a.effective_from = GetDate(in, q.acquired);
      a.name = GetName(in, pool);
      a.name_kana = GetName(in, pool);
      a.insured_name = (af & kInsuredIsName) ? a.name : GetName(in, pool);
      a.postcode = GetPostcode(in, pool);
      a.address = std::string(pool.Get(static_cast<uint32_t>(ReadVarint(in))));
      if (af & kOtherName) {
        a.name_of_other = GetName(in, pool);
        a.name_of_other_kana = GetName(in, pool);
      }
    }
    if (f & kLimits) {
      const uint64_t n = ReadVarint(in);
      q.limits.reserve(n);
      for (uint64_t i = 0; i < n; ++i) {
        LimitCertificate& l = q.limits.emplace_back();
        const int64_t c = ReadSigned(in);
        l.classification = static_cast<int>(c >> 1);
        l.category_flag = std::string(pool.Get(static_cast<uint32_t>(ReadVarint(in))));
        l.certificate_date = GetDate(in, q.acquired);
        l.valid_from = GetDate(in, q.acquired);
        l.valid_until = GetDate(in, l.valid_from);
        if (c & 1) l.long_term_date = GetDate(in, l.valid_from);
      }
    }
    if (f & kDiseases) {
      const uint64_t n = ReadVarint(in);
      q.diseases.reserve(n);
      for (uint64_t i = 0; i < n; ++i) {
        SpecificDisease& d = q.diseases.emplace_back();
        d.category = static_cast<int>(ReadSigned(in));
        d.certificate_date = GetDate(in, q.acquired);
        d.valid_from = GetDate(in, q.acquired);
        d.valid_until = GetDate(in, d.valid_from);
        d.self_pay_yen = static_cast<int>(ReadSigned(in));
      }
    }
  }
  return in;
}

}  // namespace onshi::serving
