"""The generic sites' content: two invented local papers, their sections and articles.

Invented towns, people and events; realistic text. ``build.py`` renders them in each site's
markup (the Harbor Gazette: a WordPress theme with OpenGraph and ``article:*`` meta; the
Northfield Tribune: a server-rendered Next.js site with JSON-LD) and writes the ground truth.
"""

HARBOR = {
    "name": "harbor-gazette",
    "host": "www.harbor-gazette.example",
    "title": "Harbor Gazette",
    "tagline": "News for Port Wexley and the Saltmarsh coast",
    "sections": {"local": "Local", "business": "Business"},
    # Listing pages per section: the articles (by slug) each page lists, newest first.
    "pages": {
        "local": [["east-channel-dredging", "islander-ferry-repairs", "lighthouse-cottage-museum"],
                  ["school-start-times-vote", "gull-point-cleanup", "@soft404"]],
        "business": [["cannery-row-taproom", "shipyard-hybrid-tugs", "downtown-vacancy-rate"],
                     ["crab-price-floor"]],
    },
    "authors": {
        "Dana Whitfield": "dana-whitfield", "Marcus Ibe": "marcus-ibe",
        "Priya Raman": "priya-raman", "Elena Sorensen": "elena-sorensen",
        "Tom Hadley": "tom-hadley",
    },
    "articles": [
        {
            "key": "east-channel-dredging", "id": 4812, "section": "local",
            "path": "/2026/11/24/harbor-commission-approves-east-channel-dredging-plan/",
            "headline": "Harbor commission approves dredging plan for the east channel",
            "published": "2026-11-24T07:15:00-05:00", "modified": "2026-11-24T10:02:00-05:00",
            "authors": ["Dana Whitfield"],
            "tags": ["dredging", "harbor commission", "east channel"],
            "description": "The $6.2 million project will deepen the channel to 14 feet so "
                           "larger fishing boats can reach the fish pier at low tide.",
            "paragraphs": [
                "The Port Wexley Harbor Commission voted 4-1 on Monday night to move ahead "
                "with a $6.2 million plan to dredge the east channel, ending three years of "
                "debate over how to keep the fish pier usable at low tide.",
                "The project will deepen the channel from about nine feet to 14 feet along a "
                "half-mile stretch between the breakwater and the pier. Harbor master Ruth "
                "Calloway said two boats ran aground there in October alone.",
                "Commissioner Alan Pike cast the only vote against the plan, saying he worried "
                "about where the dredged sand would go. Under the approved plan, clean sand "
                "will be pumped onto the eroding beach at Gull Point.",
                "Work could begin next fall if the state approves the permits. The town will "
                "cover a third of the cost, with the rest coming from a federal harbor grant "
                "awarded in June.",
            ],
        },
        {
            "key": "islander-ferry-repairs", "id": 4809, "section": "local",
            "path": "/2026/11/23/ferry-riders-face-longer-waits-as-islander-goes-in-for-repairs/",
            "headline": "Ferry riders face longer waits as the Islander goes in for repairs",
            "published": "2026-11-23T16:40:00-05:00", "modified": None,
            "authors": ["Marcus Ibe"], "tags": ["ferries", "Saltmarsh Island"],
            "description": "The island's larger ferry will be out of service for at least "
                           "three weeks while a cracked propeller shaft is replaced.",
            "paragraphs": [
                "Riders heading to Saltmarsh Island should expect longer waits through mid-"
                "December after the Islander, the larger of the two ferries on the route, was "
                "pulled from service for repairs to a cracked propeller shaft.",
                "The smaller Tern will run every 90 minutes instead of every hour, and it can "
                "carry only 12 cars. The ferry authority is asking drivers to reserve a space "
                "online and to leave their cars on the mainland when they can.",
                "\u201cWe know this is a hard time of year for it,\u201d said operations manager "
                "Lisa Chao. \u201cThe crack was found during a routine inspection, and we are "
                "not going to take chances with it.\u201d",
                "The authority expects the Islander back on the water by Dec. 15. Updated "
                "schedules are posted at both terminals.",
            ],
        },
        {
            "key": "lighthouse-cottage-museum", "id": 4801, "section": "local",
            "path": "/2026/11/22/lighthouse-keepers-cottage-reopens-as-maritime-museum/",
            "headline": "Lighthouse keeper\u2019s cottage reopens as a maritime museum",
            "published": "2026-11-22T09:00:00-05:00", "modified": None,
            "authors": ["Dana Whitfield", "Priya Raman"],
            "tags": ["museums", "Wexley Point Light", "history"],
            "description": "After a two-year restoration, the 1874 cottage at Wexley Point "
                           "now tells the story of the families who kept the light.",
            "paragraphs": [
                "The keeper\u2019s cottage at Wexley Point Light opened its doors on Saturday "
                "for the first time since 1961, now restored as a small museum about the "
                "families who tended the lighthouse for nearly a century.",
                "Volunteers with the Wexley Historical Society spent two years stripping "
                "paint, rebuilding the chimney and tracking down the keepers\u2019 "
                "descendants, who lent logbooks, photographs and a brass foghorn.",
                "The most popular exhibit on opening day was a kitchen table where, according "
                "to one logbook, keeper Samuel Orr rowed out through a storm in 1898 and "
                "brought back five fishermen from a sinking schooner.",
                "The museum is open Saturdays and Sundays from 10 a.m. to 3 p.m. through "
                "March. Admission is free, though donations go toward repairing the tower.",
            ],
        },
        {
            "key": "school-start-times-vote", "id": 4788, "section": "local",
            "path": "/2026/11/19/school-board-delays-vote-on-later-start-times/",
            "headline": "School board delays vote on later start times",
            "published": "2026-11-19T21:30:00-05:00", "modified": None,
            "authors": ["Priya Raman"], "tags": ["schools", "school board"],
            "description": "Board members want more data on bus routes before deciding "
                           "whether the high school day should start at 8:30.",
            "paragraphs": [
                "The Port Wexley School Board postponed a vote on Tuesday on whether to push "
                "the high school\u2019s start time from 7:25 to 8:30 a.m., saying it needs "
                "more information about what the change would do to bus routes.",
                "Superintendent Karen Osei told the board that the district\u2019s bus "
                "contractor could not yet say whether it would need three more drivers or "
                "none at all. The answer could change the cost by about $180,000 a year.",
                "More than 40 parents and students spoke during the public comment period, "
                "most of them in favor of the later start. Several coaches said practices "
                "would run past dark in the winter months.",
                "The board expects to take up the question again at its Dec. 17 meeting.",
            ],
        },
        {
            "key": "gull-point-cleanup", "id": 4779, "section": "local",
            "path": "/2026/11/17/volunteers-pull-two-tons-of-debris-from-gull-point-beach/",
            "headline": "Volunteers pull two tons of debris from Gull Point beach",
            "published": "2026-11-17T14:05:00-05:00", "modified": None,
            "authors": ["Marcus Ibe"], "tags": ["environment", "Gull Point", "volunteers"],
            "description": "Fishing gear made up most of what the 120 volunteers hauled off "
                           "the beach on Sunday.",
            "paragraphs": [
                "About 120 volunteers spent Sunday morning hauling fishing rope, buoys, lobster "
                "traps and plastic bottles off the beach at Gull Point, filling two dumpsters "
                "with an estimated two tons of debris.",
                "Organizer Jess Moreau of the Saltmarsh Coast Alliance said lost fishing gear "
                "made up more than half of the weight. Much of it washed in during the "
                "October storm that also damaged the town pier.",
                "The alliance will sort the rope and send what it can to a company in Maine "
                "that turns it into plastic lumber. The traps will be returned to their "
                "owners when the tags can still be read.",
            ],
        },
        {
            "key": "cannery-row-taproom", "id": 4811, "section": "business",
            "path": "/2026/11/24/cannery-row-brewing-to-double-taproom-after-record-summer/",
            "headline": "Cannery Row Brewing to double its taproom after record summer",
            "published": "2026-11-24T11:20:00-05:00", "modified": None,
            "authors": ["Elena Sorensen"], "tags": ["breweries", "small business"],
            "description": "The brewery will take over the former net loft next door and add "
                           "80 seats by Memorial Day.",
            "paragraphs": [
                "Cannery Row Brewing will double the size of its waterfront taproom next "
                "spring after the busiest summer in its eight years, owners Nate and Carla "
                "Dufresne said on Monday.",
                "The brewery has signed a lease on the former net loft next door, which has "
                "stood empty since 2019. The expansion will add about 80 seats, a second bar "
                "and a deck over the water.",
                "Nate Dufresne said sales rose 31 percent this year, helped by cruise ship "
                "visits and a new canning line that put the brewery\u2019s beer in grocery "
                "stores across the state.",
                "The couple expect to hire 12 more workers and hope to open the new space by "
                "Memorial Day.",
            ],
        },
        {
            "key": "shipyard-hybrid-tugs", "id": 4805, "section": "business",
            "path": "/2026/11/21/shipyard-lands-contract-for-three-hybrid-tugboats/",
            "headline": "Shipyard lands contract for three hybrid tugboats",
            "published": "2026-11-21T08:45:00-05:00", "modified": None,
            "authors": ["Elena Sorensen"], "tags": ["shipbuilding", "jobs"],
            "description": "The $48 million order is the largest in the history of Wexley "
                           "Marine Works.",
            "paragraphs": [
                "Wexley Marine Works has won a $48 million contract to build three hybrid "
                "diesel-electric tugboats for a harbor towing company in Baltimore, the "
                "largest order in the shipyard\u2019s 60-year history.",
                "The tugs will run on batteries while they wait and maneuver in port, and "
                "switch to diesel engines for heavy work. The company says that should cut "
                "their fuel use by about a third.",
                "General manager Owen Tully said the yard will add about 45 jobs over the "
                "next year and is working with the regional technical college on a welding "
                "course to train new hires.",
                "The first tug is due for delivery in the summer of 2028.",
            ],
        },
        {
            "key": "downtown-vacancy-rate", "id": 4793, "section": "business",
            "path": "/2026/11/18/downtown-vacancy-rate-falls-to-lowest-level-in-a-decade/",
            "headline": "Downtown vacancy rate falls to lowest level in a decade",
            "published": "2026-11-18T10:10:00-05:00", "modified": None,
            "authors": ["Tom Hadley"], "tags": ["downtown", "real estate"],
            "description": "Only six of Water Street\u2019s storefronts are empty, according "
                           "to the downtown business association.",
            "paragraphs": [
                "Only six storefronts in downtown Port Wexley are empty, the lowest number in "
                "at least ten years, according to a survey released on Monday by the Water "
                "Street Business Association.",
                "Two years ago, 19 of the district\u2019s 112 ground-floor spaces stood "
                "vacant. Association director Maya Lindgren credited a town grant program "
                "that helps new businesses pay for renovations in their first year.",
                "Most of the new tenants are restaurants, a bookstore, a climbing gym and two "
                "clothing shops. Lindgren said rents have risen about 8 percent, and some "
                "longtime owners worry they will be priced out.",
            ],
        },
        {
            "key": "crab-price-floor", "id": 4760, "section": "business",
            "path": "/2026/11/14/fishing-co-op-sets-price-floor-for-winter-crab-season/",
            "headline": "Fishing co-op sets price floor for winter crab season",
            "published": "2026-11-14T17:55:00-05:00", "modified": None,
            "authors": ["Tom Hadley"], "tags": ["fishing", "crab"],
            "description": "Members of the Saltmarsh Fishermen\u2019s Cooperative will not "
                           "sell below $4.25 a pound.",
            "paragraphs": [
                "Members of the Saltmarsh Fishermen\u2019s Cooperative voted on Thursday to "
                "hold out for at least $4.25 a pound for Jonah crab this winter, after "
                "buyers offered as little as $3.10 at the end of last season.",
                "Co-op president Ray Silva said fuel and bait now cost a boat about $900 for a "
                "day on the water, and that many of the co-op\u2019s 38 members lost money "
                "last February.",
                "Two of the three buyers at the fish pier have agreed to the floor. The "
                "third, a New Jersey processor, said it would decide after the season opens "
                "on Dec. 1.",
            ],
        },
    ],
    # Pages that look like articles by their address and are not: requested, refused.
    "non_articles": {
        "gallery": {"id": 4803, "path": "/2026/11/21/photos-lantern-walk-lights-up-the-harbor/",
                    "title": "Photos: Lantern walk lights up the harbor",
                    "published": "2026-11-21T19:30:00-05:00"},
        "soft404": {"path": "/2026/10/02/ferry-schedule-changes-for-the-winter-season/"},
    },
}

