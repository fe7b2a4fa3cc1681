// The Terraform addresses a root declares, read from the emitted text: what the Terraform and
// CloudFormation tests compare.
#pragma once

#include <xc/emit/file_set.hpp>

#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace xc::test {

// "type.name" / "data.type.name" of every block declared in root `root` of `files`.
inline std::set<std::string> terraform_addresses(const emit::FileSet& files, const std::string& root) {
    static const std::regex block(R"re(^(resource|data) "([a-z0-9_]+)" "([a-z0-9_]+)" \{$)re");
    std::set<std::string> out;
    for (const auto& [path, file] : files.files()) {
        if (path.rfind(root + "/", 0) != 0 || !path.ends_with(".tf")) continue;
        std::istringstream in{std::string(file.content)};
        for (std::string line; std::getline(in, line);) {
            std::smatch m;
            if (std::regex_match(line, m, block)) out.insert((m[1] == "data" ? "data." : "") + m[2].str() + "." + m[3].str());
        }
    }
    return out;
}

}  // namespace xc::test
