// The floor of a cold search on this machine: a process that links libxapian and ICU (as the
// searcher does), opens the database, runs a one-word query and exits.
//
//   floor DB WORD
#include <unicode/uchar.h>
#include <xapian.h>

#include <iostream>

int main(int argc, char** argv) try {
    if (argc != 3) return 2;
    Xapian::Database db(argv[1]);
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(argv[2]));
    Xapian::MSet m = enquire.get_mset(0, 10);
    std::cout << m.get_matches_estimated() << (u_isalpha(0xe5) ? "\n" : "?\n");
    return 0;
} catch (const Xapian::Error& e) {
    std::cerr << e.get_description() << "\n";
    return 2;
}
