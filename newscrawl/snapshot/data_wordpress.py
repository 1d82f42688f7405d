"""WordPress-era articles of the snapshot (2019-2020, news/national and news/asia-pacific).

The Kim Jong Un article is rebuilt from the naive extraction in ``sources/``; every other text
here is invented for the snapshot (plausible wire and staff copy, not taken from anywhere).

Paragraph conventions: a paragraph starting with ``"## "`` is a subhead (printed as ``<h4>``);
the dateline is a separate field and is printed as ``<span class="dateline">``.
"""

from pathlib import Path

SOURCES = Path(__file__).resolve().parent / "sources"
CDN = "https://cdn.japantimes.2xx.jp/wp-content/uploads"
PAGE_SIZE = 5

SECTION_SLUGS = {"National": "national", "Asia Pacific": "asia-pacific"}


def _kim_from_txt():
    """Paragraphs, caption and sidebar teasers of the 2019 article, exactly as the text has them."""
    lines = (SOURCES / "article-2019-10-24-naive-extraction.txt").read_text(encoding="utf-8")
    blocks = [b.strip() for b in lines.split("\n\n")]
    caption = blocks[0].removeprefix("date 2019-10-24").strip()
    start = blocks.index("Reuters") + 1
    end = next(i for i, b in enumerate(blocks) if b.startswith("GET THE BEST"))
    paragraphs = blocks[start:end]
    assert len(paragraphs) == 9 and paragraphs[0].startswith("SEOUL – "), paragraphs[:1]
    paragraphs[0] = paragraphs[0].removeprefix("SEOUL – ")
    latest = blocks[blocks.index("LATEST ASIA PACIFIC STORIES") + 1].split("\n")
    assert len(latest) == 9 and latest[6] == "Image Not Available", latest
    teasers = [
        {"caption": latest[0], "title": latest[1], "excerpt": latest[2],
         "image": f"{CDN}/2019/10/n-robredo-a-20191024-200x200.jpg",
         "url": "https://www.japantimes.co.jp/news/2019/10/24/asia-pacific/"
                "philippine-vice-president-duterte-drug-war-un/"},
        {"caption": latest[3], "title": latest[4], "excerpt": latest[5],
         "image": f"{CDN}/2019/10/n-hongkong-a-20191024-200x200.jpg",
         "url": "https://www.japantimes.co.jp/news/2019/10/23/asia-pacific/"
                "hong-kong-extradition-bill-officially-withdrawn/"},
        {"caption": None, "title": latest[7], "excerpt": latest[8], "image": None,
         "url": "https://www.japantimes.co.jp/news/2019/10/23/asia-pacific/"
                "boeing-flight-control-lion-air-crash-investigators/"},
    ]
    return caption, paragraphs, teasers


