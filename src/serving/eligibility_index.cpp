#include "serving/eligibility_index.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "serving/person_codec.hpp"
#include "serving/varint.hpp"

namespace onshi::serving {
namespace {

// (key hash, person): 12 bytes, not 16, at 4-byte alignment.
#pragma pack(push, 4)
struct KeyEntry {
  uint64_t hash;
  uint32_t person;  // 0: dead (the person no longer holds the key)
};
#pragma pack(pop)
static_assert(sizeof(KeyEntry) == 12);

bool operator<(const KeyEntry& a, const KeyEntry& b) {
  return a.hash != b.hash ? a.hash < b.hash : a.person < b.person;
}

struct ByHash {
  bool operator()(const KeyEntry& e, uint64_t h) const { return e.hash < h; }
  bool operator()(uint64_t h, const KeyEntry& e) const { return h < e.hash; }
};

// The distinct card-key hashes of one person's qualifications.
std::vector<uint64_t> KeysOf(std::span<const Qualification> qs) {
  std::vector<uint64_t> out;
  for (const Qualification& q : qs)
    out.push_back(CardKeyHash(q.insurer_number, q.number, q.birth_date));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

uint32_t PersonKey(int64_t person_id) {
  if (person_id <= 0 || person_id > std::numeric_limits<uint32_t>::max()) {
    throw std::invalid_argument("person_id " + std::to_string(person_id) +
                                " is outside what the serving index holds (1..2^32-1)");
  }
  return static_cast<uint32_t>(person_id);
}

}  // namespace

struct EligibilityIndex::Contents {
  StringPool pool;

  // Person records: a varint length, then the record (person_codec.hpp).
  static constexpr size_t kChunk = size_t{4} << 20;
  std::vector<std::unique_ptr<uint8_t[]>> chunks;
  std::vector<size_t> chunk_sizes;
  size_t used_in_last = 0;
  size_t live_bytes = 0;
  size_t garbage_bytes = 0;

  std::vector<uint64_t> person_ref;  // by person_id: 0 none, else (chunk << 32 | offset) + 1
  std::vector<uint64_t> referenced;  // bit by person_id: holds a 照会番号
  std::vector<KeyEntry> keys;        // sorted
  // Where each bucket of hashes starts in `keys` (the hash's top bits):
  // the keys of bucket b are keys[directory[b] .. directory[b + 1]). A
  // lookup searches a few entries in one or two cache lines instead of a
  // binary search over the whole array, whose last dozen steps each miss
  // the cache (and, at 10^7 members, the TLB). Rebuilt whenever `keys` is.
  std::vector<uint32_t> directory;
  int directory_shift = 64;
  // Sorted by hash, added since the last merge. Entries marked dead here
  // and in `keys` keep the order by hash, which is all a lookup needs.
  std::vector<KeyEntry> delta;
  std::vector<KeyEntry> pending;  // added by the Replace in progress
  size_t dead_keys = 0;
  int64_t persons = 0;
  int64_t members = 0;

  void SetReferenced(uint32_t person, bool on) {
    const size_t word = person / 64;
    const uint64_t bit = uint64_t{1} << (person % 64);
    if (word >= referenced.size()) {
      if (!on) return;
      referenced.resize(std::max(word + 1, referenced.size() * 2), 0);
    }
    referenced[word] = on ? (referenced[word] | bit) : (referenced[word] & ~bit);
  }
  bool Referenced(uint32_t person) const {
    const size_t word = person / 64;
    return word < referenced.size() && (referenced[word] >> (person % 64) & 1) != 0;
  }

  uint64_t Append(const std::string& record) {
    uint8_t head[10];
    uint8_t* h = head;
    WriteVarint(h, record.size());
    const size_t need = static_cast<size_t>(h - head) + record.size();
    if (chunks.empty() || used_in_last + need > chunk_sizes.back()) {
      const size_t size = std::max(kChunk, need);
      chunks.push_back(std::make_unique<uint8_t[]>(size));
      chunk_sizes.push_back(size);
      used_in_last = 0;
    }
    uint8_t* dst = chunks.back().get() + used_in_last;
    std::memcpy(dst, head, static_cast<size_t>(h - head));
    std::memcpy(dst + (h - head), record.data(), record.size());
    const uint64_t ref = (static_cast<uint64_t>(chunks.size() - 1) << 32) | used_in_last;
    used_in_last += need;
    live_bytes += need;
    return ref;
  }

