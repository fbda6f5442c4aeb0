# Turns a long text file into a C++ source that holds it as rapportsok::NAME, an array of
# NAME_count pieces of whole lines, each short enough for -Wpedantic (a string literal of more
# than 65535 bytes is not portable):
#   cmake -DIN=words.txt -DOUT=words_data.cc -DNAME=kWords -P embed_lines.cmake
file(READ ${IN} content)
string(LENGTH "${content}" length)
set(pieces "")
set(count 0)
set(offset 0)
while(offset LESS length)
  string(SUBSTRING "${content}" ${offset} 60000 piece)
  string(LENGTH "${piece}" piece_length)
  math(EXPR end "${offset} + ${piece_length}")
  if(end LESS length)
    string(FIND "${piece}" "\n" last REVERSE)
    if(last LESS 0)
      message(FATAL_ERROR "${IN}: a line longer than 60000 bytes")
    endif()
    math(EXPR piece_length "${last} + 1")
    string(SUBSTRING "${piece}" 0 ${piece_length} piece)
  endif()
  string(APPEND pieces "    R\"EMBEDDED(${piece})EMBEDDED\",\n")
  math(EXPR offset "${offset} + ${piece_length}")
  math(EXPR count "${count} + 1")
endwhile()
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.
#include <cstddef>
#include <string_view>
namespace rapportsok {
extern const std::string_view ${NAME}[];
extern const size_t ${NAME}_count;
const std::string_view ${NAME}[] = {
${pieces}};
const size_t ${NAME}_count = ${count};
}
")
