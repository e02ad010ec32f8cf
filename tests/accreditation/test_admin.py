import pytest
from django.urls import reverse

from accreditation.models import Rule
from accreditation.rulebook import RuleKey
from tests.factories import UserFactory
from tests.pages import text


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def rule_form(rule, **changes):
    data = {
        "label": rule.label,
        "value": rule.value,
        "source": rule.source,
        "confidence": rule.confidence,
        "note": rule.note,
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_a_rule_edited_to_a_negative_value_is_refused_and_keeps_its_value(client, superuser):
    rule = Rule.objects.get(key=RuleKey.CHALLENGE_WINDOW)
    client.force_login(superuser)
    url = reverse("admin:accreditation_rule_change", args=[rule.pk])
    response = client.post(url, rule_form(rule, value="-5"))
    assert response.status_code == 200  # the form again, with the error
    assert "A rule cannot count a negative number." in text(response)
    rule.refresh_from_db()
    assert rule.value == 28


def test_a_threshold_edited_to_zero_is_refused(client, superuser):
    rule = Rule.objects.get(key=RuleKey.REFERRAL_MIN_OBJECTORS)
    client.force_login(superuser)
    url = reverse("admin:accreditation_rule_change", args=[rule.pk])
    response = client.post(url, rule_form(rule, value="0"))
    assert "A threshold must be at least 1." in text(response)
    rule.refresh_from_db()
    assert rule.value == 4


def test_a_rule_takes_a_new_value_but_keeps_its_key_unit_and_default(client, superuser):
    rule = Rule.objects.get(key=RuleKey.CHALLENGE_WINDOW)
    client.force_login(superuser)
    url = reverse("admin:accreditation_rule_change", args=[rule.pk])
    form = rule_form(rule, value="30", key="hacked", unit="years", default_value="1")
    response = client.post(url, form)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.key, rule.value, rule.unit, rule.default_value) == (
        RuleKey.CHALLENGE_WINDOW,
        30,
        "days",
        28,
    )
    assert rule.history.latest().value == 30  # the change is in the rule's history


def test_rules_are_neither_added_nor_deleted_in_the_admin(client, superuser):
    rule = Rule.objects.get(key=RuleKey.CHALLENGE_WINDOW)
    client.force_login(superuser)
    assert client.get(reverse("admin:accreditation_rule_add")).status_code == 403
    delete = reverse("admin:accreditation_rule_delete", args=[rule.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Rule.objects.filter(pk=rule.pk).exists()
