// The check log's index by person: where each person's records are in a
// segment, so that the portal's わたしの確認履歴 (CheckLog::OfPerson) reads
// only that person's records instead of every segment of the log.
//
// Why: the log grows by about 200 bytes a check. A server answering the
// national load's share for a week holds gigabytes of segments, and reading
// them all for one person's history took seconds per request. With the
// index a request reads a few pages of each closed segment's index and the
// person's own records.
//
// A closed segment (segment-<seq>.log) gets persons-<seq>.idx beside it:
//   "onshi-check-persons-1\n"   magic, 22 bytes
//   u64 records_size            the segment's length when it was indexed
//   u64 count
//   u64 checksum                FNV-1a 64 over the entries' bytes
//   count × {i64 person, u32 offset, u32 length}, sorted by (person, offset)
// (host byte order: the index is derived data, never the record).
//
// The index is a cache of the segment, never trusted over it:
//   - a missing index, a wrong magic, size or checksum (a file torn by a
//     power loss: it is written without a sync), or a segment whose length
//     is not `records_size` makes the reader scan that segment instead;
//   - every record found through it is parsed and must be the person's, or
//     the reader scans the segment instead;
//   - VerifyCheckLog compares each index with its segment's records, so an
//     index edited to hide a person's records is reported.
// The open segment's index is kept in memory by CheckLog and written when
// the segment closes; at open, closed segments without a valid index are
// indexed in the background (SegmentIndexer).
#ifndef ONSHI_SERVICE_CHECK_LOG_INDEX_HPP_
#define ONSHI_SERVICE_CHECK_LOG_INDEX_HPP_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace onshi::service {

// Where one record is in its segment.
struct RecordRef {
  int64_t person = 0;
  uint32_t offset = 0;  // of the line's first byte
  uint32_t length = 0;  // without the newline
  bool operator==(const RecordRef&) const = default;
};
static_assert(sizeof(RecordRef) == 16);

// The person of a record line, read without parsing the JSON: records are
// written with "person" after "seq", "at", "actor" and "action", whose
// values are escaped, so the first `,"person":` is the field. nullopt when
// the line has none.
std::optional<int64_t> PersonOfLine(std::string_view line);

// The refs of every complete line in `records` (a segment's records, from
// its first byte), in file order.
std::vector<RecordRef> RefsOfRecords(std::string_view records);

// persons-<seq>.idx for segment-<seq>.log ("" when `segment_path` is not a
// segment's name).
std::string IndexPathOf(const std::string& segment_path);

// Sorts `refs` and writes the index of the segment at `segment_path`
// (written to a temporary name, then renamed; not synced). False when it
// could not be written: readers then scan the segment.
bool WriteSegmentIndex(const std::string& segment_path, uint64_t records_size,
                       std::vector<RecordRef> refs);

// Whether the segment has an index that is not stale (its length is the
// one indexed) and not short.
bool HasSegmentIndex(const std::string& segment_path);

// The refs of `person` in the segment, by offset, read through its index;
// nullopt when the index is missing, damaged or stale (the segment's length
// is not the one indexed): then scan.
std::optional<std::vector<RecordRef>> FindInSegmentIndex(const std::string& segment_path,
                                                         int64_t person);

// Whether the index of the segment holds exactly `refs` (any order):
// nullopt when there is no valid index to compare.
std::optional<bool> SegmentIndexMatches(const std::string& segment_path,
                                        std::vector<RecordRef> refs);

// A thread that writes segment indexes off the check log's writer thread:
// the sort and the write of a closed segment's index (about 4 MB for 64 MB
// of records) would otherwise hold up the answers waiting for their sync.
class SegmentIndexer {
 public:
  SegmentIndexer();
  ~SegmentIndexer();  // finishes the job in hand; queued ones are dropped
  SegmentIndexer(const SegmentIndexer&) = delete;
  SegmentIndexer& operator=(const SegmentIndexer&) = delete;

  // Indexes a closed segment from `refs` (its records as written).
  void Add(std::string segment_path, uint64_t records_size, std::vector<RecordRef> refs);
  // Indexes a closed segment by reading it (one without a valid index).
  void Scan(std::string segment_path);
  // Waits until every job queued so far is done (tests).
  void Drain();

 private:
  struct Job {
    std::string path;
    uint64_t records_size = 0;
    std::optional<std::vector<RecordRef>> refs;  // nullopt: scan the segment
  };
  void Run();

  std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<Job> jobs_;
  bool busy_ = false, stop_ = false;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CHECK_LOG_INDEX_HPP_
