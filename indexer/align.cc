#include "indexer/align.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>
#include <string_view>
#include <unordered_map>

namespace rapportsok {

namespace {

// A stretch of before [o0, o1) and of after [n0, n1) still to be aligned, or left changed.
struct Range {
    size_t o0, o1, n0, n1;
};

// A hunk this big is a rewrite, not an edit: pairing its passages by likeness would cost
// k × m comparisons for nothing a reader could follow.
constexpr size_t kMaxLikenessPairs = 40000;
// Passages whose word sets share at least this (Dice) are one passage edited.
constexpr double kLikeEnough = 0.5;

std::set<std::string> words_of(std::string_view text) {
    std::set<std::string> out;
    std::string w;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || std::isalnum(u)) {
            w += static_cast<char>(std::tolower(u));
        } else if (!w.empty()) {
            out.insert(w);
            w.clear();
        }
    }
    if (!w.empty()) out.insert(w);
    return out;
}

double likeness(const std::set<std::string>& a, const std::set<std::string>& b) {
    if (a.empty() && b.empty()) return 1;
    size_t common = 0;
    for (const std::string& w : a) common += b.count(w);
    return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
}

class Aligner {
  public:
    Aligner(const std::vector<std::string>& before, const std::vector<std::string>& after)
        : b_(before), a_(after), match_(after.size(), -1), used_(before.size(), false) {}

    std::vector<long> run() {
        std::vector<Range> todo{{0, b_.size(), 0, a_.size()}};
        while (!todo.empty()) {
            const Range r = todo.back();
            todo.pop_back();
            split(r, todo);
        }
        match_moved();
        for (const Range& h : hunks_) pair_changed(h);
        return match_;
    }

  private:
    void link(size_t o, size_t n) {
        match_[n] = static_cast<long>(o);
        used_[o] = true;
    }

    // Matches the common ends of r and its texts that occur once on each side (in the longest
    // run that keeps their order), and queues the stretches between them.
    void split(Range r, std::vector<Range>& todo) {
        while (r.o0 < r.o1 && r.n0 < r.n1 && b_[r.o0] == a_[r.n0]) link(r.o0++, r.n0++);
        while (r.o0 < r.o1 && r.n0 < r.n1 && b_[r.o1 - 1] == a_[r.n1 - 1]) link(--r.o1, --r.n1);
        if (r.o0 == r.o1 || r.n0 == r.n1) {
            if (r.o0 < r.o1 || r.n0 < r.n1) hunks_.push_back(r);
            return;
        }
        struct Seen {
            size_t in_before = 0, in_after = 0, at_before = 0, at_after = 0;
        };
        std::unordered_map<std::string_view, Seen> seen;
        for (size_t o = r.o0; o < r.o1; ++o) {
            Seen& s = seen[b_[o]];
            ++s.in_before;
            s.at_before = o;
        }
        for (size_t n = r.n0; n < r.n1; ++n) {
            auto it = seen.find(a_[n]);
            if (it == seen.end()) continue;
            ++it->second.in_after;
            it->second.at_after = n;
        }
        std::vector<std::pair<size_t, size_t>> unique;  // (after, before), by after
        for (const auto& [text, s] : seen)
            if (s.in_before == 1 && s.in_after == 1) unique.emplace_back(s.at_after, s.at_before);
        std::sort(unique.begin(), unique.end());
        const std::vector<std::pair<size_t, size_t>> anchors = in_order(unique);
        if (anchors.empty()) {
            hunks_.push_back(r);
            return;
        }
        size_t o = r.o0, n = r.n0;
        for (const auto& [an, ao] : anchors) {
            todo.push_back({o, ao, n, an});
            link(ao, an);
            o = ao + 1;
            n = an + 1;
        }
        todo.push_back({o, r.o1, n, r.n1});
    }

