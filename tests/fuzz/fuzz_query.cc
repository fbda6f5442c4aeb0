// libFuzzer target: query bytes through parse -> plan -> search -> print.
#include "tests/fuzz/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    rapportsok::fuzz::query(data, size);
    return 0;
}
