"""The host CRM: accounts, members, company cards and their addresses (DESIGN §4.2).

It knows nothing of the add-on: a card carries its own set of locked fields, which the card
services enforce whoever wrote them.
"""
