// searcher --serve: the search page and the HTTP API (http_api.h) over HTTP/1.1, on Boost.Beast
// with a pool of threads of our own. Bounded everywhere: connections, request size, the time a
// request may take to arrive, idle keep-alive connections; SIGTERM and SIGINT drain it.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <string>

#include "searcher/http_api.h"

namespace rapportsok {

struct ServeOptions {
    std::string db;
    std::vector<std::string> more_dbs;      // --db again: shards searched with db as one
    double shard_timeout = 2.0;             // seconds a remote shard has to answer
    std::string listen = "127.0.0.1:8080";  // HOST:PORT, [V6]:PORT or PORT (loopback); port 0: any
    bool log_queries = false;               // the access log shows query strings
    unsigned threads = 0;                   // 0: one per core
    size_t max_connections = 512;           // past it, a new connection gets 503
    size_t max_header_bytes = 8192;         // request line and headers
    size_t max_body_bytes = 1024;           // GET and HEAD only: a body has no use
    std::chrono::milliseconds request_timeout{10000};  // for a request to arrive whole
    std::chrono::milliseconds idle_timeout{30000};     // a keep-alive connection between requests
    std::chrono::milliseconds drain_timeout{5000};     // for requests in flight at SIGTERM
    ApiLimits limits;
};

// HOST:PORT as an address and port; throws UsageError for anything else.
struct ListenAddress {
    std::string host;
    unsigned short port = 0;
};
ListenAddress parse_listen(const std::string& listen);

// Serves until SIGTERM or SIGINT, then drains; returns the exit status (0). Says where it
// listens on err ("searcher: serving DB at http://127.0.0.1:8080/"), then one line per request.
// Throws UsageError when the database does not open or the address cannot be listened on.
int run_server(const ServeOptions& options, std::ostream& err);

}  // namespace rapportsok
