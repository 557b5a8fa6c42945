from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from partyhub.scoping import is_officer


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Nobody creates an account out of thin air: members and supporters the
        # party already knows claim theirs; supporters join through their form.
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # The admin opens only behind an authenticator app: an officer (or a
        # regional organiser) keeps theirs while in office.
        if authenticator.type == Authenticator.Type.TOTP and is_officer(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
