"""No sequence of syncs, address edits and refreshes ever leaves two equal addresses."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmsync.crm.models import Account, Address
from firmsync.crm.services import add_address, create_company, update_address, update_company
from firmsync.enrichment.services.addon import activate
from firmsync.enrichment.services.sync import Engine, sync_cards

from .conftest import LEMNLIND, TRADECENTER

pytestmark = pytest.mark.django_db

# The registered offices of the two companies, written the ways users write them, and
# other addresses.
SPELLINGS = [
    {"street": "Calea AVRAM", "number": "121", "locality": "Tulcea", "postal_code": "828889"},
    {"street": "CALEA AVRAM NR. 121", "locality": "TULCEA", "details": "828889"},
    {
        "street": "calea avram",
        "number": "nr 121",
        "locality": "Tulcea",
        "county": "Tulcea",
        "postal_code": "828889",
    },
    {"street": "Str. ȘCOLII", "number": "3", "locality": "Cluj-Napoca", "postal_code": "400001"},
    {"street": "STR SCOLII 3", "locality": "CLUJ-NAPOCA", "details": "400001", "county": "Cluj"},
    {"street": "Bd. Unirii", "number": "7", "locality": "București"},
    {"street": "Bulevardul Unirii", "number": "7", "locality": "Bucuresti"},
]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("sync"), st.sampled_from([TRADECENTER, LEMNLIND])),
        st.tuples(st.just("add"), st.integers(0, len(SPELLINGS) - 1)),
        st.tuples(st.just("edit"), st.integers(0, len(SPELLINGS) - 1)),
        st.tuples(st.just("refresh"), st.just(0)),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_never_two_equal_addresses(
    steps: list[tuple[str, object]], account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin, start_backfill=lambda _: None)
    card = create_company(account, name="Card")
    for action, value in steps:
        if action == "sync":
            update_company(card, {"cui_input": str(value)})
            sync_cards([card], engine)
        elif action == "refresh":
            sync_cards([card], engine)
        elif action == "add":
            add_address(card, **SPELLINGS[int(str(value))])
        else:
            mine = Address.objects.filter(company=card, origin="user").first()
            if mine is not None:
                update_address(mine, **SPELLINGS[int(str(value))])
        keys = list(Address.objects.filter(company=card).values_list("key", flat=True))
        assert len(keys) == len(set(keys)), (action, value, keys)
        offices = Address.objects.filter(company=card, origin="provider")
        assert offices.count() <= 1