  // The record of a ref, and its size with the length varint.
  const uint8_t* Record(uint64_t ref, size_t* stored = nullptr) const {
    const uint8_t* p = chunks[ref >> 32].get() + (ref & 0xffffffffu);
    const uint8_t* start = p;
    const uint64_t len = ReadVarint(p);
    if (stored) *stored = static_cast<size_t>(p - start) + static_cast<size_t>(len);
    return p;
  }

  const uint8_t* RecordOf(uint32_t person) const {
    if (person >= person_ref.size() || person_ref[person] == 0) return nullptr;
    return Record(person_ref[person] - 1);
  }

  void SetPerson(uint32_t person, uint64_t ref_plus_one) {
    if (person >= person_ref.size()) {
      person_ref.resize(std::max<size_t>(person + 1, person_ref.size() + person_ref.size() / 4), 0);
    }
    person_ref[person] = ref_plus_one;
  }

  // About four keys a bucket; none for a small array (the tests' smallest
  // populations, 300 members, still have one).
  void BuildDirectory() {
    directory.clear();
    directory_shift = 64;
    if (keys.size() < 256) return;
    int bits = 0;
    while (bits < 24 && (size_t{4} << bits) < keys.size())
      ++bits;
    directory_shift = 64 - bits;
    directory.resize((size_t{1} << bits) + 1);
    size_t at = 0;
    for (size_t b = 0; b + 1 < directory.size(); ++b) {
      while (at < keys.size() && (keys[at].hash >> directory_shift) < b)
        ++at;
      directory[b] = static_cast<uint32_t>(at);
    }
    directory.back() = static_cast<uint32_t>(keys.size());
    directory.shrink_to_fit();
  }

  template <class Self>
  static auto KeyRangeIn(Self& self, uint64_t h) {
    auto* first = self.keys.data();
    auto* last = first + self.keys.size();
    if (!self.directory.empty()) {
      const size_t b = static_cast<size_t>(h >> self.directory_shift);
      last = first + self.directory[b + 1];
      first += self.directory[b];
    }
    return std::equal_range(first, last, h, ByHash{});
  }
  // The entries of `keys` with hash `h` (dead ones too).
  std::pair<KeyEntry*, KeyEntry*> KeyRange(uint64_t h) { return KeyRangeIn(*this, h); }
  std::pair<const KeyEntry*, const KeyEntry*> KeyRange(uint64_t h) const {
    return KeyRangeIn(*this, h);
  }

  // Folds the delta into the sorted keys, dropping dead entries.
  void MergeKeys() {
    std::vector<KeyEntry> merged;
    merged.reserve(keys.size() + delta.size());
    auto live = [](const KeyEntry& e) { return e.person != 0; };
    auto a = keys.begin();
    auto b = delta.begin();
    while (a != keys.end() || b != delta.end()) {
      if (b == delta.end() || (a != keys.end() && a->hash < b->hash)) {
        if (live(*a)) merged.push_back(*a);
        ++a;
      } else {
        if (live(*b)) merged.push_back(*b);
        ++b;
      }
    }
    keys = std::move(merged);
    BuildDirectory();
    delta.clear();
    delta.shrink_to_fit();
    dead_keys = 0;
  }

