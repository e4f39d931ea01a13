// The OQS processing time of `t` (JST), as the answer writers take it.
#ifndef ONSHI_SERVICE_JST_TIMESTAMP_HPP_
#define ONSHI_SERVICE_JST_TIMESTAMP_HPP_

#include <ctime>

#include "oqs/response.hpp"

namespace onshi::service {

oqs::Timestamp JstTimestamp(std::time_t t);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_JST_TIMESTAMP_HPP_
