"""The fixed cast of the demo: two constituencies, their wards, branches, officers.

Everyone here is fictional. Ward and constituency names are real places; their
ONS codes and the postcodes in postcodes.csv look like the real ones (and pass
validation) but are made up. Phone numbers are from Ofcom's ranges kept for drama.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "partyhub-demo-2026"  # noqa: S105 - printed for the demo on purpose
ORGANISER_EMAIL = "organiser@example.org"


@dataclass(frozen=True)
class WardSpec:
    name: str
    ons_code: str
    # Postcode sectors ("B8 1") the demo postcodes of this ward are made in.
    sectors: tuple[str, ...]
    localities: tuple[str, ...]
    streets: tuple[str, ...]


@dataclass(frozen=True)
class OfficerSpec:
    role: str
    first_name: str
    last_name: str
    login: str | None
    ward: str
    branch: str | None = None


@dataclass(frozen=True)
class RepresentativeSpec:
    role: str  # ElectedRepresentative.Role value
    first_name: str
    last_name: str
    ward: str  # where they live
    wards: tuple[str, ...] = ()  # the wards a councillor represents


@dataclass(frozen=True)
class ConstituencySpec:
    name: str
    slug: str
    ons_code: str
    local_authority: str  # the oslaua column of the postcode file
    region: str  # the rgn column
    town: str
    landline_prefix: str
    membership_prefix: int
    email_domain: str
    postal_address: str
    description: str
    wards: tuple[WardSpec, ...]
    branches: tuple[tuple[str, tuple[str, ...]], ...]
    officers: tuple[OfficerSpec, ...]
    representatives: tuple[RepresentativeSpec, ...]
    member_login: tuple[str, str, str]  # first name, last name, ward
    # Weights of the name groups below among the people of this constituency.
    name_mix: dict[str, int] = field(default_factory=dict)
    easting: int = 0
    northing: int = 0
    latitude: float = 0.0
    longitude: float = 0.0


HODGE_HILL = ConstituencySpec(
    name="Birmingham Hodge Hill",
    slug="birmingham-hodge-hill",
    ons_code="E14000564",
    local_authority="E08000025",
    region="E12000005",
    town="Birmingham",
    landline_prefix="0121 496 0",
    membership_prefix=41,
    email_domain="hodgehill.example.org",
    postal_address=(
        "Birmingham Hodge Hill Labour Party\n"
        "Hodge Hill Community Hall, 310 Coleshill Road\n"
        "Birmingham\n"
        "B36 8BE"
    ),
    description=(
        "We are the Labour Party in Birmingham Hodge Hill: Bordesley Green, "
        "Heartlands, Hodge Hill, Shard End and Washwood Heath. Our Saturday "
        "leaflet team meets at 10:00 outside Washwood Heath library every week of "
        "the year, and our street-watch volunteers report dumped rubbish and "
        "anti-social behaviour to the ward councillors. Come to a social, join "
        "the supporters' club, or tell us what matters on your street."
    ),
    wards=(
        WardSpec(
            "Bordesley Green",
            "E05011121",
            ("B9 4", "B9 5"),
            ("Bordesley Green", "Small Heath"),
            (
                "Bordesley Green",
                "Bordesley Green Road",
                "Blake Lane",
                "Churchill Road",
                "Cherrywood Road",
                "Crossfield Road",
                "Drummond Road",
                "Belcher's Lane",
            ),
        ),
        WardSpec(
            "Heartlands",
            "E05011138",
            ("B8 2", "B8 3"),
            ("Ward End", "Alum Rock"),
            (
                "Ward End Road",
                "Sladefield Road",
                "Alum Rock Road",
                "Highfield Road",
                "Brook Hill Road",
                "Pelham Road",
                "Ward End Park Road",
            ),
        ),
        WardSpec(
            "Hodge Hill",
            "E05011140",
            ("B36 8", "B33 8"),
            ("Hodge Hill", "Stechford"),
            (
                "Coleshill Road",
                "Bromford Lane",
                "Hodge Hill Road",
                "Stechford Lane",
                "Packington Avenue",
                "Verbena Road",
                "Bosworth Road",
            ),
        ),
        WardSpec(
            "Shard End",
            "E05011165",
            ("B34 6", "B34 7"),
            ("Shard End", "Buckland End"),
            (
                "Shard End Crescent",
                "Cooks Lane",
                "Packington Avenue",
                "Heath Way",
                "Brays Road",
                "Ridpool Road",
                "Kitsland Road",
            ),
        ),
        WardSpec(
            "Washwood Heath",
            "E05011179",
            ("B8 1", "B8 4"),
            ("Washwood Heath", "Saltley"),
            (
                "Washwood Heath Road",
                "Bamville Road",
                "Couchman Road",
                "Adderley Road",
                "Parkfield Road",
                "St Saviour's Road",
                "Naseby Road",
            ),
        ),
    ),
    branches=(
        ("Bordesley Green and Heartlands branch", ("Bordesley Green", "Heartlands")),
        ("Hodge Hill and Shard End branch", ("Hodge Hill", "Shard End")),
        ("Washwood Heath branch", ("Washwood Heath",)),
    ),
    officers=(
        OfficerSpec(
            "chair", "Yasmin", "Akhtar", "chair@hodgehill.example.org", "Hodge Hill"
        ),
        OfficerSpec(
            "secretary",
            "Patrick",
            "Doyle",
            "secretary@hodgehill.example.org",
            "Shard End",
        ),
        OfficerSpec(
            "membership_secretary",
            "Nasreen",
            "Begum",
            "membership@hodgehill.example.org",
            "Washwood Heath",
        ),
        OfficerSpec(
            "social_secretary",
            "Delroy",
            "Campbell",
            "social@hodgehill.example.org",
            "Bordesley Green",
        ),
        OfficerSpec("treasurer", "Margaret", "Hollis", None, "Hodge Hill"),
        OfficerSpec(
            "secretary",
            "Imran",
            "Rashid",
            None,
            "Heartlands",
            branch="Bordesley Green and Heartlands branch",
        ),
    ),
    representatives=(
        RepresentativeSpec("mp", "Samir", "Qureshi", "Hodge Hill"),
        RepresentativeSpec(
            "councillor", "Shabana", "Iqbal", "Washwood Heath", ("Washwood Heath",)
        ),
        RepresentativeSpec(
            "councillor", "Kevin", "Brennan", "Washwood Heath", ("Washwood Heath",)
        ),
        RepresentativeSpec(
            "councillor", "Tracey", "Holden", "Shard End", ("Shard End",)
        ),
        RepresentativeSpec(
            "councillor", "Zafar", "Mahmood", "Bordesley Green", ("Bordesley Green",)
        ),
    ),
    member_login=("Ruth", "Okafor", "Heartlands"),
    name_mix={
        "pakistani": 9,
        "bangladeshi": 3,
        "english": 6,
        "irish": 2,
        "caribbean": 2,
        "punjabi": 2,
        "somali": 1,
    },
    easting=412600,
    northing=288400,
    latitude=52.4930,
    longitude=-1.8150,
)


READING_WEST = ConstituencySpec(
    name="Reading West",
    slug="reading-west",
    ons_code="E14000889",
    local_authority="E06000038",
    region="E12000008",
    town="Reading",
    landline_prefix="0118 496 0",
    membership_prefix=52,
    email_domain="readingwest.example.org",
    postal_address=(
        "Reading West Labour Party\n"
        "Oxford Road Community Centre, 21 Oxford Road\n"
        "Reading\n"
        "RG30 1AB"
    ),
    description=(
        "Reading West Labour Party: Battle, Kentwood, Norcot, Southcote and "
        "Tilehurst. Our supporters' club keeps nearly a thousand local people in "
        "touch with the party through a quarterly newsletter, invitations to the "
        "MP's community forum and the Christmas prize draw. Join it in a minute, "
        "offer to display a poster at election time, or come along to our next "
        "Big Conversation."
    ),
    wards=(
        WardSpec(
            "Battle",
            "E05013864",
            ("RG30 1", "RG30 2"),
            ("Oxford Road", "West Reading"),
            (
                "Oxford Road",
                "Wantage Road",
                "Cranbury Road",
                "Beresford Road",
                "Salcombe Road",
                "Filey Road",
                "Brunswick Street",
            ),
        ),
        WardSpec(
            "Kentwood",
            "E05013869",
            ("RG30 4", "RG31 6"),
            ("Kentwood", "Scours Lane"),
            (
                "Kentwood Hill",
                "Oxford Road",
                "Overdown Road",
                "Wealden Way",
                "Lyndhurst Road",
                "Tidmarsh Street",
            ),
        ),
        WardSpec(
            "Norcot",
            "E05013871",
            ("RG30 5", "RG30 6"),
            ("Norcot", "Lower Caversham"),
            (
                "Norcot Road",
                "Grovelands Road",
                "Dee Road",
                "Thirlmere Avenue",
                "Lancaster Close",
                "Coronation Square",
            ),
        ),
        WardSpec(
            "Southcote",
            "E05013874",
            ("RG30 3",),
            ("Southcote", "Coley Park"),
            (
                "Southcote Lane",
                "Southcote Road",
                "Bath Road",
                "Honey End Lane",
                "Circuit Lane",
                "Fawley Road",
                "Brunel Road",
            ),
        ),
        WardSpec(
            "Tilehurst",
            "E05013875",
            ("RG31 5", "RG30 7"),
            ("Tilehurst", "Little Heath"),
            (
                "School Road",
                "Church End Lane",
                "Armour Hill",
                "Polsted Road",
                "Recreation Road",
                "Westwood Road",
                "Chapel Hill",
            ),
        ),
    ),
    branches=(
        ("Battle and Norcot branch", ("Battle", "Norcot")),
        ("Kentwood and Tilehurst branch", ("Kentwood", "Tilehurst")),
        ("Southcote branch", ("Southcote",)),
    ),
    officers=(
        OfficerSpec(
            "chair", "Helen", "Marsh", "chair@readingwest.example.org", "Tilehurst"
        ),
        OfficerSpec(
            "secretary",
            "Tom",
            "Fairweather",
            "secretary@readingwest.example.org",
            "Battle",
        ),
        OfficerSpec(
            "membership_secretary",
            "Priya",
            "Sharma",
            "membership@readingwest.example.org",
            "Southcote",
        ),
        OfficerSpec(
            "social_secretary",
            "Kasia",
            "Nowak",
            "social@readingwest.example.org",
            "Norcot",
        ),
        OfficerSpec("campaign_coordinator", "Gareth", "Pryce", None, "Kentwood"),
        OfficerSpec(
            "secretary",
            "Angela",
            "Boateng",
            None,
            "Southcote",
            branch="Southcote branch",
        ),
    ),
    representatives=(
        RepresentativeSpec("mp", "Martin", "Ashdown", "Battle"),
        RepresentativeSpec("councillor", "Sue", "Turnbull", "Battle", ("Battle",)),
        RepresentativeSpec("councillor", "Rajinder", "Gill", "Norcot", ("Norcot",)),
        RepresentativeSpec(
            "councillor", "Deborah", "Whitcombe", "Southcote", ("Southcote",)
        ),
    ),
    member_login=("Owen", "Pritchard", "Kentwood"),
    name_mix={
        "english": 10,
        "irish": 2,
        "polish": 3,
        "punjabi": 2,
        "pakistani": 2,
        "caribbean": 2,
        "nepali": 1,
        "ghanaian": 1,
    },
    easting=468900,
    northing=172900,
    latitude=51.4560,
    longitude=-1.0120,
)

CONSTITUENCIES = (HODGE_HILL, READING_WEST)

# A few rows of the postcode file sit in neighbouring constituencies partyhub does
# not know, as a real regional extract does: the load skips and counts them.
NEIGHBOURS = (
    # (postcode sector, ward code, constituency code, local authority)
    ("B25 8", "E05011189", "E14000567", "E08000025"),  # Yardley
    ("B26 2", "E05011188", "E14000567", "E08000025"),  # Sheldon
    ("RG1 3", "E05013863", "E14000888", "E06000038"),  # Abbey, Reading East
    ("RG4 8", "E05013866", "E14000888", "E06000038"),  # Caversham
)

# First names and surnames by heritage, so that a street of Washwood Heath and one of
# Tilehurst each read like the place. Whitespace-separated to keep them compact.
NAME_GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "english": (
        (
            "Gary Karen Steven Julie Paul Tracey Mark Sharon David Susan Lee "
            "Michelle Jordan Chloe Kyle Jade Brian Jean Ian Lisa Craig Emma Dean "
            "Hannah Ken Pauline Liam Megan Graham Joan"
        ).split(),
        (
            "Smith Jones Taylor Davies Evans Wright Walker Hughes Edwards Green "
            "Hall Wood Harris Clarke Jackson Turner Baker Cooper Ward Morris Price "
            "Bennett Carter Shaw"
        ).split(),
    ),
    "pakistani": (
        (
            "Mohammed Aisha Imran Nasreen Tariq Fatima Shazia Amir Bilal Yasmin "
            "Rubina Zafar Saima Asif Parveen Kamran Nadia Rizwan Samina Javed Usman "
            "Sana Adeel Hina"
        ).split(),
        (
            "Khan Hussain Ahmed Akhtar Iqbal Rashid Mahmood Ali Shah Malik Butt "
            "Riaz Aslam Bashir Yousaf Anwar Nawaz Sadiq"
        ).split(),
    ),
    "bangladeshi": (
        (
            "Abdul Rahima Shahid Nazma Jamal Rokeya Mizanur Shirin Habib Tahmina "
            "Anwar Salma"
        ).split(),
        ("Miah Uddin Rahman Begum Islam Chowdhury Hoque Alom").split(),
    ),
    "punjabi": (
        (
            "Gurpreet Harjit Manjit Sukhdeep Rajinder Baljit Amarjit Kulwinder "
            "Jaspal Simran Navdeep Harpreet"
        ).split(),
        ("Singh Sandhu Gill Dhillon Bains Sidhu Johal Bassi").split(),
    ),
    "irish": (
        (
            "Patrick Siobhan Declan Bridget Sean Maureen Kieran Niamh Eamon Aoife "
            "Colm Mairead"
        ).split(),
        (
            "Murphy O'Connor Kelly Doyle O'Brien Byrne Ryan McCarthy Gallagher Duffy"
        ).split(),
    ),
    "caribbean": (
        (
            "Winston Marcia Delroy Beverley Clive Hyacinth Leroy Paulette Errol "
            "Claudette Marlon Janelle"
        ).split(),
        (
            "Campbell Thomas Williams Johnson Brown Francis Henry Morgan Reid Gordon"
        ).split(),
    ),
    "somali": (
        ("Abdi Hodan Mahad Faadumo Yusuf Ayaan Liban Sagal").split(),
        ("Hassan Warsame Farah Jama Abdullahi Osman").split(),
    ),
    "polish": (
        ("Kasia Tomasz Zofia Łukasz Agnieszka Piotr Marta Paweł Ewa Krzysztof").split(),
        (
            "Nowak Kowalski Wiśniewska Wójcik Kamińska Lewandowski Zielińska Szymański"
        ).split(),
    ),
    "nepali": (
        ("Bikash Sita Ramesh Gita Suman Anita").split(),
        ("Gurung Thapa Rai Limbu Tamang").split(),
    ),
    "ghanaian": (
        ("Kwame Ama Kofi Abena Yaw Efua").split(),
        ("Mensah Boateng Owusu Asante Osei").split(),
    ),
}

# Unions affiliated to the Labour Party.
TRADE_UNIONS = (
    "Unite",
    "UNISON",
    "GMB",
    "CWU",
    "USDAW",
    "Community",
    "FBU",
    "ASLEF",
    "TSSA",
    "Musicians' Union",
    "BFAWU",
)
EMAIL_DOMAINS = ("example.org", "example.com", "example.net")