  // Copies the live records into fresh chunks, leaving the garbage behind.
  void Compact() {
    Contents fresh;
    for (uint64_t& ref : person_ref) {
      if (ref == 0) continue;
      size_t stored = 0;
      const uint8_t* rec = Record(ref - 1, &stored);
      const uint8_t* start = chunks[(ref - 1) >> 32].get() + ((ref - 1) & 0xffffffffu);
      const std::string record(reinterpret_cast<const char*>(rec),
                               stored - static_cast<size_t>(rec - start));
      ref = fresh.Append(record) + 1;
    }
    chunks = std::move(fresh.chunks);
    chunk_sizes = std::move(fresh.chunk_sizes);
    used_in_last = fresh.used_in_last;
    live_bytes = fresh.live_bytes;
    garbage_bytes = 0;
  }
};

EligibilityIndex::EligibilityIndex() : contents_(std::make_unique<Contents>()) {}
EligibilityIndex::~EligibilityIndex() = default;

void EligibilityIndex::Rebuild(store::Store& store, int64_t persons_per_read) {
  auto c = std::make_unique<Contents>();
  int64_t head = 0;
  std::string record;
  store.InReadSnapshot([&] {
    head = store.ChangeFeedHead();
    const int64_t last = store.LastPersonId();
    if (last > 0) PersonKey(last);
    c->person_ref.assign(static_cast<size_t>(last) + 1, 0);
    for (int64_t after = 0; after < last; after += persons_per_read) {
      const std::vector<Qualification> qs =
          store.QualificationsOfPersons(after, std::min(last, after + persons_per_read));
      for (size_t i = 0; i < qs.size();) {
        size_t j = i;
        while (j < qs.size() && qs[j].person_id == qs[i].person_id)
          ++j;
        const uint32_t person = PersonKey(qs[i].person_id);
        const std::span<const Qualification> group(qs.data() + i, j - i);
        record.clear();
        EncodePerson(group, c->pool, record);
        c->SetPerson(person, c->Append(record) + 1);
        for (uint64_t h : KeysOf(group))
          c->keys.push_back({h, person});
        ++c->persons;
        c->members += static_cast<int64_t>(group.size());
        i = j;
      }
    }
    c->referenced.assign(static_cast<size_t>(last) / 64 + 1, 0);
    for (int64_t p : store.PersonsWithReferenceNumbers(0, last))
      c->SetReferenced(PersonKey(p), true);
  });
  std::sort(c->keys.begin(), c->keys.end());
  c->keys.shrink_to_fit();
  c->BuildDirectory();
  std::unique_lock lock(mu_);
  contents_ = std::move(c);
  applied_seq_.store(head, std::memory_order_release);
}

std::vector<Qualification> EligibilityIndex::Lookup(const InsuranceCardQuery& query) const {
  const uint64_t h = CardKeyHash(query.insurer_number, query.number, query.birth_date);
  std::vector<Qualification> out;
  std::shared_lock lock(mu_);
  const Contents& c = *contents_;
  uint32_t found[16];
  size_t n = 0;
  std::vector<uint32_t> more;  // only for a key shared by more than 16 persons
  auto collect = [&](std::pair<const KeyEntry*, const KeyEntry*> range) {
    for (const KeyEntry* it = range.first; it != range.second; ++it) {
      if (it->person == 0) continue;
      if (n < 16) {
        found[n++] = it->person;
      } else {
        more.push_back(it->person);
      }
    }
  };
  collect(c.KeyRange(h));
  collect(std::equal_range(c.delta.data(), c.delta.data() + c.delta.size(), h, ByHash{}));
  more.insert(more.end(), found, found + n);
  std::sort(more.begin(), more.end());
  more.erase(std::unique(more.begin(), more.end()), more.end());
  for (uint32_t person : more) {
    const uint8_t* rec = c.RecordOf(person);
    if (!rec) continue;
    const size_t first = out.size();
    DecodePerson(rec, person, c.pool, out);
    // The hash may have matched by chance: the person must really hold a
    // qualification under the keys (as the store's WHERE demands).
    const bool holds = std::any_of(
        out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), [&](const Qualification& q) {
          return q.insurer_number == query.insurer_number && q.number == query.number &&
                 q.birth_date == query.birth_date;
        });
    if (!holds) out.resize(first);
  }
  return out;
}

bool EligibilityIndex::HasReferenceNumbers(int64_t person_id) const {
  if (person_id <= 0 || person_id > std::numeric_limits<uint32_t>::max()) return false;
  std::shared_lock lock(mu_);
  return contents_->Referenced(static_cast<uint32_t>(person_id));
}

std::vector<Qualification> EligibilityIndex::QualificationsOfPerson(int64_t person_id) const {
  std::vector<Qualification> out;
  if (person_id <= 0 || person_id > std::numeric_limits<uint32_t>::max()) return out;
  std::shared_lock lock(mu_);
  const uint8_t* rec = contents_->RecordOf(static_cast<uint32_t>(person_id));
  if (rec) DecodePerson(rec, person_id, contents_->pool, out);
  return out;
}

void EligibilityIndex::ReplaceLocked(Contents& c, int64_t person_id,
                                     std::span<const Qualification> qs) {
  const uint32_t person = PersonKey(person_id);
  // What the person held: its keys are no longer theirs unless held again.
  if (person < c.person_ref.size() && c.person_ref[person] != 0) {
    size_t stored = 0;
    const uint8_t* rec = c.Record(c.person_ref[person] - 1, &stored);
    std::vector<Qualification> old;
    DecodePerson(rec, person_id, c.pool, old);
    for (uint64_t h : KeysOf(old)) {
      auto [lo, hi] = c.KeyRange(h);
      for (auto it = lo; it != hi; ++it) {
        if (it->person == person) {
          it->person = 0;
          ++c.dead_keys;
        }
      }
      auto [dlo, dhi] = std::equal_range(c.delta.begin(), c.delta.end(), h, ByHash{});
      for (auto it = dlo; it != dhi; ++it) {
        if (it->person == person) {
          it->person = 0;
          ++c.dead_keys;
        }
      }
    }
    c.live_bytes -= stored;
    c.garbage_bytes += stored;
    c.person_ref[person] = 0;
    --c.persons;
    c.members -= static_cast<int64_t>(old.size());
  }
  if (qs.empty()) return;
  std::string record;
  EncodePerson(qs, c.pool, record);
  c.SetPerson(person, c.Append(record) + 1);
  for (uint64_t h : KeysOf(qs))
    c.pending.push_back({h, person});
  ++c.persons;
  c.members += static_cast<int64_t>(qs.size());
}

void EligibilityIndex::Replace(std::span<const int64_t> persons,
                               std::span<const Qualification> qualifications, int64_t seq,
                               std::span<const int64_t> referenced) {
  // Every person named, each with their run of `qualifications`.
  std::vector<int64_t> all(persons.begin(), persons.end());
  for (const Qualification& q : qualifications)
    all.push_back(q.person_id);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  for (int64_t p : all)
    PersonKey(p);  // refuse before changing anything

  // The runs of one person each (the input is ordered by person).
  struct Run {
    int64_t person;
    size_t begin, end;
  };
  std::vector<Run> runs;
  for (size_t i = 0; i < qualifications.size();) {
    size_t j = i;
    while (j < qualifications.size() && qualifications[j].person_id == qualifications[i].person_id)
      ++j;
    runs.push_back({qualifications[i].person_id, i, j});
    i = j;
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const Run& a, const Run& b) { return a.person < b.person; });

