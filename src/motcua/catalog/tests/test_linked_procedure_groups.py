"""The Decree 63/2024 linked groups attach the procedures present, and loading twice changes nothing."""

import pytest

from motcua.catalog import models as m
from motcua.catalog.linked_groups import load_linked_groups

from .factories import create_procedure


@pytest.mark.django_db
def test_birth_group_links_birth_and_residence_registration():
    create_procedure("1.001193", "Thủ tục đăng ký khai sinh")
    create_procedure("1.004222", "Đăng ký thường trú")
    missing = load_linked_groups()
    load_linked_groups()
    group = m.LinkedProcedureGroup.objects.get(code="LT-KS-TT-BHYT")
    assert sorted(group.procedures.values_list("code", flat=True)) == ["1.001193", "1.004222"]
    assert missing["LT-KS-TT-BHYT"] == ["2.000986"]
    assert m.LinkedProcedureGroup.objects.count() == 2