def articles():
    kim_caption, kim_paragraphs, kim_latest = _kim_from_txt()
    out = [
        # ---- news/asia-pacific -------------------------------------------------------------
        dict(
            listing="news/asia-pacific",
            path="/news/2019/10/24/asia-pacific/politics-diplomacy-asia-pacific/"
                 "kim-jong-un-trump-special-relationship-kcna/",
            article_id="2219612",
            headline="Kim Jong Un and Trump have 'special' relationship: KCNA",
            section="Asia Pacific", subsection="Politics",
            subsection_slug="politics-diplomacy-asia-pacific",
            credit="Reuters", authors=[], dateline="SEOUL",
            published="2019-10-24T13:21:47+09:00",
            tags=["North Korea", "Kim Jong Un", "Donald Trump", "U.S.", "denuclearization",
                  "KCNA", "Kim Kye Gwan"],
            images=[(f"{CDN}/2019/10/n-nkorea-a-20191025.jpg", kim_caption)],
            lead_photo=(f"{CDN}/2019/10/n-nkorea-a-20191025.jpg", kim_caption),
            ad_after=3, related_after=6,
            related=[
                ("https://www.japantimes.co.jp/news/2019/10/06/asia-pacific/"
                 "north-korea-us-nuclear-talks-break-down-sweden/",
                 "North Korea says nuclear talks with U.S. in Sweden broke down"),
                ("https://www.japantimes.co.jp/news/2019/10/16/asia-pacific/"
                 "kim-jong-un-white-horse-mount-paektu/",
                 "Kim Jong Un rides white horse up sacred Mount Paektu"),
                ("https://www.japantimes.co.jp/news/2019/10/23/asia-pacific/"
                 "kim-jong-un-mount-kumgang-resort-south-korea/",
                 "Kim orders removal of South Korean-built facilities at Mount Kumgang"),
            ],
            latest=("LATEST ASIA PACIFIC STORIES", kim_latest),
            paragraphs=kim_paragraphs,
        ),
        dict(
            listing="news/asia-pacific",
            path="/news/2020/02/20/asia-pacific/science-health-asia-pacific/"
                 "south-korea-city-stay-indoors-infections/",
            article_id="2491077",
            headline="South Korean city tells residents to stay indoors as infections jump",
            section="Asia Pacific", subsection="Science & Health",
            subsection_slug="science-health-asia-pacific",
            credit="Reuters", authors=[], dateline="DAEGU",
            published="2020-02-20T13:12:40+09:00",
            tags=["South Korea", "Daegu", "coronavirus", "health", "epidemics"],
            images=[(f"{CDN}/2020/02/n-daegu-a-20200221.jpg",
                     "Workers in protective suits spray disinfectant on a shopping street in "
                     "Daegu on Thursday. | REUTERS")],
            ad_after=2, related_after=4,
            related=[
                ("https://www.japantimes.co.jp/news/2020/02/19/asia-pacific/"
                 "south-korea-church-cluster-cases/",
                 "Church service linked to new cluster of infections in South Korea"),
                ("https://www.japantimes.co.jp/news/2020/02/17/asia-pacific/"
                 "seoul-screening-travelers-china/",
                 "Seoul widens screening of travelers arriving from China"),
            ],
            paragraphs=[
                "The mayor of South Korea’s fourth-largest city urged its 2.5 million residents "
                "on Thursday to stay indoors as much as possible, after the number of confirmed "
                "infections in the area more than doubled overnight.",
                "Most of the new cases have been traced to a single congregation whose members "
                "attended services in the city center earlier this month, health officials said.",
                "“We are in an unprecedented crisis,” the mayor told a televised briefing. "
                "“I ask every citizen to refrain from going out unless it is absolutely "
                "necessary, and to wear a mask when they do.”",
                "Kindergartens and public libraries in the city will close until further notice, "
                "and the local army base has restricted soldiers from leaving their barracks.",
                "Shops along the usually busy downtown arcades were half empty by midday, with "
                "some owners pulling down their shutters early.",
                "The Korea Centers for Disease Control and Prevention said it was tracing "
                "hundreds of people who may have had contact with the infected worshippers, and "
                "that test kits were being sent to the region from Seoul.",
                "The central government said it had no plans for now to restrict travel to and "
                "from the city, but would review the situation daily.",
            ],
        ),
        dict(
            listing="news/asia-pacific",
            path="/news/2020/01/22/asia-pacific/philippine-volcano-evacuees-return-alert-lowered/",
            article_id="2312907",
            headline="Evacuees around Philippine volcano allowed home as alert is lowered",
            section="Asia Pacific", subsection=None, subsection_slug=None,
            credit="AFP-JIJI", authors=[], dateline="MANILA",
            published="2020-01-22T10:05:19+09:00",
            tags=["Philippines", "volcanoes", "natural disasters", "evacuations"],
            images=[],
            ad_after=2, related_after=4,
            related=[
                ("https://www.japantimes.co.jp/news/2020/01/13/asia-pacific/"
                 "philippine-volcano-ash-manila-flights/",
                 "Ash from Philippine volcano halts flights in and out of Manila"),
            ],
            paragraphs=[
                "Thousands of people who fled a rumbling volcano south of the Philippine capital "
                "were allowed to return to their homes on Wednesday after scientists lowered the "
                "alert level, saying the threat of a major eruption had eased.",
                "Seismologists said the number of volcanic earthquakes had dropped sharply over "
                "the past week and that the volcano was now releasing far less sulfur dioxide.",
                "“The lower alert does not mean the danger is over,” the head of the national "
                "volcanology institute said. “A sudden steam-driven explosion can still happen "
                "without warning.”",
                "Residents of the island at the center of the crater lake remain barred from "
                "going back, and a 7-kilometer danger zone around it stays in place.",
                "Many returning families found roofs collapsed under the weight of wet ash and "
                "livestock dead in their pens. Local officials said relief packs of rice and "
                "canned food would be handed out at village halls.",
                "More than 100,000 people had crowded into schools and gymnasiums after the "
                "volcano spewed a column of ash more than 10 km into the sky earlier this month.",
            ],
        ),
        dict(
            listing="news/asia-pacific",
            path="/news/2019/12/11/asia-pacific/crime-legal-asia-pacific/"
                 "indonesia-court-jails-pangolin-smugglers/",
            article_id="2271334",
            headline="Indonesian court jails two men for smuggling pangolin scales",
            section="Asia Pacific", subsection="Crime & Legal",
            subsection_slug="crime-legal-asia-pacific",
            credit="AFP-JIJI", authors=[], dateline="JAKARTA",
            published="2019-12-11T21:40:55+09:00",
            tags=["Indonesia", "wildlife", "smuggling", "endangered species"],
            images=[(f"{CDN}/2019/12/n-pangolin-a-20191212.jpg",
                     "Customs officers display sacks of pangolin scales seized at a port in "
                     "Sumatra in July. | AFP-JIJI")],
            ad_after=2, related_after=None, related=[],
            paragraphs=[
                "An Indonesian court on Wednesday sentenced two men to four years in prison each "
                "for trying to ship more than 300 kilograms of pangolin scales out of the "
                "country, in one of the largest such cases this year.",
                "The men were arrested in July when customs officers inspecting a container "
                "bound for a port in southern China found the scales hidden under bags of dried "
                "fish.",
                "Judges in the Sumatran city of Medan also fined each of them 100 million rupiah "
                "($7,100), prosecutors said.",
                "Conservation groups welcomed the verdict but said the sentences were still light "
                "compared with the profits smugglers make. Pangolin scales are prized in "
                "traditional medicine, although they are made of keratin, like human fingernails.",
                "The scaly anteaters are believed to be the most trafficked mammals in the world, "
                "and all eight species are protected under international law.",
            ],
        ),
        dict(
            listing="news/asia-pacific",
            path="/news/2019/11/19/asia-pacific/politics-diplomacy-asia-pacific/"
                 "vietnam-japan-trainee-brokers-oversight/",
            article_id="2247905",
            headline="Vietnam and Japan agree to tighten oversight of trainee brokers",
            section="Asia Pacific", subsection="Politics",
            subsection_slug="politics-diplomacy-asia-pacific",
            credit="Kyodo", authors=[], dateline="HANOI",
            published="2019-11-19T15:27:33+09:00",
            tags=["Vietnam", "technical intern training program", "foreign workers",
                  "Japan-Vietnam relations"],
            images=[],
            ad_after=3, related_after=5,
            related=[
                ("https://www.japantimes.co.jp/news/2019/11/02/national/"
                 "technical-intern-program-review/",
                 "Panel urges overhaul of Japan’s technical intern program"),
                ("https://www.japantimes.co.jp/news/2019/10/28/national/"
                 "vietnamese-trainees-debts-brokers/",
                 "Vietnamese trainees arrive in Japan burdened by broker debts"),
            ],
            paragraphs=[
                "Vietnam and Japan agreed on Tuesday to share information on brokers that charge "
                "excessive fees to Vietnamese people seeking to work in Japan as technical "
                "interns, officials of both governments said.",
                "Under the arrangement, Vietnam’s labor ministry will give Japan a list of "
                "licensed sending agencies every three months, and Japan will report companies "
                "suspected of accepting trainees who paid illegal commissions.",
                "Vietnamese make up the largest group of foreign technical interns in Japan, "
                "with more than 160,000 in the country as of June.",
                "Many borrow heavily to pay agents at home, and the debts are often cited as a "
                "reason why some leave their assigned workplaces and go missing.",
                "“Workers should not have to start their life in Japan owing a year’s wages,” a "
                "Japanese Justice Ministry official who attended the talks said.",
                "The two sides also agreed to hold a working-level meeting each year to review "
                "how the program is being run.",
            ],
        ),
        dict(
            listing="news/asia-pacific",
            path="/news/2019/10/02/asia-pacific/early-snowstorms-mongolian-herders-fodder/",
            article_id="2201873",
            headline="Early snowstorms leave Mongolian herders scrambling for fodder",
            section="Asia Pacific", subsection=None, subsection_slug=None,
            credit="Reuters", authors=[], dateline="ULAANBAATAR",
            published="2019-10-02T09:58:14+09:00",
            tags=["Mongolia", "weather", "agriculture", "climate change"],
            images=[(f"{CDN}/2019/10/n-mongolia-a-20191003.jpg",
                     "A herder moves his flock across snow-covered pasture in Tov province on "
                     "Monday. | REUTERS"),
                    (f"{CDN}/2019/10/n-mongolia-b-20191003.jpg",
                     "Bales of hay are unloaded at a government depot in Ulaanbaatar. | REUTERS")],
            ad_after=2, related_after=5,
            related=[
                ("https://www.japantimes.co.jp/news/2019/02/14/asia-pacific/mongolia-dzud-winter/",
                 "Harsh winter threatens livestock across Mongolia"),
            ],
            paragraphs=[
                "Heavy snow that fell weeks earlier than usual across central Mongolia has buried "
                "grazing land and sent herders racing to buy hay before prices climb further, "
                "local officials said on Tuesday.",
                "Snow up to 40 centimeters deep covered parts of three provinces over the "
                "weekend, cutting off some families from roads for several days.",
                "The government said it would release 2,000 tons of fodder from state reserves "
                "and sell it at a discount to households with small herds.",
                "“In my father’s time the first real snow came in November,” said a herder in "
                "Tov province who keeps about 300 goats and sheep. “Now we are feeding the "
                "animals in October and we do not know how long the winter will be.”",
                "Mongolia’s herders are especially vulnerable to dzud, a combination of a dry "
                "summer and a severe winter that can kill millions of animals.",
                "Aid agencies said they were monitoring the situation and urged the government to "
                "expand livestock insurance, which only a fraction of herders have bought.",
                "Meteorologists forecast colder than average temperatures for most of the country "
                "through December.",
            ],
        ),
        dict(
            listing="news/asia-pacific",
            path="/news/2019/09/17/asia-pacific/science-health-asia-pacific/"
                 "underwater-robots-reef-spawning/",
            article_id="2190450",
            headline="Underwater robots help Australian scientists track reef spawning",
            section="Asia Pacific", subsection="Science & Health",
            subsection_slug="science-health-asia-pacific",
            credit="Staff Writer", authors=["Laura Whitfield"], dateline=None,
            published="2019-09-17T12:36:08+09:00",
            tags=["Australia", "Great Barrier Reef", "coral", "robots", "science"],
            images=[(f"{CDN}/2019/09/n-reef-a-20190918.jpg",
                     "A researcher lowers an autonomous camera unit off the stern of a survey "
                     "vessel near Cairns. | LAURA WHITFIELD")],
            ad_after=3, related_after=6,
            related=[
                ("https://www.japantimes.co.jp/news/2019/08/30/asia-pacific/"
                 "great-barrier-reef-outlook-downgraded/",
                 "Outlook for Great Barrier Reef downgraded to ‘very poor’"),
            ],
            paragraphs=[
                "Every spring, on a handful of nights after the full moon, the corals of the "
                "Great Barrier Reef release billions of eggs and sperm into the water in a "
                "spectacle that lasts only a few hours.",
                "For decades, scientists who wanted to study the event had to be in the right "
                "place at the right time with a dive light and a great deal of luck.",
                "This year, a team from a university in Queensland plans to leave the luck to "
                "machines. Small underwater robots fitted with cameras and sensors will sit on "
                "the reef for weeks, recording water temperature and light and waiting for the "
                "spawning to begin.",
                "“The robots don’t get tired and they don’t need to come up for air,” said one "
                "of the marine biologists leading the project. “If the corals spawn at 3 a.m. "
                "on a Tuesday, we will still have it.”",
                "The data will help researchers understand whether warming seas are shifting "
                "the timing of spawning, which could leave coral larvae out of step with the "
                "currents that carry them to new reefs.",
                "Mass bleaching events in recent years have killed large areas of coral, and "
                "scientists say the reef’s ability to recover depends on successful spawning.",
                "The team is also working with Japanese researchers who monitor reefs off "
                "Okinawa, where similar robots were tested last year.",
                "If the trial succeeds, the group hopes to place dozens of units along the reef "
                "next season.",
            ],
        ),
        dict(
            listing="news/asia-pacific",
            special="server_error",
            path="/news/2019/11/05/asia-pacific/cambodia-garment-workers-wage-talks/",
            article_id="2237760",
            headline="Cambodia’s garment workers press for higher wages as talks stall",
            section="Asia Pacific", subsection=None, subsection_slug=None,
            published="2019-11-05T18:02:11+09:00",
            tags=[], images=[],
            description="Unions representing Cambodia’s garment workers said on Tuesday that "
                        "wage talks with factory owners had stalled.",
            paragraphs=["Unions representing Cambodia’s garment workers said on Tuesday that "
                        "wage talks with factory owners had stalled over the size of next "
                        "year’s increase."],
        ),
        # ---- news/national -----------------------------------------------------------------
        dict(
            listing="news/national",
            path="/news/2020/02/27/national/science-health/osaka-hospital-reopens-ward/",
            article_id="2499018",
            headline="Osaka hospital reopens ward after disinfection as staff test negative",
            section="National", subsection="Science & Health", subsection_slug="science-health",
            credit="Kyodo", authors=[], dateline="OSAKA",
            published="2020-02-27T17:42:10+09:00",
            tags=["Osaka", "hospitals", "coronavirus", "health"],
            images=[(f"{CDN}/2020/02/n-osakaward-a-20200228.jpg",
                     "Workers carry equipment into a hospital in Osaka on Thursday. | KYODO")],
            lead_photo=(f"{CDN}/2020/02/n-osakaward-a-20200228.jpg",
                        "Workers carry equipment into a hospital in Osaka on Thursday. | KYODO"),
            ad_after=2, related_after=4,
            related=[
                ("https://www.japantimes.co.jp/news/2020/02/26/national/"
                 "osaka-hospital-ward-closed-infection/",
                 "Osaka hospital closes ward after patient tests positive"),
                ("https://www.japantimes.co.jp/news/2020/02/25/national/japan-mask-shortages-covid19/",
                 "Japan gets creative as mask shortages continue amid COVID-19 spread"),
            ],
            paragraphs=[
                "A hospital in Osaka reopened a general ward on Thursday, two days after closing "
                "it when a patient was found to be infected with the new coronavirus, after all "
                "42 staff members who had contact with the patient tested negative.",
                "The ward was disinfected overnight Tuesday and inspected by officials from the "
                "city’s public health center the following afternoon, the hospital said.",
                "The patient, a man in his 60s who was admitted for a heart condition, had "
                "developed a fever last week. He has been moved to a designated infectious "
                "disease unit and is in stable condition.",
                "“We apologize for the worry we have caused patients and their families,” the "
                "hospital director said at a news conference, adding that outpatient services "
                "had continued throughout.",
                "Eleven other patients who shared a room or a bathroom with the man will remain "
                "in isolation for 14 days as a precaution.",
                "The Osaka Prefectural Government has asked hospitals to set up separate "
                "entrances for people with fevers and to limit visits by relatives.",
            ],
        ),
        dict(
            listing="news/national",
            tracking_query="?utm_source=twitter&utm_medium=social#.XZKZykZKjD4",
            path="/news/2020/02/25/national/crime-legal/saitama-bicycle-thefts-arrest/",
            article_id="2496442",
            headline="Saitama police arrest man over string of bicycle thefts near stations",
            section="National", subsection="Crime & Legal", subsection_slug="crime-legal",
            credit="JIJI", authors=[], dateline="SAITAMA",
            published="2020-02-25T11:03:45+09:00",
            tags=["Saitama Prefecture", "theft", "bicycles", "crime"],
            images=[],
            ad_after=2, related_after=4,
            related=[
                ("https://www.japantimes.co.jp/news/2019/11/08/national/"
                 "abandoned-bicycles-tokyo-stations/",
                 "Tokyo wards struggle with bicycles abandoned outside stations"),
            ],
            paragraphs=[
                "Police in Saitama Prefecture have arrested a 41-year-old man on suspicion of "
                "stealing bicycles from parking lots near train stations, investigators said "
                "Tuesday.",
                "The man, an unemployed resident of the city of Kawaguchi, is suspected of "
                "taking two electric-assist bicycles from a lot near a station on the Keihin "
                "Tohoku Line on the night of Feb. 3.",
                "He has admitted to the allegation and told investigators that he sold the "
                "bicycles online to pay for living expenses, according to the police.",
                "Some 60 bicycles have been reported stolen from the area since autumn, and "
                "police are investigating whether the man was involved in the other cases.",
                "Security camera footage showed a man cutting locks with a tool in the early "
                "hours, which led investigators to the suspect.",
            ],
        ),
        dict(
            listing="news/national",
            path="/news/2020/02/21/national/crime-legal/court-overtime-suit-logistics-firm/",
            article_id="2492310",
            headline="Tokyo court backs former drivers in overtime suit against logistics firm",
            section="National", subsection="Crime & Legal", subsection_slug="crime-legal",
            credit="Staff Writer", authors=["Satoko Hirano", "Daniel Mercer"], dateline=None,
            published="2020-02-21T20:15:00+09:00", modified="2020-02-22",
            tags=["labor", "overtime", "courts", "logistics", "work-style reform"],
            images=[(f"{CDN}/2020/02/n-overtime-a-20200222.jpg",
                     "Plaintiffs and their lawyers speak to reporters outside the Tokyo District "
                     "Court on Friday. | SATOKO HIRANO")],
            ad_after=3, related_after=7,
            related=[
                ("https://www.japantimes.co.jp/news/2019/04/01/national/"
                 "overtime-cap-law-takes-effect/",
                 "Overtime cap takes effect as Japan begins work-style reforms"),
                ("https://www.japantimes.co.jp/news/2020/01/20/business/"
                 "truck-driver-shortage-japan/",
                 "Driver shortage squeezes Japan’s trucking industry"),
            ],
            paragraphs=[
                "The Tokyo District Court on Friday ordered a logistics company to pay about "
                "¥38 million in unpaid overtime to five former truck drivers, ruling that a "
                "fixed monthly allowance the firm paid could not be counted as overtime pay.",
                "The drivers, who worked out of a depot in Saitama Prefecture, said they "
                "regularly spent more than 13 hours a day on the road or waiting to load, but "
                "received the same allowance regardless of the hours they put in.",
                "Presiding Judge Makoto Inoue said the allowance was “not clearly separated” "
                "from basic wages and that the company had failed to keep accurate records of "
                "working hours.",
                "## A common practice",
                "Lawyers for the plaintiffs said the ruling could affect thousands of drivers, "
                "because flat allowances of this kind are widespread in the trucking industry.",
                "“Drivers have been told for years that long hours are simply part of the job,” "
                "one of the lawyers said after the hearing. “The court has said clearly that "
                "hours worked must be paid.”",
                "The company said in a statement that it would study the ruling carefully "
                "before deciding whether to appeal.",
                "The government plans to cap overtime for drivers from April 2024, five years "
                "later than for most other industries, and the sector is already struggling to "
                "hire enough workers.",
                "One of the plaintiffs, a 52-year-old who drove for the firm for 11 years, said "
                "he hoped the decision would encourage younger drivers to keep records of their "
                "own hours.",
            ],
        ),
        dict(
            listing="news/national",
            path="/news/2020/02/12/national/science-health/drones-hokkaido-deer-count/",
            article_id="2478803",
            headline="Drones help Hokkaido town count sika deer as crop damage mounts",
            section="National", subsection="Science & Health", subsection_slug="science-health",
            credit="Staff Writer", authors=["Erika Tanabe"], dateline=None,
            published="2020-02-12T16:30:21+09:00",
            tags=["Hokkaido", "deer", "drones", "agriculture", "wildlife"],
            images=[(f"{CDN}/2020/02/n-deer-a-20200213.jpg",
                     "Sika deer gather at the edge of a field in eastern Hokkaido in January. "
                     "| ERIKA TANABE"),
                    (f"{CDN}/2020/02/n-deer-b-20200213.jpg",
                     "A town employee prepares a drone fitted with a thermal camera. "
                     "| ERIKA TANABE")],
            ad_after=3, related_after=6,
            related=[
                ("https://www.japantimes.co.jp/news/2019/12/02/national/"
                 "hunters-aging-wildlife-damage/",
                 "As hunters age, rural Japan loses its first line against wildlife damage"),
            ],
            paragraphs=[
                "On a clear winter night in eastern Hokkaido, a drone hums over a snow-covered "
                "hillside, its thermal camera picking out dozens of warm shapes against the cold "
                "ground.",
                "Each white dot on the operator’s screen is a sika deer, and the town that owns "
                "the drone wants to know exactly how many there are.",
                "Deer damaged about ¥4 billion worth of crops in Hokkaido in the last fiscal "
                "year, according to the prefectural government, eating beets, potatoes and young "
                "grass grown for dairy cattle.",
                "Until now, the town relied on hunters and farmers to estimate numbers by "
                "counting tracks and sightings, a method officials admit was little better than "
                "guesswork.",
                "“With the drone we can survey a whole valley in an hour, and we get the same "
                "kind of data every time,” said a town official in charge of wildlife measures.",
                "The counts will be used to decide where to set traps and how many culling "
                "permits to issue, and the meat of culled deer will be processed at a facility "
                "that opened in the town last year.",
                "Researchers at a university in Sapporo are helping to train software that can "
                "tell deer apart from foxes and cattle in the thermal images.",
                "The town hopes to share its method with neighboring municipalities next winter.",
            ],
        ),
        dict(
            listing="news/national",
            path="/news/2020/01/30/national/crime-legal/nagano-official-indicted-bid-rigging/",
            article_id="2321650",
            headline="Former Nagano official indicted over rigged bids for road repair contracts",
            section="National", subsection="Crime & Legal", subsection_slug="crime-legal",
            credit="Kyodo", authors=[], dateline="NAGANO",
            published="2020-01-30T19:55:02+09:00",
            tags=["Nagano Prefecture", "bid-rigging", "corruption", "public works"],
            images=[],
            ad_after=2, related_after=5,
            related=[
                ("https://www.japantimes.co.jp/news/2020/01/10/national/crime-legal/"
                 "nagano-official-arrested-bid-rigging/",
                 "Nagano official arrested on suspicion of leaking bid prices"),
            ],
            paragraphs=[
                "Prosecutors on Thursday indicted a former official of the Nagano Prefectural "
                "Government on charges of leaking confidential price estimates to a construction "
                "company bidding for road repair work.",
                "The 58-year-old, who was in charge of public works at a regional office, is "
                "accused of telling an executive of the company the minimum acceptable bid for "
                "two projects in 2018 and 2019.",
                "The company won both contracts, worth a combined ¥210 million, with bids only "
                "slightly above the undisclosed floor price.",
                "The executive, 63, was also indicted on charges of violating the law on "
                "obstructing fair bidding.",
                "According to investigators, the two had known each other for more than 20 years "
                "and often went drinking together.",
                "The prefectural government said it would review how estimates are handled and "
                "limit the number of officials who have access to them.",
            ],
        ),
        dict(
            listing="news/national",
            path="/news/2020/01/15/national/foreign-applicants-nursing-schools-record/",
            article_id="2305812",
            headline="Foreign applicants to Japanese nursing-care schools hit record high",
            section="National", subsection=None, subsection_slug=None,
            credit="JIJI", authors=[], dateline=None,
            published="2020-01-15T14:20:37+09:00",
            tags=["nursing care", "foreign students", "education", "labor shortage"],
            images=[(f"{CDN}/2020/01/n-nursing-a-20200116.jpg",
                     "Students practice care techniques at a vocational school in Tokyo. | JIJI")],
            ad_after=2, related_after=4,
            related=[
                ("https://www.japantimes.co.jp/news/2019/12/05/national/"
                 "care-worker-visa-applicants/",
                 "Few foreign care workers take up new visa in first months"),
            ],
            paragraphs=[
                "The number of foreign nationals who enrolled at vocational schools training "
                "nursing-care workers in Japan reached a record 2,037 in the current academic "
                "year, an industry association said Wednesday.",
                "Foreign students accounted for about 30 percent of all new enrollees, up from "
                "17 percent two years earlier, as the number of Japanese applicants continued "
                "to fall.",
                "Students from Vietnam made up the largest group, followed by those from China, "
                "Nepal and the Philippines.",
                "Graduates can obtain a residence status that allows them to work in Japan "
                "indefinitely as care workers, which has made the schools increasingly popular.",
                "The association warned, however, that many foreign students struggle with the "
                "written Japanese required for the national qualification exam, and called for "
                "more language support.",
            ],
        ),
        dict(
            listing="news/national",
            path="/news/2019/12/20/national/politics-diplomacy/cabinet-broadband-remote-islands/",
            article_id="2279458",
            headline="Cabinet approves plan to bring high-speed internet to remote islands",
            section="National", subsection="Politics", subsection_slug="politics-diplomacy",
            credit="Staff Writer", authors=["Haruka Ogawa", "Thomas Reilly"], dateline=None,
            published="2019-12-20T18:48:12+09:00",
            author_meta="Haruka Ogawa, Thomas Reilly",
            tags=["broadband", "internet", "remote islands", "rural areas", "Cabinet"],
            images=[],
            ad_after=2, related_after=5,
            related=[
                ("https://www.japantimes.co.jp/news/2019/11/14/national/5g-rollout-rural-japan/",
                 "Rural Japan worries it will be left behind in 5G rollout"),
            ],
            paragraphs=[
                "The Cabinet on Friday approved a plan to lay fiber-optic cables to all inhabited "
                "remote islands by the end of fiscal 2023, as the government tries to close the "
                "digital gap between cities and depopulating rural areas.",
                "About 40 of the country’s roughly 400 inhabited remote islands still lack "
                "high-speed fixed broadband, according to the internal affairs ministry.",
                "The plan would cover two-thirds of the cost of laying undersea cables and "
                "building local networks, with municipalities paying the rest.",
                "Officials said reliable connections are a precondition for telemedicine, "
                "remote schooling and attracting younger people who can work from anywhere.",
                "“Young families tell us the first thing they ask about is the internet, not "
                "the school,” said the mayor of a town in Kagoshima Prefecture that includes "
                "several small islands.",
                "Telecommunications companies have been reluctant to invest on their own because "
                "many islands have only a few hundred residents.",
                "The plan will be funded through the supplementary budget for the current fiscal "
                "year, which the Cabinet is expected to approve next week.",
            ],
        ),
    ]
    for article in out:
        article.setdefault("description", _description(article["paragraphs"][0]))
        article.setdefault("modified", None)
    return out