NORTHFIELD = {
    "name": "northfield-tribune",
    "host": "news.northfield-tribune.example",
    "title": "Northfield Tribune",
    "tagline": "Local news for Northfield and Carver County",
    "sections": {"local": "Local", "business": "Business", "sports": "Sports"},
    "pages": {
        "local": [["transit-levy", "warming-center", "@topic-hub", "elm-library"],
                  ["river-road-bridge", "@soft404"]],
        "business": [["grain-elevator", "bakery-bank", "nurse-hiring"]],
        "sports": [["volleyball-title", "hockey-rink"]],
    },
    "authors": {
        "Marta Okonkwo": "marta-okonkwo", "Jonah Feld": "jonah-feld",
        "Grace Lindqvist": "grace-lindqvist", "Ava Brennan": "ava-brennan",
        "Liam Sato": "liam-sato",
    },
    "articles": [
        {
            "key": "transit-levy", "id": 204518, "section": "local",
            "path": "/local/transit-levy-passes-after-marathon-council-session-204518",
            "headline": "Transit levy passes after marathon council session",
            "published": "2026-11-24T21:40:00-06:00", "modified": "2026-11-25T08:15:00-06:00",
            "authors": ["Marta Okonkwo"], "tags": ["transit", "city council", "taxes"],
            "description": "The quarter-cent sales tax will pay for two new bus routes and "
                           "longer evening service.",
            "paragraphs": [
                "After nearly six hours of testimony and debate, the Northfield City Council "
                "voted 5-2 just before midnight on Tuesday to put a quarter-cent sales tax "
                "toward the city\u2019s bus system.",
                "The levy is expected to raise about $3.4 million a year. Transit director "
                "Renee Halvorsen said the money will pay for two new routes, one to the "
                "industrial park and one to the west side, and for buses every 20 minutes "
                "until 10 p.m.",
                "Council member Doug Ferris, who voted no, said the city should have let "
                "voters decide. \u201cThis is a tax on every loaf of bread in town,\u201d he "
                "said.",
                "The new tax takes effect on April 1. The first new route could start running "
                "next summer.",
            ],
        },
        {
            "key": "warming-center", "id": 204502, "section": "local",
            "path": "/local/county-opens-second-warming-center-as-cold-snap-deepens-204502",
            "headline": "County opens second warming center as cold snap deepens",
            "published": "2026-11-24T14:10:00-06:00", "modified": None,
            "authors": ["Jonah Feld"], "tags": ["weather", "homelessness", "Carver County"],
            "description": "Overnight lows are expected to fall below zero through the weekend.",
            "paragraphs": [
                "Carver County opened a second overnight warming center on Monday in the "
                "basement of the Lutheran church on Third Avenue, as forecasters warned that "
                "lows would fall below zero through the weekend.",
                "The county\u2019s first center, at the library on Division Street, turned "
                "away 14 people on Sunday night when its 40 cots were full. The new site can "
                "hold 30 more.",
                "Both centers are open from 7 p.m. to 8 a.m. and serve a hot meal. The county "
                "is asking for volunteers to staff the overnight shifts and for donations of "
                "boots and gloves.",
            ],
        },
        {
            "key": "elm-library", "id": 204477, "section": "local",
            "path": "/local/library-branch-on-elm-street-gets-reprieve-204477",
            "headline": "Elm Street library branch gets a reprieve",
            "published": "2026-11-21T11:00:00-06:00", "modified": None,
            "authors": ["Marta Okonkwo", "Grace Lindqvist"], "tags": ["libraries", "budget"],
            "description": "A private donation will keep the branch open for at least two "
                           "more years.",
            "paragraphs": [
                "The Elm Street branch of the Northfield Public Library will stay open for at "
                "least two more years, thanks to a $600,000 gift from a retired teacher who "
                "asked not to be named.",
                "The library board had voted in September to close the branch in January to "
                "save money. More than 2,000 people signed a petition to keep it open, and "
                "children from the nearby elementary school wrote letters to the board.",
                "Library director Sam Whitcomb said the gift will cover the branch\u2019s "
                "staff and heating costs while the city looks for a long-term solution, "
                "possibly a shared building with the parks department.",
            ],
        },
        {
            "key": "river-road-bridge", "id": 204431, "section": "local",
            "path": "/local/bridge-inspection-finds-corrosion-on-river-road-span-204431",
            "headline": "Inspectors find corrosion on River Road bridge",
            "published": "2026-11-18T09:25:00-06:00", "modified": None,
            "authors": ["Jonah Feld"], "tags": ["infrastructure", "bridges"],
            "description": "Trucks over 10 tons are barred from the bridge until repairs are "
                           "made.",
            "paragraphs": [
                "State inspectors found corrosion on two steel beams under the River Road "
                "bridge, and trucks weighing more than 10 tons will be barred from the span "
                "until repairs are made, the county engineer said on Tuesday.",
                "County engineer Pat Lund said the bridge is safe for cars, school buses and "
                "emergency vehicles. Heavy trucks will be detoured six miles south to the "
                "Highway 19 crossing.",
                "The repairs are expected to cost about $400,000 and could be done by "
                "spring. The 1968 bridge was already on the county\u2019s list to be replaced "
                "in 2031.",
            ],
        },
        {
            "key": "grain-elevator", "id": 204510, "section": "business",
            "path": "/business/northfield-grain-elevator-sold-to-regional-cooperative-204510",
            "headline": "Grain elevator sold to regional cooperative",
            "published": "2026-11-24T10:30:00-06:00", "modified": None,
            "authors": ["Ava Brennan"], "tags": ["agriculture", "cooperatives"],
            "description": "Prairie Fields Cooperative says it will keep all 11 employees.",
            "paragraphs": [
                "The Hanson family has sold the grain elevator on Northfield\u2019s east side "
                "to Prairie Fields Cooperative, ending 72 years of family ownership, both "
                "sides announced on Monday.",
                "The cooperative, which already runs elevators in four nearby towns, said it "
                "will keep all 11 employees and plans to add a second dryer before next "
                "year\u2019s harvest.",
                "Erik Hanson, whose grandfather built the elevator in 1954, said none of the "
                "family\u2019s children wanted to take it over. Terms of the sale were not "
                "disclosed.",
            ],
        },
        {
            "key": "bakery-bank", "id": 204466, "section": "business",
            "path": "/business/main-street-bakery-expands-into-former-bank-building-204466",
            "headline": "Main Street bakery expands into former bank building",
            "published": "2026-11-20T15:45:00-06:00", "modified": None,
            "authors": ["Ava Brennan"], "tags": ["small business", "downtown"],
            "description": "Rise & Shine Bakery will keep the old vault as a private dining "
                           "room.",
            "paragraphs": [
                "Rise & Shine Bakery is moving across Main Street into the former First "
                "National Bank building, tripling its space and adding a full kitchen for "
                "lunch service, owner Tasha Moreno said.",
                "The 1912 building has been empty since the bank merged with a Minneapolis "
                "lender in 2022. Moreno plans to keep the marble counters and turn the old "
                "vault into a private dining room for eight.",
                "The bakery expects to move in February and to hire six more workers. Its "
                "current shop will close for one week during the move.",
            ],
        },
        {
            "key": "nurse-hiring", "id": 204420, "section": "business",
            "path": "/business/hospital-system-announces-hiring-push-for-nurses-204420",
            "headline": "Hospital system announces hiring push for nurses",
            "published": "2026-11-17T13:00:00-06:00", "modified": None,
            "authors": ["Ava Brennan", "Jonah Feld"], "tags": ["health care", "jobs"],
            "description": "Northfield Health will offer signing bonuses of up to $15,000.",
            "paragraphs": [
                "Northfield Health plans to hire 60 nurses over the next six months and will "
                "offer signing bonuses of up to $15,000, the hospital system said on Monday, "
                "as it struggles to staff a new cardiac unit.",
                "Chief nursing officer Dr. Helen Park said the system has relied on traveling "
                "nurses to fill about one in eight shifts this year, at nearly twice the cost "
                "of its own staff.",
                "The hospital will also pay tuition for employees who study nursing at the "
                "community college, as long as they agree to work at Northfield Health for "
                "two years after graduating.",
            ],
        },
        {
            "key": "volleyball-title", "id": 204508, "section": "sports",
            "path": "/sports/northfield-high-wins-first-state-volleyball-title-204508",
            "headline": "Northfield High wins its first state volleyball title",
            "published": "2026-11-23T20:15:00-06:00", "modified": None,
            "authors": ["Liam Sato"], "tags": ["volleyball", "high school sports"],
            "description": "The Raiders swept Lakeview in the Class 3A final.",
            "paragraphs": [
                "The Northfield High Raiders swept Lakeview 25-21, 25-19, 27-25 on Saturday in "
                "St. Paul to win the first state volleyball championship in school history.",
                "Senior outside hitter Mia Johansson led the Raiders with 18 kills, including "
                "the last point of the match after Lakeview saved three match points in the "
                "third set.",
                "Coach Beth Andersen, in her 14th season, said the team had set its sights on "
                "the title after losing in the semifinals last year. A parade for the team "
                "is planned for Saturday morning on Main Street.",
            ],
        },
        {
            "key": "hockey-rink", "id": 204449, "section": "sports",
            "path": "/sports/college-hockey-team-unveils-renovated-rink-204449",
            "headline": "College hockey team unveils renovated rink",
            "published": "2026-11-19T18:00:00-06:00", "modified": None,
            "authors": ["Liam Sato"], "tags": ["hockey", "Carver College"],
            "description": "The $9 million renovation adds 600 seats and new locker rooms.",
            "paragraphs": [
                "Carver College showed off its renovated hockey arena on Wednesday, a $9 "
                "million project that added 600 seats, new locker rooms and a video board "
                "above center ice.",
                "The arena, built in 1971, had not been updated since the 1990s. Athletic "
                "director Paul Reyes said the renovation was paid for mostly by alumni "
                "donations, led by a $3 million gift from former player Kurt Halvorsen.",
                "The men\u2019s team opens its home season in the new arena on Friday against "
                "St. Cloud State. Tickets are nearly sold out.",
            ],
        },
    ],
    "non_articles": {
        "gallery": {"id": 218842,
                    "path": "/photos/first-snowfall-blankets-northfield-commons-218842",
                    "title": "Photos: First snowfall blankets Northfield Commons",
                    "published": "2026-11-22T12:00:00-06:00"},
        "soft404": {"path": "/local/school-board-recount-results-released-219003"},
        "topic-hub": {"id": 219100,
                      "path": "/local/winter-storm-live-updates-and-closures-219100",
                      "title": "Winter storm: live updates and closures"},
    },
}

SITES = (HARBOR, NORTHFIELD)
