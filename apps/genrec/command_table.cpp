#include "command_table.h"

namespace genrec::cli {
namespace {

// CLI11 shows an IsMember check as "{a,b,c}" in the option's type name.
std::vector<std::string> choices_of(const CLI::Option& opt) {
  const std::string type = opt.get_type_name();
  const std::size_t open = type.find('{'), close = type.find('}');
  std::vector<std::string> out;
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  std::string item;
  for (char c : type.substr(open + 1, close - open - 1)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  out.push_back(item);
  return out;
}

CommandDoc command_doc(const CLI::App& app, const std::string& name) {
  CommandDoc doc{name, app.get_description(), app.get_footer(), {}};
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    OptionDoc o;
    for (const std::string& s : opt->get_snames()) o.names.push_back("-" + s);
    for (const std::string& l : opt->get_lnames()) o.names.push_back("--" + l);
    if (o.names.empty()) o.positional = opt->get_single_name();
    o.takes_value = opt->get_items_expected_max() > 0;
    o.description = opt->get_description();
    o.default_value = o.takes_value ? opt->get_default_str() : "";
    o.env = opt->get_envname();
    o.choices = choices_of(*opt);
    doc.options.push_back(std::move(o));
  }
  return doc;
}

}  // namespace

std::vector<CommandDoc> command_table(const CLI::App& app) {
  std::vector<CommandDoc> table = {command_doc(app, "")};
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    table.push_back(command_doc(*sub, sub->get_name()));
  return table;
}

}  // namespace genrec::cli
