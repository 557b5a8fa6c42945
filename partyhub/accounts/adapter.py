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

    def get_from_email(self) -> str:
        return self._from_email or super().get_from_email()

    _from_email = ""

    def send_mail(self, template_prefix, email, context):
        # Account mail comes from the person's constituency party by name.
        from partyhub.accounts.services import account_from_email

        self._from_email = account_from_email(email)
        try:
            return super().send_mail(template_prefix, email, context)
        finally:
            self._from_email = ""

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # Claiming an account says "welcome" once, itself: no second banner.
        if getattr(request, "account_claimed", False) and message_template == (
            "account/messages/logged_in.txt"
        ):
            return None
        return super().add_message(request, level, message_template, *args, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # The admin opens only behind an authenticator app: an officer (or a
        # regional organiser) keeps theirs while in office.
        if authenticator.type == Authenticator.Type.TOTP and is_officer(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
