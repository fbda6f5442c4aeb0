#include "indexer/common/cli.h"

#include <unicode/uversion.h>
#include <xapian.h>

#include <cmath>
#include <iostream>
#include <sstream>
#include <vector>

#include "indexer/common/text.h"

#ifndef RAPPORTSOK_VERSION
#error "RAPPORTSOK_VERSION is set by indexer/CMakeLists.txt from the project's version"
#endif
#ifndef RAPPORTSOK_SNOWBALL_VERSION
#define RAPPORTSOK_SNOWBALL_VERSION "unknown"
#endif

namespace rapportsok::cli {

std::streambuf* install_safe_streams(bool stdout_too) {
    // The buffers live as long as the streams do (to their last flush at exit): never freed.
    static std::streambuf* const raw_stderr = std::cerr.rdbuf();
    static const bool installed = [&] {
        if (stdout_too) std::cout.rdbuf(new SafeLineBuf(std::cout.rdbuf()));
        std::cerr.rdbuf(new SafeLineBuf(raw_stderr));
        return true;
    }();
    (void)installed;
    return raw_stderr;
}

std::string version_text(const std::string& program) {
    UVersionInfo icu;
    u_getVersion(icu);
    char icu_text[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(icu, icu_text);
    return program + " (rapportsök) " RAPPORTSOK_VERSION "\nXapian " + Xapian::version_string() +
           ", ICU " + icu_text + ", Snowball (libstemmer) " RAPPORTSOK_SNOWBALL_VERSION;
}

CLI::Validator finite_range(double lo, double hi) {
    std::ostringstream desc;
    desc << "[" << lo << " - " << hi << "]";
    return CLI::Validator(
        [lo, hi](std::string& value) -> std::string {
            double v = 0;
            try {
                size_t used = 0;
                v = std::stod(value, &used);
                if (used != value.size()) return "not a number: " + value;
            } catch (const std::exception&) {
                return "not a number: " + value;
            }
            if (!std::isfinite(v)) return "not a finite number: " + value;
            if (v < lo || v > hi) {
                std::ostringstream m;
                m << value << " is out of range (" << lo << " to " << hi << ")";
                return m.str();
            }
            return std::string();
        },
        desc.str());
}

namespace {

// Thrown once --completion has printed its script: CLI11's way to end parsing with status 0.
class CompletionPrinted : public CLI::Success {};

struct OptionInfo {
    std::vector<std::string> names;  // "-n", "--limit"
    std::string help;
    bool takes_value = false;
    std::vector<std::string> choices;
    std::string kind;  // "dir", "file" or ""
};

std::vector<OptionInfo> options_of(const CLI::App& app, bool positional) {
    std::vector<OptionInfo> out;
    for (const CLI::Option* o : app.get_options()) {
        if (o->get_group().empty() && !positional) continue;  // hidden
        if (o->nonpositional() == positional) continue;
        OptionInfo info;
        for (const std::string& s : o->get_snames()) info.names.push_back("-" + s);
        for (const std::string& l : o->get_lnames()) info.names.push_back("--" + l);
        info.help = o->get_description();
        const std::string type = o->get_type_name();
        info.takes_value = !type.empty();  // flags have no type ("--json", not "--db DIR")
        size_t open = type.find('{'), close = type.find('}');
        if (open != std::string::npos && close != std::string::npos && close > open) {
            std::string list = type.substr(open + 1, close - open - 1);
            std::stringstream in(list);
            for (std::string c; std::getline(in, c, ',');)
                if (!c.empty()) info.choices.push_back(c);
        }
        if (type.rfind("DIR", 0) == 0) info.kind = "dir";
        if (type.rfind("FILE", 0) == 0 || type.rfind("PATH", 0) == 0) info.kind = "file";
        out.push_back(info);
    }
    return out;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

// A description inside a zsh _arguments spec: '[...]' with its own brackets and quotes tamed.
std::string zsh_help(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out;
}

std::string bash_script(const CLI::App& app, const std::vector<std::string>& words) {
    const std::string name = app.get_name();
    std::string fn = "_rapportsok_" + name;
    std::vector<std::string> all;
    std::ostringstream cases;
    for (const OptionInfo& o : options_of(app, false)) {
        all.insert(all.end(), o.names.begin(), o.names.end());
        if (!o.takes_value) continue;
        cases << "        " << join(o.names, "|") << ")\n";
        if (!o.choices.empty())
            cases << "            COMPREPLY=($(compgen -W \"" << join(o.choices, " ")
                  << "\" -- \"$cur\"))\n";
        else if (o.kind == "dir")
            cases << "            COMPREPLY=($(compgen -d -- \"$cur\"))\n";
        else if (o.kind == "file")
            cases << "            COMPREPLY=($(compgen -f -- \"$cur\"))\n";
        cases << "            return ;;\n";
    }
    std::string positional = "COMPREPLY=($(compgen -f -- \"$cur\"))";
    for (const OptionInfo& p : options_of(app, true))
        if (p.kind != "file")
            positional = "COMPREPLY=($(compgen -W \"" + join(words, " ") + "\" -- \"$cur\"))";
    std::ostringstream s;
    s << "# bash completion for " << name << " (rapportsök), made from its option table\n"
      << fn << "() {\n"
      << "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\"\n"
      << "    (( COMP_CWORD > 0 )) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      << "    # --opt=value: bash splits at the '='\n"
      << "    if [[ \"$cur\" == = ]]; then\n"
      << "        cur=\"\"\n"
      << "    elif [[ \"$prev\" == = ]] && (( COMP_CWORD > 1 )); then\n"
      << "        prev=\"${COMP_WORDS[COMP_CWORD-2]}\"\n"
      << "    fi\n"
      << "    case \"$prev\" in\n"
      << cases.str() << "    esac\n"
      << "    if [[ \"$cur\" == -* ]]; then\n"
      << "        COMPREPLY=($(compgen -W \"" << join(all, " ") << "\" -- \"$cur\"))\n"
      << "        return\n"
      << "    fi\n"
      << "    " << positional << "\n"
      << "}\n"
      << "complete -o filenames -o bashdefault -F " << fn << " " << name << "\n";
    return s.str();
}

std::string zsh_script(const CLI::App& app, const std::vector<std::string>& words) {
    const std::string name = app.get_name();
    std::ostringstream s;
    s << "#compdef " << name << "\n"
      << "# zsh completion for " << name << " (rapportsök), made from its option table\n"
      << "_arguments -s -S \\\n";
    for (const OptionInfo& o : options_of(app, false)) {
        std::string action;
        if (o.takes_value) {
            if (!o.choices.empty())
                action = ":value:(" + join(o.choices, " ") + ")";
            else if (o.kind == "dir")
                action = ":folder:_files -/";
            else if (o.kind == "file")
                action = ":file:_files";
            else
                action = ":value: ";
        }
        const std::string help = "[" + zsh_help(o.help) + "]" + action;
        if (o.names.size() == 1) {
            s << "  '" << o.names[0] << (o.takes_value ? "=" : "") << help << "' \\\n";
        } else {
            // Either form, not both: '(-n --limit)'{-n,--limit}'[...]'
            s << "  '(" << join(o.names, " ") << ")'{" << join(o.names, ",") << "}'" << help
              << "' \\\n";
        }
    }
    bool files = false;
    for (const OptionInfo& p : options_of(app, true)) files = files || p.kind == "file";
    if (files)
        s << "  '*:file:_files'\n";
    else
        s << "  '*:query:(" << join(words, " ") << ")'\n";
    return s.str();
}

}  // namespace

std::string completion_script(const CLI::App& app, const std::string& shell,
                              const std::vector<std::string>& words) {
    if (shell == "zsh") return zsh_script(app, words);
    return bash_script(app, words);
}

void add_common_options(CLI::App& app, const std::string& program,
                        const std::vector<std::string>& positional_words) {
    app.name(program);
    app.set_version_flag(
        "--version", [program] { return version_text(program); },
        "print the version (and Xapian's, ICU's, Snowball's) and exit");
    // Hidden (no group): the build runs it to make the completion files it installs.
    app.add_option_function<std::string>(
           "--completion",
           [&app, positional_words](const std::string& shell) {
               std::cout << completion_script(app, shell, positional_words) << std::flush;
               throw CompletionPrinted();
           },
           "print the shell completion script")
        ->check(CLI::IsMember({"bash", "zsh"}))
        ->group("");
}

int parse(CLI::App& app, int argc, char** argv, std::ostream& out, std::ostream& err,
          const Hint& hint) {
    try {
        app.parse(argc, argv);
        return -1;
    } catch (const CompletionPrinted&) {
        return 0;
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            app.exit(e, out, err);  // --help, --version
            return 0;
        }
        err << app.get_name() << ": " << e.what() << "\n";
        if (hint) {
            const std::string h = hint(e, argc, argv);
            if (!h.empty()) err << app.get_name() << ": " << h << "\n";
        }
        err << app.get_name() << ": run " << app.get_name() << " --help for the options\n";
        return 2;
    }
}

}  // namespace rapportsok::cli