def _description(text, limit=160):
    """Like Yoast's automatic meta description: the text cut at a word before ``limit``."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def sitemap_only_articles():
    """WordPress-era articles on no listing page: reachable only from a sitemap (invented)."""
    out = [
        dict(
            listing=None,
            path="/news/2020/02/11/national/sapporo-snow-festival-fewer-visitors/",
            article_id="2477604",
            headline="Sapporo Snow Festival draws fewer visitors amid virus fears and thin snow",
            section="National", subsection=None, subsection_slug=None,
            credit="Kyodo", authors=[], dateline="SAPPORO",
            published="2020-02-11T17:25:40+09:00",
            tags=["Sapporo", "Hokkaido", "festivals", "tourism", "coronavirus"],
            images=[(f"{CDN}/2020/02/n-snowfest-a-20200212.jpg",
                     "Visitors walk past a snow sculpture at Odori Park in Sapporo on Tuesday. "
                     "| KYODO")],
            ad_after=2, related_after=5,
            related=[
                ("https://www.japantimes.co.jp/news/2020/01/31/national/"
                 "sapporo-snow-festival-trucks-snow/",
                 "Sapporo trucks in snow from the mountains as festival nears"),
            ],
            paragraphs=[
                "The Sapporo Snow Festival closed on Tuesday after drawing about 2 million "
                "visitors, around 700,000 fewer than last year, as fears over the new "
                "coronavirus kept many tourists from China and elsewhere away.",
                "The organizing committee said attendance at the festival’s three sites was the "
                "lowest in more than 30 years.",
                "A lack of snow this winter also forced the city to bring in snow by truck from "
                "mountain areas to build the large sculptures at Odori Park, and some smaller "
                "pieces had to be scaled down.",
                "Hotels in the city reported a wave of cancellations by groups from overseas "
                "after China suspended group tours late last month.",
                "“We did our best with the snow we had, but the empty spaces in front of the "
                "sculptures were hard to see,” said a volunteer who has helped build sculptures "
                "for a decade.",
                "Volunteers from the Self-Defense Forces, who have helped build the biggest "
                "sculptures since the festival’s early years, will take part again next year, "
                "the committee said.",
            ],
        ),
    ]
    for article in out:
        article.setdefault("description", _description(article["paragraphs"][0]))
        article.setdefault("modified", None)
    return out
