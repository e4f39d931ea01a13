#include "serving/index_follower.hpp"

#include <algorithm>
#include <iostream>
#include <vector>

namespace onshi::serving {

int64_t ApplyChanges(EligibilityIndex& index, store::Store& store, const FollowerOptions& options) {
  int64_t applied = 0;
  for (;;) {
    const int64_t from = index.applied_seq();
    const store::ChangePage page = store.ReadChanges(from, options.changes_per_read);
    if (page.trimmed_through > from) {
      // Changes this index never saw are gone: read everything again.
      index.Rebuild(store);
      applied += 1;
      continue;
    }
    if (page.changes.empty()) return applied;
    std::vector<int64_t> persons;
    persons.reserve(page.changes.size());
    for (const store::ChangeRecord& c : page.changes)
      persons.push_back(c.person_id);
    std::sort(persons.begin(), persons.end());
    persons.erase(std::unique(persons.begin(), persons.end()), persons.end());
    // Each range (first, last] of nearby persons in one scan, all from one
    // snapshot taken after the changes were read, so at least as new.
    std::vector<Qualification> qs;
    std::vector<int64_t> referenced;
    store.InReadSnapshot([&] {
      for (size_t i = 0; i < persons.size();) {
        size_t j = i;
        while (j < persons.size() && persons[j] - persons[i] < options.persons_per_read)
          ++j;
        std::vector<Qualification> part =
            store.QualificationsOfPersons(persons[i] - 1, persons[j - 1]);
        std::move(part.begin(), part.end(), std::back_inserter(qs));
        for (int64_t p : store.PersonsWithReferenceNumbers(persons[i] - 1, persons[j - 1])) {
          if (std::binary_search(persons.begin() + i, persons.begin() + j, p))
            referenced.push_back(p);
        }
        i = j;
      }
    });
    index.Replace(persons, qs, page.changes.back().seq, referenced);
    applied += static_cast<int64_t>(page.changes.size());
    if (static_cast<int>(page.changes.size()) < options.changes_per_read) return applied;
  }
}

IndexFollower::IndexFollower(EligibilityIndex& index, Opener open, FollowerOptions options,
                             Opener open_fallback)
    : index_(index),
      open_(std::move(open)),
      open_fallback_(std::move(open_fallback)),
      options_(options) {}

IndexFollower::~IndexFollower() {
  Stop();
}

void IndexFollower::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void IndexFollower::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IndexFollower::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    Round();
    lock.lock();
    // After failures, wait longer (up to a second) so a dead database is
    // not hammered.
    const auto wait =
        failures_.load() > 0 && !store_ ? std::chrono::milliseconds(1000) : options_.poll;
    wake_.wait_for(lock, wait, [this] { return stop_; });
  }
}

void IndexFollower::Round() {
  try {
    if (!store_) store_ = open_();
    ApplyChanges(index_, *store_, options_);
    MaybeTrim(*store_);
    return;
  } catch (const std::exception& e) {
    ++failures_;
    store_.reset();  // opened again next round
    if (failures_.load() == 1 || failures_.load() % 100 == 0) {
      std::cerr << "onshi: serving index: the database did not answer (" << e.what() << ")"
                << std::endl;
    }
  }
  // The primary failed: the replica carries the same feed.
  if (!open_fallback_) return;
  try {
    if (!fallback_) fallback_ = open_fallback_();
    ApplyChanges(index_, *fallback_, options_);
  } catch (const std::exception&) {
    fallback_.reset();
  }
}

void IndexFollower::MaybeTrim(store::Store& store) {
  if (options_.retention.count() == 0) return;
  const auto now = std::chrono::steady_clock::now();
  const int64_t seq = index_.applied_seq();
  if (applied_at_.empty() || (applied_at_.back().second != seq &&
                              now - applied_at_.back().first > std::chrono::seconds(1))) {
    applied_at_.emplace_back(now, seq);
  }
  int64_t through = 0;
  while (!applied_at_.empty() && now - applied_at_.front().first > options_.retention) {
    through = applied_at_.front().second;
    applied_at_.pop_front();
  }
  // A replica follows its primary's feed and cannot trim it.
  if (through > 0 && !store.IsReplica()) store.TrimChanges(through);
}

}  // namespace onshi::serving
