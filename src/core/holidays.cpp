#include "core/holidays.hpp"

#include <cassert>
#include <cstdint>
#include <iterator>

namespace onshi {
namespace {

// Index into kNames. Stored as one byte per day in the table.
enum Name : uint8_t {
  kNone = 0,
  kGanjitsu,          // 元日
  kSeijinNoHi,        // 成人の日
  kKenkokuKinenNoHi,  // 建国記念の日
  kTennoTanjobi,      // 天皇誕生日
  kShunbunNoHi,       // 春分の日
  kShowaNoHi,         // 昭和の日
  kMidoriNoHi,        // みどりの日
  kKenpoKinenbi,      // 憲法記念日
  kKodomoNoHi,        // こどもの日
  kUmiNoHi,           // 海の日
  kYamaNoHi,          // 山の日
  kKeiroNoHi,         // 敬老の日
  kShubunNoHi,        // 秋分の日
  kTaikuNoHi,         // 体育の日
  kSportsNoHi,        // スポーツの日
  kBunkaNoHi,         // 文化の日
  kKinroKanshaNoHi,   // 勤労感謝の日
  kAkihitoWedding,    // 1959-04-10
  kTaiso,             // 1989-02-24
  kSokuireiSeiden,    // 1990-11-12, 2019-10-22
  kNaruhitoWedding,   // 1993-06-09
  kSokuiNoHi,         // 2019-05-01
  kFurikaeKyujitsu,   // 振替休日
  kKokuminNoKyujitsu  // 国民の休日
};

constexpr std::string_view kNames[] = {
    "",
    "元日",
    "成人の日",
    "建国記念の日",
    "天皇誕生日",
    "春分の日",
    "昭和の日",
    "みどりの日",
    "憲法記念日",
    "こどもの日",
    "海の日",
    "山の日",
    "敬老の日",
    "秋分の日",
    "体育の日",
    "スポーツの日",
    "文化の日",
    "勤労感謝の日",
    "皇太子明仁親王の結婚の儀",
    "昭和天皇の大喪の礼",
    "即位礼正殿の儀",
    "皇太子徳仁親王の結婚の儀",
    "天皇の即位の日",
    "振替休日",
    "国民の休日",
};
static_assert(std::size(kNames) == kKokuminNoKyujitsu + 1);

// A 国民の祝日 proper, as opposed to the derived 振替休日 / 国民の休日. Only
// these trigger the substitute and sandwich rules.
bool IsShukujitsu(uint8_t n) {
  return n != kNone && n < kFurikaeKyujitsu;
}

// The formula in the header comment, in integer millionths so that no
// floating-point rounding can move a day. The first term is non-negative for
// every supported year, so integer division is the int() truncation.
int EquinoxDay(int year, int32_t c_1980_2099, int32_t c_before, int32_t c_after) {
  const int32_t k = 242194 * (year - 1980);
  if (year < 1980) return (c_before + k) / 1000000 - (year - 1983) / 4;
  if (year < 2100) return (c_1980_2099 + k) / 1000000 - (year - 1980) / 4;
  return (c_after + k) / 1000000 - (year - 1980) / 4;
}
int ShunbunDay(int year) {
  return EquinoxDay(year, 20843100, 20835700, 21851000);
}
int ShubunDay(int year) {
  return EquinoxDay(year, 23248800, 23258800, 24248800);
}

// Day of month of the n-th Monday (Happy Monday system, ハッピーマンデー制度).
int NthMonday(int year, int month, int n) {
  const int first_weekday = static_cast<int>(Date::FromYmd(year, month, 1).weekday());
  const int first_monday = 1 + (8 - first_weekday) % 7;
  return first_monday + 7 * (n - 1);
}

class Table {
 public:
  Table() {
    first_ = Date::FromYmd(kHolidayFirstYear, 1, 1).days_since_epoch();
    const int32_t end = Date::FromYmd(kHolidayLastYear + 1, 1, 1).days_since_epoch();
    names_.assign(static_cast<size_t>(end - first_), kNone);
    for (int y = kHolidayFirstYear; y <= kHolidayLastYear; ++y)
      AddShukujitsu(y);
    AddFurikaeKyujitsu();
    AddKokuminNoKyujitsu();
  }

  uint8_t At(Date d) const {
    const int64_t i = static_cast<int64_t>(d.days_since_epoch()) - first_;
    if (i < 0 || i >= static_cast<int64_t>(names_.size())) return kNone;
    return names_[static_cast<size_t>(i)];
  }

 private:
  size_t Index(Date d) const { return static_cast<size_t>(d.days_since_epoch() - first_); }
  Date DateAt(size_t i) const { return Date::FromDaysSinceEpoch(first_ + static_cast<int32_t>(i)); }

  void Put(int y, int m, int d, Name name) {
    uint8_t& slot = names_[Index(Date::FromYmd(y, m, d))];
    assert(slot == kNone);  // two holidays on one day would be a table bug
    slot = name;
  }

