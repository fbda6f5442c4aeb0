// The fuzz targets' logic as plain functions, so that libFuzzer and a Catch2 test (which replays
// tests/fuzz/regressions/) run the very same code. A broken invariant throws FuzzFailure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rapportsok::fuzz {

class FuzzFailure : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

// Arbitrary bytes as a report file: decode_source -> clean -> structure. Bad input may be
// refused (InputError); anything else must hold the passages' invariants.
void read_clean_structure(const uint8_t* data, size_t size);

// Arbitrary bytes as a query: split_filters, normalise_query, well_formed, then plan_query and a
// search on a tiny database built once (in a temporary folder) from a few passages, and both
// printers. A query may be refused (UsageError); nothing else may escape.
void query(const uint8_t* data, size_t size);

}  // namespace rapportsok::fuzz
