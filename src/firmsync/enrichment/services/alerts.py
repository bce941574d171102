"""The account's alert feed: marking alerts read (they are raised by ``apply`` and metering)."""

from __future__ import annotations

from firmsync.crm.errors import NotFound
from firmsync.crm.models import Account
from firmsync.enrichment.models import Alert

__all__ = ["alert_mark_read", "alerts_mark_read"]


def alert_mark_read(account: Account, alert_id: int) -> Alert:
    """One alert of the account, read (another account's is "not found")."""
    alert = Alert.objects.filter(account=account, pk=alert_id).first()
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    if not alert.read:
        alert.read = True
        alert.save(update_fields=["read"])
    return alert


def alerts_mark_read(account: Account) -> int:
    """Every unread alert of the account, read; how many."""
    return Alert.objects.filter(account=account, read=False).update(read=True)
