// The HTTP API and the page, apart from sockets: a request's method and target in, a response
// out (status, headers, body). server.cc carries them over HTTP; tests can call them directly.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "searcher/engine.h"

namespace rapportsok {

struct ApiLimits {
    size_t max_query_bytes = 1000;  // q, and each filter value
    long max_limit = 100;           // hits per page (a larger limit is capped to it)
    long max_window = 1000;         // offset + limit
    double search_seconds = 1.0;    // a search's time budget; past it: what it has, timed_out
    size_t max_tag_bytes = 64;      // hl_pre, hl_post
    size_t min_snippet = 40, max_snippet = 2000;  // bytes of snippet text
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // besides the common ones
    std::string endpoint = "other";  // for the metrics: page, search, passage, suggest, ...
};

// Counters for /metrics (Prometheus text format). Safe to call from many threads.
class Metrics {
  public:
    void record(const std::string& endpoint, int status, double seconds);
    // Called by the sessions' threads, outside the mutex: an atomic count.
    void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); }
    void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
    std::string text(uint64_t revision) const;

  private:
    static constexpr double kBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,   0.25,   0.5,   1,    2.5,   5};
    static constexpr size_t kNumBuckets = sizeof(kBuckets) / sizeof(kBuckets[0]);
    struct Histogram {
        uint64_t counts[kNumBuckets + 1] = {};  // the last: above every bucket
        double sum = 0;
        uint64_t count = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, uint64_t> requests_;
    std::map<std::string, uint64_t> errors_;
    std::map<std::string, Histogram> latency_;
    std::atomic<long> connections_{0};
};

// Percent-decoding of a URL part; '+' is a space when plus_is_space (query strings). False for
// a malformed escape.
bool percent_decode(const std::string& in, std::string& out, bool plus_is_space);

// The headers every response carries: a strict Content-Security-Policy and its companions.
const std::vector<std::pair<std::string, std::string>>& security_headers();

class Api {
  public:
    // db: the database's path, for /healthz.
    Api(const SearchEngine& engine, std::string db, ApiLimits limits, Metrics& metrics);

    // target: the request target as sent ("/api/search?q=tortyr"). HEAD is answered as GET
    // (the transport leaves out the body); other methods than GET and HEAD get 405.
    // if_none_match: the request's If-None-Match header, for the page's assets.
    Response handle(const std::string& method, const std::string& target,
                    const std::string& if_none_match = "");

  private:
    using Params = std::vector<std::pair<std::string, std::string>>;
    Response route(const std::string& method, const std::string& target,
                   const std::string& if_none_match);
    Response search(const Params& params);
    Response passage(const std::string& id);
    Response suggest(const Params& params);
    Response health();
    const SearchEngine& engine_;
    std::string db_;
    ApiLimits limits_;
    Metrics& metrics_;
};

// The snippet HTML-escaped, each run of highlights that only white space separates (a phrase)
// wrapped once in pre ... post.
std::string highlighted_html(const std::string& snippet,
                             const std::vector<std::pair<size_t, size_t>>& highlights,
                             const std::string& pre, const std::string& post);

}  // namespace rapportsok