  std::unique_lock lock(mu_);
  Contents& c = *contents_;
  for (int64_t p : persons) {
    c.SetReferenced(PersonKey(p), std::binary_search(referenced.begin(), referenced.end(), p));
  }
  for (int64_t p : all) {
    const auto run = std::lower_bound(runs.begin(), runs.end(), p,
                                      [](const Run& r, int64_t v) { return r.person < v; });
    if (run == runs.end() || run->person != p) {
      ReplaceLocked(c, p, {});
    } else {
      ReplaceLocked(c, p, qualifications.subspan(run->begin, run->end - run->begin));
    }
  }
  // The new keys join the delta in one merge, not one insertion each.
  std::sort(c.pending.begin(), c.pending.end());
  std::vector<KeyEntry> merged;
  merged.reserve(c.delta.size() + c.pending.size());
  std::merge(c.delta.begin(), c.delta.end(), c.pending.begin(), c.pending.end(),
             std::back_inserter(merged),
             [](const KeyEntry& a, const KeyEntry& b) { return a.hash < b.hash; });
  c.delta = std::move(merged);
  c.pending.clear();
  if (c.delta.size() > std::max<size_t>(4096, c.keys.size() / 16) ||
      c.dead_keys > std::max<size_t>(4096, c.keys.size() / 16)) {
    c.MergeKeys();
  }
  if (c.garbage_bytes > (size_t{1} << 20) && c.garbage_bytes > c.live_bytes / 2) c.Compact();
  applied_seq_.store(seq, std::memory_order_release);
}

IndexStats EligibilityIndex::Stats() const {
  std::shared_lock lock(mu_);
  const Contents& c = *contents_;
  IndexStats s;
  s.persons = c.persons;
  s.members = c.members;
  for (size_t n : c.chunk_sizes)
    s.record_bytes += n;
  s.pool_bytes = c.pool.bytes();
  s.key_bytes = (c.keys.capacity() + c.delta.capacity()) * sizeof(KeyEntry) +
                c.directory.capacity() * sizeof(uint32_t);
  s.person_table_bytes = (c.person_ref.capacity() + c.referenced.capacity()) * sizeof(uint64_t);
  s.bytes = s.record_bytes + s.pool_bytes + s.key_bytes + s.person_table_bytes;
  s.applied_seq = applied_seq();
  return s;
}

}  // namespace onshi::serving
