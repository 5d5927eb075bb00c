// genrec manpage (hidden): genrec(1) in roff, generated at build time from the same option
// definitions, descriptions and examples as --help.
#include <iostream>

#include "command_table.h"
#include "commands.h"
#include "genrec_version.h"

namespace genrec::cli {
namespace {

// roff-safe text: backslashes doubled, '-' as \- (a real minus), no line starting with . or '.
std::string roff(const std::string& s) {
  std::string out;
  bool line_start = true;
  for (char c : s) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
    line_start = c == '\n';
  }
  return out;
}

void write_options(std::ostream& out, const CommandDoc& c) {
  for (const OptionDoc& o : c.options) {
    std::string names;
    for (const std::string& n : o.names)
      names += (names.empty() ? "" : ", ") + ("\\fB" + roff(n) + "\\fR");
    if (o.names.empty())
      names = "\\fI" + roff(o.positional) + "\\fR";
    else if (o.takes_value)
      names += " \\fIVALUE\\fR";
    out << ".TP\n" << names << "\n" << roff(o.description);
    if (!o.choices.empty()) {
      std::string list;
      for (const std::string& v : o.choices) list += (list.empty() ? "" : ", ") + v;
      out << " (one of: " << roff(list) << ")";
    }
    if (!o.default_value.empty()) out << " [default: " << roff(o.default_value) << "]";
    if (!o.env.empty()) out << " [env: " << o.env << "]";
    out << "\n";
  }
}

// The footer as written for --help, kept line by line.
void write_footer(std::ostream& out, const std::string& footer) {
  if (footer.empty()) return;
  out << ".PP\n.nf\n" << roff(footer) << "\n.fi\n";
}

void write_manpage(std::ostream& out, const std::vector<CommandDoc>& table) {
  out << ".TH GENREC 1 \"\" \"genrec " << kVersion << "\" \"User Commands\"\n"
      << ".SH NAME\ngenrec \\- "
      << roff(table[0].description.substr(table[0].description.find(": ") + 2))
      << "\n.SH SYNOPSIS\n\\fBgenrec\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
      << ".SH DESCRIPTION\n"
      << "Results go to standard output; logs, warnings and progress to standard error. Exit "
         "status: 0 success, 1 at least one input failed (the others are still processed), 2 "
         "usage error.\n"
      << ".SH OPTIONS\n";
  write_options(out, table[0]);
  write_footer(out, table[0].footer);
  out << ".SH COMMANDS\n";
  for (std::size_t i = 1; i < table.size(); ++i) {
    out << ".SS \"genrec " << table[i].name << "\"\n" << roff(table[i].description) << ".\n";
    write_options(out, table[i]);
    write_footer(out, table[i].footer);
  }
  out << ".SH SEE ALSO\nThe README of the genrec sources.\n";
}

}  // namespace

void setup_manpage(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("manpage", "Print genrec(1) in roff");
  cmd->group("");  // a build step, not for users
  cmd->callback([&app] { write_manpage(std::cout, command_table(app)); });
}

}  // namespace genrec::cli
