# Turns stopwords/swedish.txt into a C++ source holding its text.
file(READ ${IN} content)
string(LENGTH "${content}" n)
set(out "// Generated from stopwords/swedish.txt; do not edit.\n#include <string_view>\nnamespace rapportsok {\nextern const std::string_view kStopwordsText;\nconst std::string_view kStopwordsText = R\"STOPWORDS(${content})STOPWORDS\";\n}\n")
file(WRITE ${OUT} "${out}")
