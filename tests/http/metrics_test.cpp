// Prometheus text exposition of counters, gauges and histograms.
#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace onshi::http {
namespace {

TEST(Metrics, CountersAndGaugesRenderWithLabels) {
  Metrics m;
  m.GetCounter("onshi_requests_total", "Requests.", R"(route="search",status="200")").Add(3);
  m.GetCounter("onshi_requests_total", "Requests.", R"(route="search",status="200")").Add();
  m.GetGauge("onshi_up", "Up.").Set(1);
  const std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE onshi_requests_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("onshi_requests_total{route=\"search\",status=\"200\"} 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("onshi_up 1\n"), std::string::npos) << text;
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  Histogram& h = m.GetHistogram("onshi_latency_seconds", "Latency.", R"(route="search")");
  h.Observe(0.00005);  // first bucket (<= 100 µs)
  h.Observe(0.003);    // <= 5 ms
  h.Observe(9);        // +Inf only
  const std::string text = m.Render();
  EXPECT_NE(text.find("onshi_latency_seconds_bucket{route=\"search\",le=\"0.0001\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("onshi_latency_seconds_bucket{route=\"search\",le=\"0.005\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("onshi_latency_seconds_bucket{route=\"search\",le=\"+Inf\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("onshi_latency_seconds_count{route=\"search\"} 3\n"), std::string::npos);
  EXPECT_NEAR(h.sum(), 9.00305, 1e-5);
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  Metrics m;
  Counter& c = m.GetCounter("c", "c");
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 100000; ++i)
        c.Add();
    });
  }
  for (auto& t : ts)
    t.join();
  EXPECT_EQ(c.value(), 400000u);
}

TEST(Metrics, OneNameCannotBeTwoTypes) {
  Metrics m;
  m.GetCounter("x", "x");
  EXPECT_THROW(m.GetGauge("x", "x"), std::logic_error);
}

}  // namespace
}  // namespace onshi::http