  void AddShukujitsu(int y) {
    // The Act took effect on 1948-07-20, so 1948 only has the autumn days.
    if (y >= 1949) {
      Put(y, 1, 1, kGanjitsu);
      if (y < 2000) {
        Put(y, 1, 15, kSeijinNoHi);
      } else {
        Put(y, 1, NthMonday(y, 1, 2), kSeijinNoHi);
      }
      Put(y, 3, ShunbunDay(y), kShunbunNoHi);
      // 4/29 was the Showa Emperor's birthday, then みどりの日, then 昭和の日.
      Put(y, 4, 29, y <= 1988 ? kTennoTanjobi : y <= 2006 ? kMidoriNoHi : kShowaNoHi);
      Put(y, 5, 3, kKenpoKinenbi);
      if (y >= 2007) Put(y, 5, 4, kMidoriNoHi);
      Put(y, 5, 5, kKodomoNoHi);
    }
    if (y >= 1967) Put(y, 2, 11, kKenkokuKinenNoHi);
    if (y >= 1989 && y <= 2018) Put(y, 12, 23, kTennoTanjobi);
    // 2019 has no 天皇誕生日: Akihito abdicated on 4/30, Naruhito's is 2/23.
    if (y >= 2020) Put(y, 2, 23, kTennoTanjobi);

    // 海の日, スポーツの日 and 山の日 were moved around the Tokyo Olympics by
    // the 2018 and 2020 amendments of the Olympic Special Measures Act.
    if (y == 2020) {
      Put(y, 7, 23, kUmiNoHi);
      Put(y, 7, 24, kSportsNoHi);
      Put(y, 8, 10, kYamaNoHi);
    } else if (y == 2021) {
      Put(y, 7, 22, kUmiNoHi);
      Put(y, 7, 23, kSportsNoHi);
      Put(y, 8, 8, kYamaNoHi);
    } else {
      if (y >= 1996 && y <= 2002) Put(y, 7, 20, kUmiNoHi);
      if (y >= 2003) Put(y, 7, NthMonday(y, 7, 3), kUmiNoHi);
      if (y >= 2016) Put(y, 8, 11, kYamaNoHi);
      if (y >= 1966 && y <= 1999) Put(y, 10, 10, kTaikuNoHi);
      if (y >= 2000) Put(y, 10, NthMonday(y, 10, 2), y <= 2019 ? kTaikuNoHi : kSportsNoHi);
    }
    if (y >= 1966 && y <= 2002) Put(y, 9, 15, kKeiroNoHi);
    if (y >= 2003) Put(y, 9, NthMonday(y, 9, 3), kKeiroNoHi);
    Put(y, 9, ShubunDay(y), kShubunNoHi);
    Put(y, 11, 3, kBunkaNoHi);
    Put(y, 11, 23, kKinroKanshaNoHi);

    // One-off holidays declared by special acts; they count as 国民の祝日 for
    // the substitute and sandwich rules (which is why 2019-04-30 and
    // 2019-05-02 became 国民の休日).
    switch (y) {
      case 1959:
        Put(y, 4, 10, kAkihitoWedding);
        break;
      case 1989:
        Put(y, 2, 24, kTaiso);
        break;
      case 1990:
        Put(y, 11, 12, kSokuireiSeiden);
        break;
      case 1993:
        Put(y, 6, 9, kNaruhitoWedding);
        break;
      case 2019:
        Put(y, 5, 1, kSokuiNoHi);
        Put(y, 10, 22, kSokuireiSeiden);
        break;
      default:
        break;
    }
  }

  // Act art. 3(2). Introduced 1973-04-12; reworded for 2007 onward so that a
  // Sunday 5/3 or 5/4 still yields a substitute after the 5/3-5/5 run.
  void AddFurikaeKyujitsu() {
    const size_t enacted = Index(Date::FromYmd(1973, 4, 12));
    const size_t reworded = Index(Date::FromYmd(2007, 1, 1));
    for (size_t i = enacted; i < names_.size(); ++i) {
      if (!IsShukujitsu(names_[i]) || DateAt(i).weekday() != Weekday::kSunday) continue;
      size_t j = i + 1;
      if (i >= reworded) {
        while (j < names_.size() && IsShukujitsu(names_[j]))
          ++j;
      }
      if (j < names_.size() && names_[j] == kNone) names_[j] = kFurikaeKyujitsu;
    }
  }

  // Act art. 3(3), since 1985-12-27. A Sunday or a 振替休日 is not turned into
  // a 国民の休日; the latter is already a holiday, which the kNone check covers.
  void AddKokuminNoKyujitsu() {
    const size_t enacted = Index(Date::FromYmd(1985, 12, 27));
    for (size_t i = enacted; i + 1 < names_.size(); ++i) {
      if (names_[i] == kNone && IsShukujitsu(names_[i - 1]) && IsShukujitsu(names_[i + 1]) &&
          DateAt(i).weekday() != Weekday::kSunday) {
        names_[i] = kKokuminNoKyujitsu;
      }
    }
  }

  int32_t first_ = 0;
  std::vector<uint8_t> names_;
};

// Built once, on first use; C++ guarantees the initialisation of a function
// local static is thread-safe, and the table is immutable afterwards.
const Table& GetTable() {
  static const Table table;
  return table;
}

}  // namespace

bool IsPublicHoliday(Date date) {
  return GetTable().At(date) != kNone;
}

std::optional<std::string_view> HolidayName(Date date) {
  const uint8_t n = GetTable().At(date);
  if (n == kNone) return std::nullopt;
  return kNames[n];
}

std::vector<std::pair<Date, std::string_view>> HolidaysInYear(int year) {
  std::vector<std::pair<Date, std::string_view>> out;
  if (year < kHolidayFirstYear || year > kHolidayLastYear) return out;
  const Table& table = GetTable();
  const Date end = Date::FromYmd(year + 1, 1, 1);
  for (Date d = Date::FromYmd(year, 1, 1); d < end; d = d.AddDays(1)) {
    const uint8_t n = table.At(d);
    if (n != kNone) out.emplace_back(d, kNames[n]);
  }
  return out;
}

}  // namespace onshi
