// What a front end could not resolve, recorded in the model instead of guessed.
//
// Front ends that read deployments (Terraform, CloudFormation) meet values known only at apply
// time that no given root or stack links (a data source reading a secret nobody here creates),
// constructs or functions xc does not evaluate, and resources xc does not model that could still
// change a verdict (a second policy attachment on an API, a method setting). Each becomes an
// `Unresolved` on the resource whose value or setting it affects; the resource's value in the
// model is then only a placeholder. The verifier never proves a property whose verdict depends
// on such a resource: the finding is UNDECIDED and names every unresolved item (origin and
// reason) — "PROVED only when it holds for every value the unknown could take", and xc does not
// yet reason over those values.
#pragma once

#include <string>

namespace xc::model {

struct Unresolved {
    std::string resource;  // the model path (`path`) of the affected resource, e.g. its RestApi's
    std::string value;     // the model path of the affected value within it (a policy, a field)
    std::string origin;    // what it is: "data.aws_secretsmanager_secret_version.endpoint.secret_string",
                           // "[services] aws_api_gateway_method_settings.all (not modelled)"
    std::string reason;    // why it is unknown: "read at apply time; no given root creates secret 'x/y'"
    friend bool operator==(const Unresolved&, const Unresolved&) = default;
};

}  // namespace xc::model
