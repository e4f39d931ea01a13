#include "intermediate/fault_hold.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace onshi::intermediate {

void HoldAfterCommittedBatchIfAsked() {
  const char* path = std::getenv(kFaultHoldAfterBatchVariable);
  if (path == nullptr || *path == '\0') return;
  {
    // Written only after the commit returned: the file's existence tells the
    // test that a batch is acknowledged.
    std::ofstream(path) << "held after a committed batch\n";
  }
  for (;;)
    std::this_thread::sleep_for(std::chrono::hours(1));
}

}  // namespace onshi::intermediate
