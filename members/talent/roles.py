"""What each office role may do with interests, candidates, forums and post."""

from members.roles import Role, grant_to_roles


def _crud(model: str, verbs=("view", "add", "change", "delete")) -> list[str]:
    return [f"members.{verb}_{model}" for verb in verbs]


# Every officer can look up who has which skill (finding a Welsh speaker for a
# stall, a designer for a leaflet); those who edit people's records record them.
# The list itself is shared by every CLP: the officers who keep the membership
# records add to it (retiring an entry keeps who had it).
_PEOPLE_EDITORS = (
    Role.CHAIR,
    Role.SECRETARY,
    Role.MEMBERSHIP_SECRETARY,
    Role.CAMPAIGN_COORDINATOR,
    Role.VOLUNTEER_MANAGER,
)

# Who is thinking of standing is sensitive inside a CLP: only the officers who
# find and prepare candidates see it, not the treasurer or social secretary.
CANDIDATE_ROLES = (Role.CHAIR, Role.SECRETARY, Role.POLITICAL_EDUCATION)

# Forums: every officer sees them; the officers who look after the groups the
# forums serve set them up and keep their membership.
FORUM_EDITORS = (
    Role.CHAIR,
    Role.SECRETARY,
    Role.MEMBERSHIP_SECRETARY,
    Role.WOMENS_OFFICER,
    Role.YOUTH_OFFICER,
    Role.ETHNIC_MINORITY_OFFICER,
)


def register() -> None:
    grant_to_roles(
        Role.values, ["members.view_interest", "members.view_personinterest"]
    )
    grant_to_roles(
        _PEOPLE_EDITORS, _crud("personinterest", ("add", "change", "delete"))
    )
    grant_to_roles(
        (Role.CHAIR, Role.SECRETARY, Role.MEMBERSHIP_SECRETARY),
        ["members.add_interest", "members.change_interest"],
    )
    grant_to_roles(CANDIDATE_ROLES, [*_crud("candidate"), *_crud("shadowingplacement")])
    grant_to_roles(
        Role.values,
        [
            "members.view_forum",
            "members.view_forummembership",
            "members.view_forumofficer",
        ],
    )
    grant_to_roles(
        FORUM_EDITORS,
        [
            *_crud("forum", ("add", "change", "delete")),
            *_crud("forummembership", ("add", "change", "delete")),
            *_crud("forumofficer", ("add", "change", "delete")),
        ],
    )
