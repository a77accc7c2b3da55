"""The emulated account's Conversations state: every resource's model joined in one object,
as moto's backends join theirs, so the HTTP side and the persistence see one account.

Refusals carry Twilio's own error code for the case where Twilio's published list has one
(errors.py; the full table, with the reason for each choice, is in docs/emulator.md): 50104
for a permission a role type does not have, 50375/50379 for a bad inactive timer, and so on.
What the list has no code for is 400 / 20001, the code Twilio itself answers for a missing or
malformed parameter. A refusal because of the account's current state (a duplicate, deleting
what something else depends on) is 409 / 20409. Each resource's integrity rules are in its
module's docstring.
"""

from __future__ import annotations

from reconciler.emulator.apis.conversations.models.addresses import AddressesModel
from reconciler.emulator.apis.conversations.models.configuration import ConfigurationModel
from reconciler.emulator.apis.conversations.models.conversations import ConversationsModel
from reconciler.emulator.apis.conversations.models.credentials import CredentialsModel
from reconciler.emulator.apis.conversations.models.services import ServicesModel
from reconciler.emulator.apis.conversations.models.webhooks import WebhooksModel


class Account(
    ConfigurationModel,
    WebhooksModel,
    ServicesModel,
    ConversationsModel,
    AddressesModel,
    CredentialsModel,
):
    """One Twilio account's Conversations configuration. Not thread-safe: callers lock."""

    @classmethod
    def fresh(cls, account_sid: str) -> Account:
        """A new account as Twilio hands it out: with its default conversation service."""
        account = cls(account_sid)
        service = account._create_service("Default Conversations Service")
        account.configuration["default_chat_service_sid"] = service["sid"]
        account._touch("configuration")
        return account
