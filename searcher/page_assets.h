// The search page's files (searcher/page/), compiled into the program by CMake
// (searcher/embed_assets.cmake): the only files the server ever sends.
#pragma once

#include <string_view>
#include <vector>

namespace rapportsok {

struct PageAsset {
    std::string_view path;  // as requested: "/", "/app.js", ...
    std::string_view content_type;
    std::string_view body;
};

const std::vector<PageAsset>& page_assets();

}  // namespace rapportsok
