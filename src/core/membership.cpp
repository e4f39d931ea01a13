#include "core/membership.hpp"

#include <cassert>

namespace onshi {

std::string_view LossReasonCode(LossReason r) {
  switch (r) {
    case LossReason::kDeath:
      return "01";
    case LossReason::kPublicAssistance:
      return "02";
    case LossReason::kOtherInsurance:
      return "03";
    case LossReason::kOther:
      return "99";
  }
  return "99";
}

std::optional<LossReason> ParseLossReasonCode(std::string_view code) {
  if (code == "01") return LossReason::kDeath;
  if (code == "02") return LossReason::kPublicAssistance;
  if (code == "03") return LossReason::kOtherInsurance;
  if (code == "99") return LossReason::kOther;
  return std::nullopt;
}

std::string_view CardClassificationCode(CardClassification c) {
  switch (c) {
    case CardClassification::kGeneral:
      return "01";
    case CardClassification::kRetired:
      return "02";
    case CardClassification::kShortTerm:
      return "03";
    case CardClassification::kShortTermRetired:
      return "04";
    case CardClassification::kEligibilityCertificate:
      return "05";
    case CardClassification::kSpecialRetired:
      return "06";
    case CardClassification::kSelfDefenseForces:
      return "07";
  }
  return "01";
}

std::optional<CardClassification> ParseCardClassificationCode(std::string_view code) {
  if (code.size() == 1) return ParseCardClassificationCode(std::string("0") + std::string(code));
  if (code.size() != 2 || code[0] != '0' || code[1] < '1' || code[1] > '7') return std::nullopt;
  return static_cast<CardClassification>(code[1] - '0');
}

std::string_view LinkageStateName(LinkageState s) {
  switch (s) {
    case LinkageState::kSubmitted:
      return "submitted";
    case LinkageState::kProcessing:
      return "processing";
    case LinkageState::kLinked:
      return "linked";
    case LinkageState::kRegistrationError:
      return "registration_error";
  }
  return "submitted";
}

std::optional<LinkageState> ParseLinkageStateName(std::string_view name) {
  for (LinkageState s : {LinkageState::kSubmitted, LinkageState::kProcessing, LinkageState::kLinked,
                         LinkageState::kRegistrationError}) {
    if (LinkageStateName(s) == name) return s;
  }
  return std::nullopt;
}

const MemberAttributes& Qualification::AttributesOn(Date on) const {
  assert(!attributes.empty());
  const MemberAttributes* best = &attributes.front();
  for (const MemberAttributes& a : attributes) {
    if (a.effective_from <= on) best = &a;
  }
  return *best;
}

const ElderlyRecipient* Qualification::ElderlyOn(Date on) const {
  if (elderly && elderly->valid_from <= on && on <= elderly->valid_until) return &*elderly;
  return nullptr;
}

const LimitCertificate* Qualification::LimitOn(Date on) const {
  for (const LimitCertificate& l : limits) {
    if (l.valid_from <= on && on <= l.valid_until) return &l;
  }
  return nullptr;
}

std::vector<const SpecificDisease*> Qualification::DiseasesOn(Date on) const {
  std::vector<const SpecificDisease*> out;
  for (const SpecificDisease& d : diseases) {
    if (d.valid_from <= on && on <= d.valid_until) out.push_back(&d);
  }
  return out;
}

}  // namespace onshi
