// A bounded memo: what searches remember (known terms, word expansions, word forms), emptied
// before it would grow past its bound, so that memory stays bounded whatever is asked.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>

namespace rapportsok {

template <class Value>
class BoundedMemo {
  public:
    explicit BoundedMemo(size_t max_entries) : max_(max_entries) {}

    // The value remembered for key, or nullptr.
    Value* find(const std::string& key) {
        auto it = map_.find(key);
        return it == map_.end() ? nullptr : &it->second;
    }
    // Remembers value for key (a new key: the memo is emptied first when full). The reference
    // stays valid until the memo is emptied.
    Value& put(const std::string& key, Value value) {
        auto it = map_.find(key);
        if (it != map_.end()) return it->second = std::move(value);
        if (map_.size() >= max_) map_.clear();
        return map_.emplace(key, std::move(value)).first->second;
    }
    void clear() { map_.clear(); }
    size_t size() const { return map_.size(); }
    size_t max_size() const { return max_; }

  private:
    size_t max_;
    std::unordered_map<std::string, Value> map_;
};

}  // namespace rapportsok
