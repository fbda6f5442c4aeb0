// libFuzzer target: report bytes through read -> clean -> structure.
#include "tests/fuzz/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    rapportsok::fuzz::read_clean_structure(data, size);
    return 0;
}
