from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Nobody creates an account out of thin air: members and supporters the
        # party already knows claim theirs; supporters join through their form.
        return False
