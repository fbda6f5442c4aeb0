# Turns a text file into a C++ source that holds its text as rapportsok::NAME.
file(READ ${IN} content)
set(out "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace rapportsok {\nextern const std::string_view ${NAME};\nconst std::string_view ${NAME} = R\"EMBEDDED(${content})EMBEDDED\";\n}\n")
file(WRITE ${OUT} "${out}")