    // The longest run of pairs (sorted by after) whose before indices increase too (patience
    // sorting).
    static std::vector<std::pair<size_t, size_t>> in_order(
        const std::vector<std::pair<size_t, size_t>>& pairs) {
        std::vector<size_t> tails;  // index into pairs of the smallest tail of each length
        std::vector<long> previous(pairs.size(), -1);
        for (size_t i = 0; i < pairs.size(); ++i) {
            auto at =
                std::lower_bound(tails.begin(), tails.end(), pairs[i].second,
                                 [&](size_t t, size_t before) { return pairs[t].second < before; });
            if (at != tails.begin()) previous[i] = static_cast<long>(*(at - 1));
            if (at == tails.end())
                tails.push_back(i);
            else
                *at = i;
        }
        std::vector<std::pair<size_t, size_t>> out;
        for (long i = tails.empty() ? -1 : static_cast<long>(tails.back()); i >= 0;
             i = previous[static_cast<size_t>(i)])
            out.push_back(pairs[static_cast<size_t>(i)]);
        std::reverse(out.begin(), out.end());
        return out;
    }

    // A passage moved elsewhere in the file (or a repeated text) continues an equal one.
    void match_moved() {
        std::unordered_map<std::string_view, std::deque<size_t>> left;
        for (size_t o = 0; o < b_.size(); ++o)
            if (!used_[o]) left[b_[o]].push_back(o);
        if (left.empty()) return;
        for (size_t n = 0; n < a_.size(); ++n) {
            if (match_[n] >= 0) continue;
            auto it = left.find(a_[n]);
            if (it == left.end() || it->second.empty()) continue;
            link(it->second.front(), n);
            it->second.pop_front();
        }
    }

    // What went and came between two matched neighbours: edits in place.
    void pair_changed(const Range& h) {
        std::vector<size_t> went, came;
        for (size_t o = h.o0; o < h.o1; ++o)
            if (!used_[o]) went.push_back(o);
        for (size_t n = h.n0; n < h.n1; ++n)
            if (match_[n] < 0) came.push_back(n);
        if (went.empty() || came.empty()) return;
        if (went.size() == came.size()) {
            for (size_t i = 0; i < went.size(); ++i) link(went[i], came[i]);
            return;
        }
        if (went.size() * came.size() > kMaxLikenessPairs) return;
        // The pairs, in order on both sides, of most likeness in all (each like enough).
        std::vector<std::set<std::string>> wb, wa;
        for (size_t o : went) wb.push_back(words_of(b_[o]));
        for (size_t n : came) wa.push_back(words_of(a_[n]));
        const size_t k = went.size(), m = came.size();
        std::vector<std::vector<double>> best(k + 1, std::vector<double>(m + 1, 0));
        std::vector<std::vector<double>> like(k, std::vector<double>(m, 0));
        for (size_t i = 1; i <= k; ++i) {
            for (size_t j = 1; j <= m; ++j) {
                like[i - 1][j - 1] = likeness(wb[i - 1], wa[j - 1]);
                double v = std::max(best[i - 1][j], best[i][j - 1]);
                if (like[i - 1][j - 1] >= kLikeEnough)
                    v = std::max(v, best[i - 1][j - 1] + like[i - 1][j - 1]);
                best[i][j] = v;
            }
        }
        for (size_t i = k, j = m; i > 0 && j > 0;) {
            if (like[i - 1][j - 1] >= kLikeEnough &&
                best[i][j] == best[i - 1][j - 1] + like[i - 1][j - 1]) {
                link(went[i - 1], came[j - 1]);
                --i, --j;
            } else if (best[i][j] == best[i - 1][j]) {
                --i;
            } else {
                --j;
            }
        }
    }

    const std::vector<std::string>& b_;
    const std::vector<std::string>& a_;
    std::vector<long> match_;
    std::vector<bool> used_;
    std::vector<Range> hunks_;
};

}  // namespace

std::vector<long> align_passages(const std::vector<std::string>& before,
                                 const std::vector<std::string>& after) {
    return Aligner(before, after).run();
}

}  // namespace rapportsok
