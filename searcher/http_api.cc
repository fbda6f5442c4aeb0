#include "searcher/http_api.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "indexer/common/errors.h"
#include "indexer/common/text.h"
#include "searcher/page_assets.h"
#include "searcher/print_json.h"

namespace rapportsok {

using nlohmann::json;

namespace {

std::string dump(const json& j) {
    // Invalid UTF-8 from a report or a query never breaks the JSON: it becomes U+FFFD.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response body_response(int status, std::string body, const std::string& endpoint) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.body += '\n';
    r.endpoint = endpoint;
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

Response json_response(int status, const json& j, const std::string& endpoint) {
    return body_response(status, dump(j), endpoint);
}

Response error(int status, const std::string& message, const std::string& endpoint) {
    return json_response(status, {{"error", message}, {"status", status}}, endpoint);
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A whole non-negative integer within [lo, hi]; false for anything else ("", "1e3", "-1",
// "10x", 99999999999999999999).
bool parse_count(const std::string& s, long lo, long hi, long& out) {
    if (s.empty() || s.size() > 9) return false;
    long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    if (v < lo || v > hi) return false;
    out = v;
    return true;
}

bool parse_bool(const std::string& s, bool& out) {
    if (s == "1" || s == "true" || s == "ja" || s == "") {
        out = true;
        return true;
    }
    if (s == "0" || s == "false" || s == "nej") {
        out = false;
        return true;
    }
    return false;
}

std::string etag_of(std::string_view body) { return "\"" + hex64(fnv1a64(body)) + "\""; }

// Passage ids are hex digests; anything else is no id (and never reaches the database).
bool plausible_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

json passage_object(const Passage& p) {
    json j = passage_json(p);
    j["report_title"] = p.report_title;
    return j;
}

}  // namespace

// --- metrics ---

void Metrics::record(const std::string& endpoint, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{endpoint, status}];
    if (status >= 500) ++errors_[endpoint];
    Histogram& h = latency_[endpoint];
    size_t b = 0;
    while (b < kNumBuckets && seconds > kBuckets[b]) ++b;
    ++h.counts[b];
    h.sum += seconds;
    ++h.count;
}

std::string Metrics::text(uint64_t revision) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream o;
    o << "# HELP rapportsok_http_requests_total Requests answered, by endpoint and status.\n"
         "# TYPE rapportsok_http_requests_total counter\n";
    for (const auto& [k, n] : requests_)
        o << "rapportsok_http_requests_total{endpoint=\"" << k.first << "\",code=\"" << k.second
          << "\"} " << n << "\n";
    o << "# HELP rapportsok_http_errors_total Requests that failed on the server's side (5xx).\n"
         "# TYPE rapportsok_http_errors_total counter\n";
    for (const auto& [k, h] : latency_) {
        auto e = errors_.find(k);
        o << "rapportsok_http_errors_total{endpoint=\"" << k << "\"} "
          << (e == errors_.end() ? 0 : e->second) << "\n";
    }
    o << "# HELP rapportsok_http_request_duration_seconds Time from a request read to its "
         "response made.\n"
         "# TYPE rapportsok_http_request_duration_seconds histogram\n";
    for (const auto& [k, h] : latency_) {
        uint64_t cumulative = 0;
        for (size_t b = 0; b <= kNumBuckets; ++b) {
            cumulative += h.counts[b];
            o << "rapportsok_http_request_duration_seconds_bucket{endpoint=\"" << k << "\",le=\"";
            if (b < kNumBuckets)
                o << kBuckets[b];
            else
                o << "+Inf";
            o << "\"} " << cumulative << "\n";
        }
        o << "rapportsok_http_request_duration_seconds_sum{endpoint=\"" << k << "\"} " << h.sum
          << "\n"
          << "rapportsok_http_request_duration_seconds_count{endpoint=\"" << k << "\"} " << h.count
          << "\n";
    }
    o << "# HELP rapportsok_http_connections_open Connections open now.\n"
         "# TYPE rapportsok_http_connections_open gauge\n"
         "rapportsok_http_connections_open "
      << connections_.load(std::memory_order_relaxed) << "\n";
    o << "# HELP rapportsok_database_revision The revision of the database searched now.\n"
         "# TYPE rapportsok_database_revision gauge\n"
         "rapportsok_database_revision "
      << revision << "\n";
    return o.str();
}

// --- helpers ---

bool percent_decode(const std::string& in, std::string& out, bool plus_is_space) {
    out.clear();
    out.reserve(in.size());
    auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int a = hex(in[i + 1]), b = hex(in[i + 2]);
            if (a < 0 || b < 0) return false;
            out += static_cast<char>(a * 16 + b);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return true;
}

const std::vector<std::pair<std::string, std::string>>& security_headers() {
    // Nothing but the page's own files; no inline script or style; no framing; the DOM sinks
    // that parse HTML (innerHTML and the like) closed to the page's script (Trusted Types).
    static const std::vector<std::pair<std::string, std::string>> h = {
        {"Content-Security-Policy",
         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
         "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
         "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
        {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
    };
    return h;
}

std::string highlighted_html(const std::string& snippet,
                             const std::vector<std::pair<size_t, size_t>>& highlights,
                             const std::string& pre, const std::string& post) {
    std::string out;
    size_t at = 0;
    for (size_t k = 0; k < highlights.size(); ++k) {
        size_t b = std::min(std::max(highlights[k].first, at), snippet.size());
        size_t e = std::min(std::max(highlights[k].second, b), snippet.size());
        // A run of marks with only spaces between them is one unit: a phrase.
        while (k + 1 < highlights.size()) {
            size_t nb = highlights[k + 1].first, ne = highlights[k + 1].second;
            if (nb < e || ne > snippet.size() || ne < nb) break;
            if (snippet.find_first_not_of(' ', e) < nb) break;
            e = ne;
            ++k;
        }
        out += html_escape(std::string_view(snippet).substr(at, b - at));
        out += pre;
        out += html_escape(std::string_view(snippet).substr(b, e - b));
        out += post;
        at = e;
    }
    out += html_escape(std::string_view(snippet).substr(at));
    return out;
}

// --- the API ---

Api::Api(const SearchEngine& engine, std::string db, ApiLimits limits, Metrics& metrics)
    : engine_(engine), db_(std::move(db)), limits_(limits), metrics_(metrics) {}

namespace {
// "UUID:N" -> N, for the metrics; 0 when unknown.
uint64_t revision_number(const std::string& state) {
    const size_t colon = state.rfind(':');
    if (colon == std::string::npos) return 0;
    try {
        return std::stoull(state.substr(colon + 1));
    } catch (const std::exception&) {
        return 0;
    }
}
}  // namespace

Response Api::handle(const std::string& method, const std::string& target,
                     const std::string& if_none_match) {
    // For the metrics when a request fails before its endpoint answers.
    std::string endpoint = "other";
    for (const char* e : {"search", "suggest", "passage"})
        if (target.rfind(std::string("/api/") + e, 0) == 0) endpoint = e;
    if (target.rfind("/healthz", 0) == 0) endpoint = "healthz";
    try {
        return route(method, target, if_none_match);
    } catch (const UsageError& e) {
        // The database gone or unreadable (removed, replaced by one of another analysis).
        return error(503, e.what(), endpoint);
    } catch (const Xapian::Error& e) {
        return error(503, "the database cannot be read: " + e.get_description(), endpoint);
    } catch (const std::exception& e) {
        return error(500, e.what(), endpoint);
    }
}

Response Api::route(const std::string& method, const std::string& target,
                    const std::string& if_none_match) {
    if (method != "GET" && method != "HEAD") {
        Response r = error(405, "only GET and HEAD are answered", "other");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    const size_t question = target.find('?');
    std::string path;
    if (!percent_decode(target.substr(0, question), path, false) || path.empty() ||
        path[0] != '/' || path.find('\0') != std::string::npos)
        return error(400, "malformed path", "other");
    Params params;
    if (question != std::string::npos) {
        const std::string qs = target.substr(question + 1);
        size_t i = 0;
        while (i <= qs.size()) {
            size_t amp = qs.find('&', i);
            if (amp == std::string::npos) amp = qs.size();
            const std::string part = qs.substr(i, amp - i);
            i = amp + 1;
            if (part.empty()) continue;
            const size_t eq = part.find('=');
            std::string name, value;
            if (!percent_decode(part.substr(0, eq), name, true) ||
                !percent_decode(eq == std::string::npos ? "" : part.substr(eq + 1), value, true))
                return error(400, "malformed query string (a bad %-escape)", "other");
            params.emplace_back(std::move(name), std::move(value));
        }
    }

    if (path == "/api/search") return search(params);
    if (path == "/api/suggest") return suggest(params);
    const std::string passage_prefix = "/api/passage/";
    if (path.rfind(passage_prefix, 0) == 0) return passage(path.substr(passage_prefix.size()));
    if (path == "/healthz") return health();
    if (path == "/metrics") {
        Response r;
        r.endpoint = "metrics";
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = metrics_.text(revision_number(engine_.revision()));
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    }
    if (path.rfind("/api/", 0) == 0) return error(404, "no such endpoint: " + path, "other");
    // The page's own files, by exact path: nothing else is ever read or sent.
    for (const PageAsset& a : page_assets()) {
        if (path != a.path) continue;
        Response r;
        r.endpoint = "page";
        r.content_type = std::string(a.content_type);
        const std::string etag = etag_of(a.body);
        r.headers.emplace_back("ETag", etag);
        r.headers.emplace_back("Cache-Control", "no-cache");
        if (if_none_match == etag) {
            r.status = 304;
            return r;
        }
        r.body = std::string(a.body);
        return r;
    }
    Response r;
    r.status = 404;
    r.endpoint = "other";
    r.content_type = "text/plain; charset=utf-8";
    r.body = "404: här finns ingenting (not found). Sök på /\n";
    return r;
}

Response Api::search(const Params& params) {
    static const std::set<std::string> kKnown = {"q",       "limit",   "offset",  "section",
                                                 "chapter", "page",    "file",    "facets",
                                                 "hl_pre",  "hl_post", "snippet", "exact"};
    static const std::set<std::string> kRepeatable = {"section", "chapter", "page", "file"};
    std::map<std::string, std::vector<std::string>> p;
    for (const auto& [name, value] : params) {
        if (!kKnown.count(name))
            return error(400,
                         "unknown parameter " + name +
                             " (known: q, limit, offset, section, chapter, page, file, facets, "
                             "hl_pre, hl_post, snippet, exact)",
                         "search");
        if (!p[name].empty() && !kRepeatable.count(name))
            return error(400, "parameter " + name + " given twice", "search");
        if (value.size() > limits_.max_query_bytes)
            return error(400,
                         "parameter " + name + " is longer than " +
                             std::to_string(limits_.max_query_bytes) + " bytes",
                         "search");
        p[name].push_back(value);
    }
    auto one = [&](const std::string& name, const std::string& otherwise) {
        auto it = p.find(name);
        return it == p.end() ? otherwise : it->second.front();
    };
    SearchRequest req;
    std::string query = one("q", "");
    // The filters given as parameters join those written in q, in the query language's syntax.
    static const std::pair<const char*, const char*> kFilters[] = {
        {"section", "avsnitt"}, {"chapter", "kapitel"}, {"page", "sida"}, {"file", "fil"}};
    for (const auto& [param, word] : kFilters) {
        auto it = p.find(param);
        if (it == p.end()) continue;
        for (const std::string& v : it->second) {
            if (v.find('"') != std::string::npos)
                return error(400, std::string(param) + ": a filter value holds no quote", "search");
            if (v.empty()) continue;
            query += std::string(query.empty() ? "" : " ") + word + ":\"" + v + "\"";
        }
    }
    if (query.size() > limits_.max_query_bytes)
        return error(
            400, "the query is longer than " + std::to_string(limits_.max_query_bytes) + " bytes",
            "search");
    req.query = query;
    long limit = 10, offset = 0;
    if (p.count("limit") && !parse_count(one("limit", ""), 0, 999999999, limit))
        return error(400, "limit: a whole number from 0 (got \"" + one("limit", "") + "\")",
                     "search");
    limit = std::min(limit, limits_.max_limit);
    if (p.count("offset") && !parse_count(one("offset", ""), 0, 999999999, offset))
        return error(400, "offset: a whole number from 0 (got \"" + one("offset", "") + "\")",
                     "search");
    if (offset + limit > limits_.max_window)
        return error(400,
                     "offset + limit may be at most " + std::to_string(limits_.max_window) +
                         " (the result window); narrow the query instead",
                     "search");
    req.limit = limit;
    req.offset = offset;
    long snippet = static_cast<long>(req.snippet_bytes);
    if (p.count("snippet") &&
        !parse_count(one("snippet", ""), static_cast<long>(limits_.min_snippet),
                     static_cast<long>(limits_.max_snippet), snippet))
        return error(400,
                     "snippet: bytes of snippet text, from " + std::to_string(limits_.min_snippet) +
                         " to " + std::to_string(limits_.max_snippet),
                     "search");
    req.snippet_bytes = static_cast<size_t>(snippet);
    bool exact = false;
    if (p.count("exact") && !parse_bool(one("exact", ""), exact))
        return error(400, "exact: 1 or 0", "search");
    if (exact) {
        req.expand.inflections = req.expand.diacritics = req.expand.compounds = false;
        req.expand.synonyms = req.expand.english = false;
        req.spelling = false;
    }
    bool chapter_facets = true, section_facets = true;
    if (p.count("facets")) {
        chapter_facets = section_facets = false;
        std::string list = one("facets", "");
        size_t i = 0;
        while (i <= list.size()) {
            size_t comma = list.find(',', i);
            if (comma == std::string::npos) comma = list.size();
            const std::string f = list.substr(i, comma - i);
            i = comma + 1;
            if (f == "chapter")
                chapter_facets = true;
            else if (f == "section")
                section_facets = true;
            else if (!f.empty() && f != "none")
                return error(400, "facets: chapter, section, both (chapter,section) or none",
                             "search");
        }
    }
    const std::string pre = one("hl_pre", "<mark>"), post = one("hl_post", "</mark>");
    if (pre.size() > limits_.max_tag_bytes || post.size() > limits_.max_tag_bytes)
        return error(400,
                     "hl_pre and hl_post may have at most " +
                         std::to_string(limits_.max_tag_bytes) + " bytes",
                     "search");
    req.time_limit = limits_.search_seconds;

    const auto t0 = std::chrono::steady_clock::now();
    SearchResult result;
    try {
        result = engine_.search(req);
    } catch (const UsageError& e) {
        return error(400, e.what(), "search");
    }
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ApiFields api;
    for (const Hit& h : result.hits)
        api.snippet_html.push_back(
            highlighted_html(h.snippet.text, h.snippet.highlights, pre, post));
    api.chapter_facets = chapter_facets;
    api.section_facets = section_facets;
    api.took_ms = std::round(took * 10000) / 10;
    api.timed_out = took >= limits_.search_seconds;
    api.limit = limit;
    // Written straight, not as a tree: that was a quarter of a request's instructions.
    std::string body;
    append_result_json(result, body, &api);
    return body_response(200, std::move(body), "search");
}

Response Api::passage(const std::string& id) {
    if (!plausible_id(id)) return error(404, "no passage has this id", "passage");
    std::optional<PassageInContext> c = engine_.passage(id, 1);
    if (!c) return error(404, "no passage has the id " + id, "passage");
    json j = {
        {"passage", passage_object(c->passage)},
        {"previous", c->before.empty() ? json(nullptr) : passage_object(c->before.back())},
        {"next", c->after.empty() ? json(nullptr) : passage_object(c->after.front())},
        {"section", {{"number", c->passage.section_number}, {"title", c->passage.section_title}}}};
    return json_response(200, j, "passage");
}

Response Api::suggest(const Params& params) {
    std::string q;
    long limit = 8;
    std::set<std::string> seen;
    for (const auto& [name, value] : params) {
        if (name != "q" && name != "limit")
            return error(400, "unknown parameter " + name + " (known: q, limit)", "suggest");
        if (!seen.insert(name).second)
            return error(400, "parameter " + name + " given twice", "suggest");
        if (name == "q") q = value;
        if (name == "limit" && !parse_count(value, 1, 20, limit))
            return error(400, "limit: a whole number from 1 to 20", "suggest");
    }
    if (q.size() > limits_.max_query_bytes)
        return error(400, "q is longer than " + std::to_string(limits_.max_query_bytes) + " bytes",
                     "suggest");
    // The last word, inside its quote, bracket or +/- mark; none after a space (the word is
    // finished), in a filter (avsnitt:...) or for an operator.
    const size_t space = q.find_last_of(' ');
    const std::string head = space == std::string::npos ? "" : q.substr(0, space + 1);
    std::string last = space == std::string::npos ? q : q.substr(space + 1);
    size_t marks = 0;
    while (marks < last.size() && std::string("\"(+-").find(last[marks]) != std::string::npos)
        ++marks;
    const std::string typed = last.substr(marks);
    std::string word = fold_case(nfc(replace_controls(typed, "")));
    json completions = json::array();
    const bool is_word = !word.empty() && word.find_first_of(":*\")") == std::string::npos &&
                         typed != "AND" && typed != "OR" && typed != "NOT" && typed != "NEAR";
    if (is_word) {
        for (const Completion& c : engine_.complete(word, static_cast<size_t>(limit)))
            completions.push_back({{"word", c.word},
                                   {"count", c.count},
                                   {"query", head + last.substr(0, marks) + c.word}});
    }
    return json_response(200, {{"query", q}, {"word", word}, {"completions", completions}},
                         "suggest");
}

Response Api::health() {
    engine_.complete("", 0);  // brings a handle to the newest revision, or throws
    json j = {{"status", "ok"}, {"revision", engine_.revision()}, {"db", db_}};
    return json_response(200, j, "healthz");
}

}  // namespace rapportsok
