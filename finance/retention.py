"""The finance app's part in the retention schedule and the privacy notice."""

from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.notice import register_purpose

# No retention category of its own: donor records are kept as the law on party
# donations requires and reviewed by hand, not removed by the nightly run; the
# record of processing shows the purpose's `kept`.
register_purpose(
    "finance",
    title=_("Donations and the CLP's accounts"),
    why=_(
        "Checking donations are permissible, reporting them to the Electoral "
        "Commission through the party, and keeping the CLP's accounts."
    ),
    data=_("Name, address, donations, permissibility checks, payments for events"),
    people=_("Donors, and people who pay for events"),
    basis=_("Legal obligation under PPERA 2000 (art. 6(1)(c))"),
    special=_(
        "Political opinions shown by donating: art. 9(2)(d) for members, and art. "
        "9(2)(g) with the Data Protection Act 2018, schedule 1 paragraph 22"
    ),
    models=("finance.Donor", "finance.Donation", "finance.BookingPayment"),
    kept=_("Six years after the financial year, then reviewed"),
    order=80,
)
