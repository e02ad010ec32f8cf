from reviews.enums import ReviewState
from reviews.permissions import visible_reviews


def test_the_cast_sees_the_review_as_their_roles_allow(cast):
    seen = {
        name: (visible_reviews(user).filter(pk=cast.review.pk).exists() if user else False)
        for name, user in cast.members().items()
        if user is not None
    }
    assert seen == {
        "secretariat": True,
        "sca_member": True,
        "recused_sca_member": False,
        "bureau_member": False,
        "focal_point": True,
        "other_focal_point": False,
        "observer": False,
    }
    assert cast.review.state == ReviewState.INVITED
