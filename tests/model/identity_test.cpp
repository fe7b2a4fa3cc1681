// Terms (model/identity.hpp): literal text with values AWS assigns in it. A term's assigned parts
// are shared by the terms built from it; equality is by value all the same.
#include <xc/model/identity.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace identity_test {

using xc::model::Assigned;
using xc::model::Term;

namespace {
Assigned api_id(std::string stand_in = "a1b2c3d4e5") { return Assigned{"svc/rest-api/orders", "id", 10, std::move(stand_in)}; }
}  // namespace

TEST(Term, EqualityIsByValueWhetherAssignedPartsAreSharedOrMadeApart) {
    const Term name = Term::of(api_id());
    const Term arn = Term::literal("arn:aws:execute-api:eu-central-1:111111111111:").append(name);  // shares name's part
    const Term apart = Term::literal("arn:aws:execute-api:eu-central-1:111111111111:").append(api_id());
    EXPECT_EQ(arn.parts().back().assigned, name.parts().front().assigned);  // shared, not copied
    EXPECT_NE(apart.parts().back().assigned, name.parts().front().assigned);
    EXPECT_EQ(arn, apart);
    EXPECT_EQ(arn.stand_in(), "arn:aws:execute-api:eu-central-1:111111111111:a1b2c3d4e5");
    EXPECT_EQ(arn.display(), "arn:aws:execute-api:eu-central-1:111111111111:${svc/rest-api/orders.id}");
    // Any difference in the assigned value, or where it stands, makes another term.
    EXPECT_NE(arn, Term::literal("arn:aws:execute-api:eu-central-1:111111111111:").append(api_id("zzzzzzzzzz")));
    Assigned other_owner = api_id();
    other_owner.owner = "svc/rest-api/other";
    EXPECT_NE(arn, Term::literal("arn:aws:execute-api:eu-central-1:111111111111:").append(other_owner));
    Assigned other_length = api_id();
    other_length.length = 0;
    EXPECT_NE(arn, Term::literal("arn:aws:execute-api:eu-central-1:111111111111:").append(other_length));
    EXPECT_NE(arn, Term::literal("arn:aws:execute-api:eu-central-1:222222222222:").append(name));
    EXPECT_NE(name, Term::literal("a1b2c3d4e5"));  // a stand-in is not the value: no literal equals it
    EXPECT_NE(Term::of(api_id()).append("/*"), Term::of(api_id()));
    // Literal text joins into one part, on either side of an assigned one.
    const Term joined = Term::literal("a").append("b").append(name).append("c").append(Term::literal("d"));
    ASSERT_EQ(joined.parts().size(), 3u);
    EXPECT_EQ(joined.parts()[0].text, "ab");
    EXPECT_EQ(joined.parts()[2].text, "cd");
    EXPECT_TRUE(Term::literal("x").is_literal());
    EXPECT_FALSE(joined.is_literal());
    EXPECT_EQ(joined.literal_prefix(), "ab");
}

}  // namespace identity_test
