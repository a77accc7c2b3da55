"""The Conversations state of one account, one module per resource; account.py joins them."""
