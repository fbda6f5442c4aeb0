// JSON written straight into a string, byte for byte as nlohmann::json's
// dump(-1, ' ', false, error_handler_t::replace) prints the same values, without building a
// tree first (a search's answer is most of a request's JSON cost).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rapportsok {

class JsonOut {
  public:
    explicit JsonOut(std::string& out) : out_(out) {}

    // A string: quotes, backslashes and control characters escaped, invalid UTF-8 as U+FFFD.
    void string(std::string_view s);
    void number(long long n);
    void number(double d);  // not finite: null
    void boolean(bool b) { out_ += b ? "true" : "false"; }
    void null() { out_ += "null"; }
    void strings(const std::vector<std::string>& list);  // an array of strings
    // Punctuation and keys, as written ("{\"id\":", ",", "]").
    void raw(std::string_view s) { out_ += s; }

  private:
    std::string& out_;
};

}  // namespace rapportsok
