"""Demo activity catalogue and public programme pages, in English and Norwegian bokmål.

Every example activity of the source documents (OsloMet's CIL page, Lund's Certificate of
International Merits toolkit) appears at least once, so a demo shows staff their own examples.
Kept apart from `demo.seed` because it is mostly text.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from activities.models import Activity, ProgrammePage, StudyProgramme
from cil.models import User

# The Activity fields a catalogue entry sets; "key", "programme", "offered_by" and "archived"
# are the seed's own bookkeeping.
ACTIVITY_FIELDS = Activity.EDITABLE_FIELDS

PAGE_FIELDS = tuple(
    f"{section}_{language}"
    for section in (
        "introduction",
        "signing_up",
        "portfolio",
        "leadership_statement",
        "employer_statement",
        "contacts",
    )
    for language in ("en", "nb")
)

# Evidence wordings that several activities share.
_SIGNED_OR_PHOTO_EN = (
    "For each engagement: the programme signed by the lecturer or organiser, or a photo that "
    "confirms your participation."
)
_SIGNED_OR_PHOTO_NB = (
    "For hver gang: programmet signert av foreleser eller arrangør, eller et bilde som bekrefter "
    "at du deltok."
)
_EXCHANGE_EN = (
    "The Learning Agreement signed by both universities and the Transcript of Records from the "
    "host university."
)
_EXCHANGE_NB = (
    "Learning Agreement signert av begge universitetene og karakterutskrift (Transcript of "
    "Records) fra vertsuniversitetet."
)

CATALOGUE: list[dict[str, Any]] = [
    # --- Nursing: at home and abroad are both required (like OsloMet). ---
    {
        # Gothenburg's rule: three guest lectures on three different dates make one activity.
        "key": "nursing-global-health-lectures",
        "programme": "nursing",
        "offered_by": ["medicine"],
        "title_en": "Guest lectures on global health",
        "title_nb": "Gjesteforelesninger om global helse",
        "description_en": (
            "Open lectures in English by visiting researchers and nurses from our partner "
            "universities, e.g. on maternal health in Malawi or migration and health in Europe. "
            "Attend **three lectures on three different dates**; together they count as one "
            "activity."
        ),
        "description_nb": (
            "Åpne forelesninger på engelsk ved gjesteforskere og sykepleiere fra "
            "partneruniversitetene våre, for eksempel om mødrehelse i Malawi eller migrasjon og "
            "helse i Europa. Delta på **tre forelesninger på tre ulike datoer**; til sammen "
            "teller de som én aktivitet."
        ),
        "evidence_en": _SIGNED_OR_PHOTO_EN,
        "evidence_nb": _SIGNED_OR_PHOTO_NB,
        "location": "home",
        "category": "guest_lecture",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 3,
        "size": "",
    },
    {
        "key": "nursing-buddy",
        "programme": "nursing",
        "offered_by": [],
        "title_en": "Buddy for incoming exchange students",
        "title_nb": "Fadder for innreisende utvekslingsstudenter",
        "description_en": (
            "Mentor one or two visiting nursing students from our partner universities for a "
            "semester: welcome them in the first week, help them find their way on campus and in "
            "clinical placement, and meet them regularly."
        ),
        "description_nb": (
            "Vær fadder for én eller to innreisende sykepleiestudenter fra partneruniversitetene "
            "våre i ett semester: ta imot dem den første uka, hjelp dem å finne fram på campus og "
            "i praksis, og møt dem jevnlig."
        ),
        "evidence_en": (
            "A confirmation from the International Office that you were a buddy for the whole "
            "semester, and a diary with the dates of your meetings."
        ),
        "evidence_nb": (
            "En bekreftelse fra internasjonalt kontor på at du var fadder hele semesteret, og en "
            "dagbok med datoene for møtene deres."
        ),
        "location": "home",
        "category": "mentoring",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        # Part of a module: counts only with a reflection beyond what the module asks (Lund).
        "key": "nursing-virtual-exchange-module",
        "programme": "nursing",
        "offered_by": [],
        "title_en": "Virtual exchange with Makerere University in the public health module",
        "title_nb": "Virtuell utveksling med Makerere University i emnet folkehelse",
        "description_en": (
            "Part of the module *Public and global health* (SYP2100): six online sessions with "
            "nursing students at Makerere University, Uganda, comparing primary health care in "
            "the two countries. Because it is part of the module, it counts for the certificate "
            "only with an **additional reflection** in your portfolio."
        ),
        "description_nb": (
            "Del av emnet *Folkehelse og global helse* (SYP2100): seks nettsamlinger med "
            "sykepleiestudenter ved Makerere University i Uganda, der dere sammenligner "
            "primærhelsetjenesten i de to landene. Fordi den er en del av emnet, teller den for "
            "sertifikatet bare med en **ekstra refleksjon** i porteføljen din."
        ),
        "evidence_en": (
            "Your group's final presentation, or a screenshot of a session that confirms your "
            "participation, and your additional reflection."
        ),
        "evidence_nb": (
            "Gruppens avsluttende presentasjon, eller et skjermbilde fra en samling som bekrefter "
            "at du deltok, og den ekstra refleksjonen din."
        ),
        "location": "home",
        "category": "virtual_exchange",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        # Institution-wide and offered by several programmes; one programme stays responsible.
        # Not offered by Languages: a size belongs to the activity, and this one has none.
        "key": "international-week",
        "programme": "nursing",
        "offered_by": ["medicine", "social-work"],
        "title_en": "International Week",
        "title_nb": "Internasjonal uke",
        "description_en": (
            "Every March the faculties host guests from partner universities in Europe, Africa "
            "and Asia for a week of workshops, lectures and cultural evenings in English. Take "
            "part in the programme on at least three of the five days."
        ),
        "description_nb": (
            "Hver mars tar fakultetene imot gjester fra partneruniversiteter i Europa, Afrika og "
            "Asia til en uke med workshoper, forelesninger og kulturkvelder på engelsk. Delta i "
            "programmet minst tre av de fem dagene."
        ),
        "evidence_en": (
            "The certificate of participation the organisers send after the week, or the "
            "programme signed by the session leads."
        ),
        "evidence_nb": (
            "Deltakerbeviset arrangørene sender etter uka, eller programmet signert av dem som "
            "ledet øktene."
        ),
        "location": "home",
        "category": "other",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "nursing-exchange-semester",
        "programme": "nursing",
        "offered_by": [],
        "title_en": "Exchange semester with clinical placement",
        "title_nb": "Utvekslingssemester med praksis",
        "description_en": (
            "One semester (30 ECTS) at a partner university, including clinical placement: e.g. "
            "Hanze University of Applied Sciences in Groningen (Netherlands), Kamuzu University of "
            "Health Sciences in Blantyre (Malawi) or Mahidol University in Bangkok (Thailand)."
        ),
        "description_nb": (
            "Ett semester (30 studiepoeng) ved et partneruniversitet, med praksis: for eksempel "
            "Hanze University of Applied Sciences i Groningen (Nederland), Kamuzu University of "
            "Health Sciences i Blantyre (Malawi) eller Mahidol University i Bangkok (Thailand)."
        ),
        "evidence_en": _EXCHANGE_EN,
        "evidence_nb": _EXCHANGE_NB,
        "location": "abroad",
        "category": "exchange_studies",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "nursing-blended-intensive-lisbon",
        "programme": "nursing",
        "offered_by": [],
        "title_en": "Blended intensive programme: Ageing and care in Europe (Lisbon)",
        "title_nb": "Blended intensive programme: Aldring og omsorg i Europa (Lisboa)",
        "description_en": (
            "An Erasmus+ short-term mobility (3 ECTS): three online sessions, then five days at "
            "our partner nursing school in Lisbon, Portugal, with students from five European "
            "countries."
        ),
        "description_nb": (
            "Et kort Erasmus+-opphold (3 studiepoeng): tre nettsamlinger og deretter fem dager "
            "ved partnerhøgskolen vår i Lisboa i Portugal, sammen med studenter fra fem "
            "europeiske land."
        ),
        "evidence_en": "The certificate of participation from the host institution.",
        "evidence_nb": "Deltakerbevis fra vertsinstitusjonen.",
        "location": "abroad",
        "category": "short_mobility",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "nursing-conference-abroad",
        "programme": "nursing",
        "offered_by": [],
        "title_en": "Conference or workshop abroad on nursing or global health",
        "title_nb": "Konferanse eller workshop i utlandet om sykepleie eller global helse",
        "description_en": (
            "Take part in, or present a poster at, a conference or workshop abroad, e.g. a Nordic "
            "or European nursing students' conference. You find and register for it yourself; "
            "ask the certificate administrator before you go whether it counts."
        ),
        "description_nb": (
            "Delta på, eller presenter en poster på, en konferanse eller workshop i utlandet, for "
            "eksempel en nordisk eller europeisk konferanse for sykepleiestudenter. Du finner og "
            "melder deg på selv; spør sertifikatadministratoren før du reiser om den teller."
        ),
        "evidence_en": (
            "A certificate of participation, or the conference programme and a photo that "
            "confirms your participation."
        ),
        "evidence_nb": (
            "Deltakerbevis, eller konferanseprogrammet og et bilde som bekrefter at du deltok."
        ),
        "location": "abroad",
        "category": "conference",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "student",
        "engagements_required": 1,
        "size": "",
    },
    {
        # Archived: shows that entries keep pointing at an activity that is no longer offered.
        "key": "nursing-gdansk-visit",
        "programme": "nursing",
        "offered_by": [],
        "archived": True,
        "title_en": "Study visit to the University Clinical Centre in Gdańsk (until 2024)",
        "title_nb": "Studiebesøk ved Universitetssykehuset i Gdańsk (til 2024)",
        "description_en": (
            "A one-week visit to the partner hospital in Gdańsk, Poland. The agreement ended in "
            "2024; the activity is kept for students who already took part."
        ),
        "description_nb": (
            "Et ukelangt besøk ved partnersykehuset i Gdańsk i Polen. Avtalen ble avsluttet i "
            "2024; aktiviteten beholdes for studenter som allerede har deltatt."
        ),
        "evidence_en": "The certificate of participation from the hospital.",
        "evidence_nb": "Deltakerbevis fra sykehuset.",
        "location": "abroad",
        "category": "short_mobility",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    # --- Medicine: going abroad is optional (like Lund's Faculty of Medicine). ---
    {
        "key": "medicine-incoming-clerkships",
        "programme": "medicine",
        "offered_by": [],
        "title_en": "Contact person for incoming clerkship students",
        "title_nb": "Kontaktperson for innreisende hospiteringsstudenter",
        "description_en": (
            "The medical students' association exchange committee welcomes about 40 medical "
            "students from Europe, Latin America and Asia each summer. As a contact person you "
            "meet your student on arrival, show them the hospital and take part in the social "
            "programme during their four weeks."
        ),
        "description_nb": (
            "Utvekslingskomiteen i medisinstudentforeningen tar hver sommer imot rundt 40 "
            "medisinstudenter fra Europa, Latin-Amerika og Asia. Som kontaktperson tar du imot "
            "studenten din ved ankomst, viser fram sykehuset og deltar i det sosiale programmet "
            "i de fire ukene de er her."
        ),
        "evidence_en": (
            "A confirmation from the exchange committee, signed by its leader, with your name "
            "and the period."
        ),
        "evidence_nb": (
            "En bekreftelse fra utvekslingskomiteen, signert av lederen, med navnet ditt og "
            "perioden."
        ),
        "location": "home",
        "category": "mentoring",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "student_organisation",
        "engagements_required": 1,
        "size": "",
    },
    {
        # Extra-curricular: the ordinary reflection is enough (Lund).
        "key": "medicine-virtual-exchange-global-surgery",
        "programme": "medicine",
        "offered_by": [],
        "title_en": "Virtual exchange: global surgery case seminars with Dar es Salaam",
        "title_nb": "Virtuell utveksling: kasusseminarer i global kirurgi med Dar es Salaam",
        "description_en": (
            "Four online evening seminars with medical students at Muhimbili University of "
            "Health and Allied Sciences in Dar es Salaam, Tanzania. Mixed groups discuss real "
            "surgical cases and access to safe surgery. Extra-curricular, not part of any module."
        ),
        "description_nb": (
            "Fire nettseminarer på kveldstid med medisinstudenter ved Muhimbili University of "
            "Health and Allied Sciences i Dar es Salaam i Tanzania. Blandede grupper diskuterer "
            "reelle kirurgiske kasus og tilgang til trygg kirurgi. Frivillig, ikke del av noe "
            "emne."
        ),
        "evidence_en": (
            "The certificate of participation sent after the last seminar, or the attendance "
            "list signed by the seminar lead."
        ),
        "evidence_nb": (
            "Deltakerbeviset som sendes ut etter siste seminar, eller deltakerlisten signert av "
            "seminarlederen."
        ),
        "location": "home",
        "category": "virtual_exchange",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        # Lund counts "other courses with global perspective offered by the institution".
        "key": "medicine-global-health-elective",
        "programme": "medicine",
        "offered_by": ["nursing"],
        "title_en": "Elective course: Global health (7.5 ECTS, taught in English)",
        "title_nb": "Valgemne: Global helse (7,5 studiepoeng, undervist på engelsk)",
        "description_en": (
            "Taught in English together with exchange students: the global burden of disease, "
            "health systems and health equity, with group work in international teams."
        ),
        "description_nb": (
            "Undervist på engelsk sammen med utvekslingsstudenter: global sykdomsbyrde, "
            "helsesystemer og likhet i helse, med gruppearbeid i internasjonale grupper."
        ),
        "evidence_en": "Your Transcript of Records showing the passed course.",
        "evidence_nb": "Karakterutskrift som viser at emnet er bestått.",
        "location": "home",
        "category": "other",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "medicine-global-health-day",
        "programme": "medicine",
        "offered_by": [],
        "title_en": "Global Health Day: student conference",
        "title_nb": "Global helsedag: studentkonferanse",
        "description_en": (
            "A one-day conference on campus, run by the students' global health group, with "
            "speakers from humanitarian organisations and partner universities and workshops on "
            "health in crises."
        ),
        "description_nb": (
            "En dagskonferanse på campus, arrangert av studentenes globalhelsegruppe, med "
            "foredragsholdere fra humanitære organisasjoner og partneruniversiteter og "
            "workshoper om helse i kriser."
        ),
        "evidence_en": (
            "The conference programme signed by an organiser, or a photo that confirms your "
            "participation."
        ),
        "evidence_nb": (
            "Konferanseprogrammet signert av en arrangør, eller et bilde som bekrefter at du "
            "deltok."
        ),
        "location": "home",
        "category": "conference",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "student_organisation",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "medicine-clinical-exchange",
        "programme": "medicine",
        "offered_by": [],
        "title_en": "Exchange semester in clinical medicine",
        "title_nb": "Utvekslingssemester i klinisk medisin",
        "description_en": (
            "One semester of clinical rotations at a partner university, e.g. Heidelberg "
            "University (Germany), Université de Montpellier (France) or Manipal Academy of "
            "Higher Education (India). The credits replace a semester at home."
        ),
        "description_nb": (
            "Ett semester med klinisk undervisning ved et partneruniversitet, for eksempel "
            "Universität Heidelberg (Tyskland), Université de Montpellier (Frankrike) eller "
            "Manipal Academy of Higher Education (India). Studiepoengene erstatter et semester "
            "hjemme."
        ),
        "evidence_en": _EXCHANGE_EN,
        "evidence_nb": _EXCHANGE_NB,
        "location": "abroad",
        "category": "exchange_studies",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "medicine-thesis-fieldwork",
        "programme": "medicine",
        "offered_by": [],
        "title_en": "Data collection for the master's thesis abroad",
        "title_nb": "Datainnsamling til masteroppgaven i utlandet",
        "description_en": (
            "Collect data for your thesis with a partner abroad, e.g. at Kilimanjaro Christian "
            "Medical Centre in Moshi (Tanzania) or with a research group in Kathmandu (Nepal). "
            "You need a co-supervisor at the partner institution and ethical approval before you "
            "travel."
        ),
        "description_nb": (
            "Samle inn data til oppgaven din hos en partner i utlandet, for eksempel ved "
            "Kilimanjaro Christian Medical Centre i Moshi (Tanzania) eller i en forskningsgruppe "
            "i Kathmandu (Nepal). Du trenger en medveileder ved partnerinstitusjonen og etisk "
            "godkjenning før du reiser."
        ),
        "evidence_en": (
            "A letter from your co-supervisor abroad confirming the period and the work; photos "
            "from the field work are welcome."
        ),
        "evidence_nb": (
            "Et brev fra medveilederen i utlandet som bekrefter perioden og arbeidet; bilder fra "
            "feltarbeidet er velkomne."
        ),
        "location": "abroad",
        "category": "thesis_abroad",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "student",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "medicine-summer-school",
        "programme": "medicine",
        "offered_by": [],
        "title_en": "Summer course in tropical medicine and global health",
        "title_nb": "Sommerkurs i tropemedisin og global helse",
        "description_en": (
            "A two- to four-week summer course at a European university, e.g. in Maastricht or "
            "Copenhagen, which you choose and apply for yourself. Courses that give ECTS credits "
            "can also be recognised in your degree."
        ),
        "description_nb": (
            "Et sommerkurs på to til fire uker ved et europeisk universitet, for eksempel i "
            "Maastricht eller København, som du selv velger og søker på. Kurs som gir "
            "studiepoeng, kan også godkjennes i graden din."
        ),
        "evidence_en": "The certificate of participation or the Transcript of Records.",
        "evidence_nb": "Deltakerbevis eller karakterutskrift (Transcript of Records).",
        "location": "abroad",
        "category": "summer_course",
        "credit_bearing": True,
        "curriculum": "informal",
        "organiser": "student",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "medicine-kampala-workshop",
        "programme": "medicine",
        "offered_by": [],
        "archived": True,
        "title_en": "Research methods workshop in Kampala (2022-2023)",
        "title_nb": "Workshop i forskningsmetode i Kampala (2022-2023)",
        "description_en": (
            "A five-day workshop with Makerere University, Uganda, on qualitative methods in "
            "global health. The project funding ended in 2023."
        ),
        "description_nb": (
            "En femdagers workshop med Makerere University i Uganda om kvalitative metoder i "
            "global helse. Prosjektfinansieringen tok slutt i 2023."
        ),
        "evidence_en": "The certificate of participation from the workshop.",
        "evidence_nb": "Deltakerbevis fra workshopen.",
        "location": "abroad",
        "category": "conference",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    # --- Social Work: four activities, at least two at home and one abroad. ---
    {
        # Lund: recognise activities students find themselves, e.g. volunteer work.
        "key": "social-work-volunteer-newcomers",
        "programme": "social-work",
        "offered_by": [],
        "title_en": "Volunteer work with refugees and newcomers",
        "title_nb": "Frivillig arbeid med flyktninger og nyankomne",
        "description_en": (
            "Volunteer work you arrange yourself with a voluntary organisation, e.g. as a "
            "refugee guide, homework helper or host at a language café for newcomers: at least "
            "20 hours over one semester. Ask the certificate administrator to approve the "
            "organisation first."
        ),
        "description_nb": (
            "Frivillig arbeid du selv avtaler med en frivillig organisasjon, for eksempel som "
            "flyktningguide, leksehjelper eller vert på en språkkafé for nyankomne: minst 20 "
            "timer i løpet av ett semester. Be sertifikatadministratoren godkjenne "
            "organisasjonen først."
        ),
        "evidence_en": (
            "A letter from the organisation confirming your role, the period and the number of "
            "hours, and a diary with dated notes."
        ),
        "evidence_nb": (
            "Et brev fra organisasjonen som bekrefter rollen din, perioden og antall timer, og en "
            "dagbok med daterte notater."
        ),
        "location": "home",
        "category": "volunteer",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "student",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "social-work-migration-lectures",
        "programme": "social-work",
        "offered_by": [],
        "title_en": "Guest lectures on migration and welfare",
        "title_nb": "Gjesteforelesninger om migrasjon og velferd",
        "description_en": (
            "A lecture series with guests from the University of Ghana, Tata Institute of Social "
            "Sciences in Mumbai and European partners. **Three lectures on three different "
            "dates** count as one activity."
        ),
        "description_nb": (
            "En forelesningsrekke med gjester fra University of Ghana, Tata Institute of Social "
            "Sciences i Mumbai og europeiske partnere. **Tre forelesninger på tre ulike datoer** "
            "teller som én aktivitet."
        ),
        "evidence_en": _SIGNED_OR_PHOTO_EN,
        "evidence_nb": _SIGNED_OR_PHOTO_NB,
        "location": "home",
        "category": "guest_lecture",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 3,
        "size": "",
    },
    {
        "key": "social-work-virtual-exchange-botswana",
        "programme": "social-work",
        "offered_by": [],
        "title_en": "Virtual exchange: child welfare in Norway and Botswana",
        "title_nb": "Virtuell utveksling: barnevern i Norge og Botswana",
        "description_en": (
            "An extra-curricular online project over eight weeks with social work students at "
            "the University of Botswana. Mixed teams compare how the two countries protect "
            "children and present a joint case analysis."
        ),
        "description_nb": (
            "Et frivillig nettprosjekt over åtte uker med sosionomstudenter ved University of "
            "Botswana. Blandede grupper sammenligner hvordan de to landene beskytter barn, og "
            "presenterer en felles kasusanalyse."
        ),
        "evidence_en": (
            "Your team's case analysis and the certificate of participation from the course "
            "leaders."
        ),
        "evidence_nb": "Gruppens kasusanalyse og deltakerbevis fra emneansvarlige.",
        "location": "home",
        "category": "virtual_exchange",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "social-work-exchange-placement",
        "programme": "social-work",
        "offered_by": [],
        "title_en": "Exchange semester with field placement",
        "title_nb": "Utvekslingssemester med praksis",
        "description_en": (
            "The fifth semester abroad, with field placement in social services: e.g. at the "
            "University of Ghana in Accra, Amsterdam University of Applied Sciences or Tata "
            "Institute of Social Sciences in Mumbai."
        ),
        "description_nb": (
            "Femte semester i utlandet, med praksis i sosiale tjenester: for eksempel ved "
            "University of Ghana i Accra, Hogeschool van Amsterdam eller Tata Institute of Social "
            "Sciences i Mumbai."
        ),
        "evidence_en": _EXCHANGE_EN,
        "evidence_nb": _EXCHANGE_NB,
        "location": "abroad",
        "category": "exchange_studies",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "social-work-vilnius-study-trip",
        "programme": "social-work",
        "offered_by": [],
        "title_en": "Study trip to social services in Vilnius",
        "title_nb": "Studietur til sosiale tjenester i Vilnius",
        "description_en": (
            "One week in Vilnius, Lithuania, with Vilnius University: visits to child welfare, "
            "addiction and housing services, and a seminar with Lithuanian social work students."
        ),
        "description_nb": (
            "Én uke i Vilnius i Litauen sammen med Vilnius universitet: besøk i barnevern, rus- "
            "og boligtjenester, og et seminar med litauiske sosionomstudenter."
        ),
        "evidence_en": (
            "The programme of the week signed by the teacher in charge, or a photo that confirms "
            "your participation."
        ),
        "evidence_nb": (
            "Programmet for uka signert av ansvarlig lærer, eller et bilde som bekrefter at du "
            "deltok."
        ),
        "location": "abroad",
        "category": "short_mobility",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "",
    },
    {
        "key": "social-work-conference-abroad",
        "programme": "social-work",
        "offered_by": [],
        "title_en": "European social work conference or student workshop",
        "title_nb": "Europeisk konferanse eller studentworkshop i sosialt arbeid",
        "description_en": (
            "Attend a European conference or student workshop on social work research or "
            "practice, on your own initiative or with a research group at the department."
        ),
        "description_nb": (
            "Delta på en europeisk konferanse eller studentworkshop om forskning eller praksis i "
            "sosialt arbeid, på eget initiativ eller sammen med en forskningsgruppe ved "
            "instituttet."
        ),
        "evidence_en": "The certificate of participation from the organisers.",
        "evidence_nb": "Deltakerbevis fra arrangøren.",
        "location": "abroad",
        "category": "conference",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "student",
        "engagements_required": 1,
        "size": "",
    },
    # --- Languages and Cultures: sized activities (like Lund's humanities). A is the largest
    # (a semester), B a course or a semester-long commitment, C a single event. Size A can be
    # earned at home too, because going abroad is optional here. ---
    {
        "key": "languages-cafe-evening",
        "programme": "languages",
        "offered_by": [],
        "title_en": "Language café evening",
        "title_nb": "Språkkafé-kveld",
        "description_en": (
            "Drop in at the weekly language café in the university library and talk with "
            "international students in the language you study. One evening is a size C "
            "activity; three evenings can replace one size B."
        ),
        "description_nb": (
            "Kom innom den ukentlige språkkafeen i universitetsbiblioteket og snakk med "
            "internasjonale studenter på språket du studerer. Én kveld er en aktivitet av "
            "størrelse C; tre kvelder kan erstatte én av størrelse B."
        ),
        "evidence_en": (
            "The host's signature on your language café card, or a photo that confirms your "
            "participation."
        ),
        "evidence_nb": (
            "Vertens signatur på språkkafékortet ditt, eller et bilde som bekrefter at du deltok."
        ),
        "location": "home",
        "category": "language_cafe",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "C",
    },
    {
        # Lund: "membership in a foreign-language club" needs continuous engagement.
        "key": "languages-conversation-club",
        "programme": "languages",
        "offered_by": [],
        "title_en": "Foreign-language conversation club (one semester)",
        "title_nb": "Samtaleklubb på fremmedspråk (ett semester)",
        "description_en": (
            "Join one of the clubs the students' association runs in Spanish, French, German, "
            "Japanese or Arabic, and take part in at least six meetings in one semester."
        ),
        "description_nb": (
            "Bli med i en av klubbene studentforeningen driver på spansk, fransk, tysk, japansk "
            "eller arabisk, og delta på minst seks møter i løpet av ett semester."
        ),
        "evidence_en": "The club's attendance list, signed by the club leader.",
        "evidence_nb": "Klubbens deltakerliste, signert av klubblederen.",
        "location": "home",
        "category": "language_cafe",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "student_organisation",
        "engagements_required": 6,
        "size": "B",
    },
    {
        "key": "languages-norwegian-teaching-assistant",
        "programme": "languages",
        "offered_by": [],
        "title_en": "Teaching assistant in Norwegian courses for international students",
        "title_nb": "Læringsassistent i norskkurs for internasjonale studenter",
        "description_en": (
            "Assist in the Norwegian courses for exchange students and international staff for a "
            "whole semester: lead conversation groups, help with pronunciation and answer "
            "questions about Norwegian culture (about 40 hours)."
        ),
        "description_nb": (
            "Vær assistent i norskkursene for utvekslingsstudenter og internasjonalt ansatte et "
            "helt semester: led samtalegrupper, hjelp med uttale og svar på spørsmål om norsk "
            "kultur (rundt 40 timer)."
        ),
        "evidence_en": (
            "A confirmation from the course coordinator of the period and your hours, and a "
            "diary with dated notes."
        ),
        "evidence_nb": (
            "En bekreftelse fra kurskoordinatoren på perioden og timene dine, og en dagbok med "
            "daterte notater."
        ),
        "location": "home",
        "category": "mentoring",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "A",
    },
    {
        # Part of a module: counts only with a reflection beyond what the module asks (Lund).
        "key": "languages-virtual-exchange-module",
        "programme": "languages",
        "offered_by": [],
        "title_en": "Virtual exchange with Kansai Gaidai University in Intercultural communication",
        "title_nb": "Virtuell utveksling med Kansai Gaidai University i Interkulturell "
        "kommunikasjon",
        "description_en": (
            "Part of the module *Intercultural communication* (SPR2100): weekly online tandem "
            "sessions with students at Kansai Gaidai University, Japan, for eight weeks. Because "
            "it is part of the module, it counts for the certificate only with an **additional "
            "reflection** in your portfolio."
        ),
        "description_nb": (
            "Del av emnet *Interkulturell kommunikasjon* (SPR2100): ukentlige tandemsamtaler på "
            "nett med studenter ved Kansai Gaidai University i Japan i åtte uker. Fordi den er en "
            "del av emnet, teller den for sertifikatet bare med en **ekstra refleksjon** i "
            "porteføljen din."
        ),
        "evidence_en": (
            "A screenshot of a session that confirms your participation, and your additional "
            "reflection."
        ),
        "evidence_nb": (
            "Et skjermbilde fra en samtale som bekrefter at du deltok, og den ekstra refleksjonen "
            "din."
        ),
        "location": "home",
        "category": "virtual_exchange",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "B",
    },
    {
        "key": "languages-exchange-semester",
        "programme": "languages",
        "offered_by": [],
        "title_en": "Exchange semester at a partner university",
        "title_nb": "Utvekslingssemester ved et partneruniversitet",
        "description_en": (
            "One semester (30 ECTS) in a country where your language is spoken, e.g. at the "
            "Universidad de Salamanca (Spain), Université Grenoble Alpes (France), Freie "
            "Universität Berlin (Germany) or Sophia University in Tokyo (Japan)."
        ),
        "description_nb": (
            "Ett semester (30 studiepoeng) i et land der språket ditt snakkes, for eksempel ved "
            "Universidad de Salamanca (Spania), Université Grenoble Alpes (Frankrike), Freie "
            "Universität Berlin (Tyskland) eller Sophia University i Tokyo (Japan)."
        ),
        "evidence_en": _EXCHANGE_EN,
        "evidence_nb": _EXCHANGE_NB,
        "location": "abroad",
        "category": "exchange_studies",
        "credit_bearing": True,
        "curriculum": "formal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "A",
    },
    {
        "key": "languages-summer-course",
        "programme": "languages",
        "offered_by": [],
        "title_en": "Summer language course abroad",
        "title_nb": "Sommerkurs i språk i utlandet",
        "description_en": (
            "A three- to six-week intensive language course at a university in a country where "
            "the language is spoken, e.g. the international summer courses in Salamanca or "
            "Lyon. You choose and apply for the course yourself."
        ),
        "description_nb": (
            "Et intensivt språkkurs på tre til seks uker ved et universitet i et land der språket "
            "snakkes, for eksempel de internasjonale sommerkursene i Salamanca eller Lyon. Du "
            "velger og søker på kurset selv."
        ),
        "evidence_en": "The certificate of participation, with the number of teaching hours.",
        "evidence_nb": "Deltakerbevis med antall undervisningstimer.",
        "location": "abroad",
        "category": "summer_course",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "student",
        "engagements_required": 1,
        "size": "B",
    },
    {
        "key": "languages-translation-workshop-tartu",
        "programme": "languages",
        "offered_by": [],
        "title_en": "Nordic-Baltic student workshop in literary translation (Tartu)",
        "title_nb": "Nordisk-baltisk studentworkshop i litterær oversettelse (Tartu)",
        "description_en": (
            "A three-day workshop at the University of Tartu, Estonia, where students from the "
            "Nordic and Baltic countries translate short fiction together with professional "
            "translators."
        ),
        "description_nb": (
            "En tredagers workshop ved Universitetet i Tartu i Estland, der studenter fra Norden "
            "og Baltikum oversetter kortprosa sammen med profesjonelle oversettere."
        ),
        "evidence_en": "The certificate of participation from the University of Tartu.",
        "evidence_nb": "Deltakerbevis fra Universitetet i Tartu.",
        "location": "abroad",
        "category": "conference",
        "credit_bearing": False,
        "curriculum": "informal",
        "organiser": "institution",
        "engagements_required": 1,
        "size": "B",
    },
]

# The reflection questions and the final report, as the Lund toolkit describes them; shared by
# every page's portfolio section.
_PORTFOLIO_EN = (
    "Your portfolio is your personal digital record of the certificate. For each activity you:\n"
    "\n"
    "1. choose it from the activity catalogue, or propose a new one;\n"
    "2. upload evidence of participation: a signed programme, a photo that confirms you took "
    "part, a certificate of participation or a Transcript of Records;\n"
    "3. keep a diary with dated notes if you like: it helps when you write the final report;\n"
    "4. write a reflection: *How has your participation contributed to an expansion of your "
    "global perspective in relation to your education and your future profession?* and *How "
    "can the experience be applied in different cross-cultural situations?*\n"
    "\n"
    "The certificate administrator approves each activity. When you have enough, you write a "
    "final report of 500 to 1000 words: a summary of your activities, then an essay with the "
    "reflection questions as headings. Photos are welcome. A member of the academic staff "
    "reads it as quality control that it meets university standards; your personal "
    "experience is not graded."
)
_PORTFOLIO_NB = (
    "Porteføljen er din personlige, digitale oversikt over sertifikatet. For hver aktivitet:\n"
    "\n"
    "1. velger du den fra aktivitetskatalogen, eller foreslår en ny;\n"
    "2. laster du opp dokumentasjon på at du deltok: et signert program, et bilde som "
    "bekrefter at du var der, et deltakerbevis eller en karakterutskrift;\n"
    "3. fører du gjerne dagbok med daterte notater: den er nyttig når du skriver "
    "sluttrapporten;\n"
    "4. skriver du en refleksjon: *Hvordan har deltakelsen bidratt til å utvide ditt globale "
    "perspektiv med tanke på utdanningen din og ditt framtidige yrke?* og *Hvordan kan "
    "erfaringen brukes i ulike tverrkulturelle situasjoner?*\n"
    "\n"
    "Sertifikatadministratoren godkjenner hver aktivitet. Når du har nok aktiviteter, skriver "
    "du en avsluttende refleksjonsrapport på 500 til 1000 ord: en oppsummering av aktivitetene, "
    "og deretter et essay med refleksjonsspørsmålene som overskrifter. Bilder er velkomne. En "
    "fagperson leser rapporten som en kvalitetskontroll av at den holder universitetets "
    "standard; din personlige erfaring blir ikke vurdert med karakter."
)


def _signing_up(closed: bool) -> tuple[str, str]:
    """The sign-up section, in English and bokmål; Social Work's sign-up is closed for now."""
    if closed:
        first_en = (
            "Sign-up is **closed** this semester while the local resource group reviews the "
            "activity catalogue. It opens again at the start of next semester; activities you "
            "take part in meanwhile can still count if you keep the evidence."
        )
        first_nb = (
            "Påmeldingen er **stengt** dette semesteret mens den lokale ressursgruppen går "
            "gjennom aktivitetskatalogen. Den åpner igjen ved starten av neste semester; "
            "aktiviteter du deltar på i mellomtiden, kan likevel telle hvis du tar vare på "
            "dokumentasjonen."
        )
    else:
        first_en = (
            "Log in with your university e-mail address and choose **Sign up for the "
            "certificate** on this page. You can sign up at any time during your studies, but "
            "the earlier you start, the more activities you can collect. Activities from before "
            "you signed up count if you have the evidence."
        )
        first_nb = (
            "Logg inn med e-postadressen din fra universitetet og velg **Meld deg på "
            "sertifikatet** på denne siden. Du kan melde deg på når som helst i studietiden, men "
            "jo tidligere du begynner, desto flere aktiviteter rekker du. Aktiviteter fra før du "
            "meldte deg på, teller hvis du har dokumentasjon."
        )
    return (
        first_en + "\n\nFound an international activity that is not in the catalogue? Choose "
        "**Propose an activity**; the certificate administrator decides whether it counts.",
        first_nb + "\n\nHar du funnet en internasjonal aktivitet som ikke står i katalogen? "
        "Velg **Foreslå en aktivitet**; sertifikatadministratoren avgjør om den teller.",
    )


def _contacts(admin: str, admin_email: str, academic: str, academic_email: str) -> tuple[str, str]:
    """The contacts section: the programme's local resource group and the central one."""
    en = (
        f"- Certificate administrator: {admin}, [{admin_email}](mailto:{admin_email})\n"
        f"- Academic international coordinator: {academic}, "
        f"[{academic_email}](mailto:{academic_email})\n"
        "- Central resource group for CIL: [cil@uni.example](mailto:cil@uni.example)"
    )
    nb = (
        f"- Sertifikatadministrator: {admin}, [{admin_email}](mailto:{admin_email})\n"
        f"- Vitenskapelig internasjonal koordinator: {academic}, "
        f"[{academic_email}](mailto:{academic_email})\n"
        "- Sentral ressursgruppe for CIL: [cil@uni.example](mailto:cil@uni.example)"
    )
    return en, nb


_OPEN_EN, _OPEN_NB = _signing_up(closed=False)
_CLOSED_EN, _CLOSED_NB = _signing_up(closed=True)
_NURSING_CONTACTS = _contacts(
    "Kari Nordmann", "kari.admin@uni.example", "Nina Berg", "nina.reviewer@uni.example"
)
_MEDICINE_CONTACTS = _contacts(
    "Lars Svensson", "lars.admin@uni.example", "Omar Haddad", "omar.reviewer@uni.example"
)
_SOCIAL_WORK_CONTACTS = _contacts(
    "Lars Svensson", "lars.admin@uni.example", "Ingrid Moe", "ingrid.moe@uni.example"
)
_LANGUAGES_CONTACTS = _contacts(
    "Kari Nordmann", "kari.admin@uni.example", "Pablo Ruiz", "pablo.ruiz@uni.example"
)

PAGES: dict[str, dict[str, str]] = {
    "nursing": {
        "introduction_en": (
            "The Certificate of International Learning (CIL) gives an overview of the "
            "international activities you take part in during your nursing studies, at home "
            "and abroad, and of your reflections on them. It is a career tool: it helps you see "
            "and describe your international competence and shows it to future employers.\n"
            "\n"
            "To receive the diploma you:\n"
            "\n"
            "- take part in **three different activities**, at least one **at home** and at "
            "least one **abroad**;\n"
            "- write a reflection after each activity;\n"
            "- take the **CIL career course**;\n"
            "- write a final report and **present your experience** to fellow students."
        ),
        "introduction_nb": (
            "Certificate of International Learning (CIL) er en samlet synliggjøring av de "
            "internasjonale aktivitetene du deltar på i sykepleiestudiet, både hjemme og i "
            "utlandet, og av refleksjonene dine rundt dem. Sertifikatet er et karriereverktøy: "
            "det hjelper deg å se og beskrive den internasjonale kompetansen din og viser den "
            "fram for framtidige arbeidsgivere.\n"
            "\n"
            "For å få diplomet må du:\n"
            "\n"
            "- delta på **tre ulike aktiviteter**, minst én **hjemme** og minst én **i "
            "utlandet**;\n"
            "- skrive en refleksjon etter hver aktivitet;\n"
            "- delta på **CIL karrierekurs**;\n"
            "- skrive en avsluttende refleksjonsrapport og **presentere erfaringen din** for "
            "andre studenter."
        ),
        "signing_up_en": _OPEN_EN,
        "signing_up_nb": _OPEN_NB,
        "portfolio_en": _PORTFOLIO_EN,
        "portfolio_nb": _PORTFOLIO_NB,
        "leadership_statement_en": (
            "Nurses meet patients and colleagues from all over the world, in Norway as much as "
            "abroad. The faculty wants every nursing student to gain international experience, "
            "whether or not they can travel, and CIL makes that experience visible. We encourage "
            "all students to sign up.\n"
            "\n"
            "*Head of studies, Bachelor's Programme in Nursing*"
        ),
        "leadership_statement_nb": (
            "Sykepleiere møter pasienter og kolleger fra hele verden, i Norge like mye som i "
            "utlandet. Fakultetet ønsker at alle sykepleiestudenter skal få internasjonal "
            "erfaring, enten de kan reise eller ikke, og CIL synliggjør denne erfaringen. Vi "
            "oppfordrer alle studenter til å melde seg på.\n"
            "\n"
            "*Studieleder, bachelorstudium i sykepleie*"
        ),
        "employer_statement_en": (
            "A nurse with this certificate has taken part in at least three international "
            "activities, at home and abroad, reflected in writing on each of them, completed a "
            "career course on presenting international experience, and presented that "
            "experience to fellow students. The diploma lists the activities; you can verify "
            "it online."
        ),
        "employer_statement_nb": (
            "En sykepleier med dette sertifikatet har deltatt på minst tre internasjonale "
            "aktiviteter, hjemme og i utlandet, skrevet en refleksjon om hver av dem, fullført "
            "et karrierekurs i å presentere internasjonal erfaring og presentert erfaringen for "
            "andre studenter. Diplomet lister opp aktivitetene; du kan verifisere det på nett."
        ),
        "contacts_en": _NURSING_CONTACTS[0],
        "contacts_nb": _NURSING_CONTACTS[1],
    },
    "medicine": {
        "introduction_en": (
            "The Certificate of International Learning (CIL) recognises the international "
            "activities you take part in during the Medical Programme. Going abroad is "
            "**optional**: many activities take place here, such as mentoring clerkship "
            "students, virtual exchange and the elective course in global health.\n"
            "\n"
            "To receive the diploma you:\n"
            "\n"
            "- take part in **three different activities**, at least one **at home**;\n"
            "- write a reflection after each activity;\n"
            "- write a final report and **present your experience** at the annual poster "
            "session."
        ),
        "introduction_nb": (
            "Certificate of International Learning (CIL) synliggjør de internasjonale "
            "aktivitetene du deltar på i profesjonsstudiet i medisin. Det er **valgfritt** å "
            "reise ut: mange aktiviteter foregår her, som å være kontaktperson for "
            "hospiteringsstudenter, virtuell utveksling og valgemnet i global helse.\n"
            "\n"
            "For å få diplomet må du:\n"
            "\n"
            "- delta på **tre ulike aktiviteter**, minst én **hjemme**;\n"
            "- skrive en refleksjon etter hver aktivitet;\n"
            "- skrive en avsluttende refleksjonsrapport og **presentere erfaringen din** på den "
            "årlige postersesjonen."
        ),
        "signing_up_en": _OPEN_EN,
        "signing_up_nb": _OPEN_NB,
        "portfolio_en": _PORTFOLIO_EN,
        "portfolio_nb": _PORTFOLIO_NB,
        "leadership_statement_en": (
            "Global health is part of every doctor's work. Far from all students can spend a "
            "semester abroad, so the faculty recognises international activities at home as "
            "well. The certificate rewards students who seek out these experiences and reflect "
            "on what they mean for their future profession.\n"
            "\n"
            "*Vice-dean for education and internationalisation, Faculty of Health Sciences*"
        ),
        "leadership_statement_nb": (
            "Global helse er en del av arbeidet til enhver lege. Langt fra alle studenter kan "
            "reise ut et semester, og derfor anerkjenner fakultetet også internasjonale "
            "aktiviteter hjemme. Sertifikatet belønner studenter som oppsøker slike erfaringer "
            "og reflekterer over hva de betyr for det framtidige yrket.\n"
            "\n"
            "*Prodekan for utdanning og internasjonalisering, Fakultet for helsevitenskap*"
        ),
        "employer_statement_en": (
            "The holder of this certificate has completed at least three international "
            "activities during medical school, reflected in writing on each, and presented the "
            "experience to fellow students. A member of the academic staff has approved the "
            "final report. The diploma lists the activities and can be verified online."
        ),
        "employer_statement_nb": (
            "Innehaveren av dette sertifikatet har fullført minst tre internasjonale aktiviteter "
            "i medisinstudiet, skrevet en refleksjon om hver av dem og presentert erfaringen for "
            "andre studenter. En fagperson har godkjent den avsluttende refleksjonsrapporten. "
            "Diplomet lister opp aktivitetene og kan verifiseres på nett."
        ),
        "contacts_en": _MEDICINE_CONTACTS[0],
        "contacts_nb": _MEDICINE_CONTACTS[1],
    },
    "social-work": {
        "introduction_en": (
            "The Certificate of International Learning (CIL) recognises the international "
            "activities you take part in during the Bachelor's Programme in Social Work, at "
            "home and abroad. Social workers meet people from many backgrounds; the certificate "
            "helps you reflect on and show that competence.\n"
            "\n"
            "To receive the diploma you:\n"
            "\n"
            "- take part in **four different activities**, at least two **at home** and at "
            "least one **abroad**;\n"
            "- write a reflection after each activity;\n"
            "- write a final report."
        ),
        "introduction_nb": (
            "Certificate of International Learning (CIL) synliggjør de internasjonale "
            "aktivitetene du deltar på i bachelorstudiet i sosialt arbeid, både hjemme og i "
            "utlandet. Sosionomer møter mennesker med mange ulike bakgrunner; sertifikatet "
            "hjelper deg å reflektere over og vise fram denne kompetansen.\n"
            "\n"
            "For å få diplomet må du:\n"
            "\n"
            "- delta på **fire ulike aktiviteter**, minst to **hjemme** og minst én **i "
            "utlandet**;\n"
            "- skrive en refleksjon etter hver aktivitet;\n"
            "- skrive en avsluttende refleksjonsrapport."
        ),
        "signing_up_en": _CLOSED_EN,
        "signing_up_nb": _CLOSED_NB,
        "portfolio_en": _PORTFOLIO_EN,
        "portfolio_nb": _PORTFOLIO_NB,
        "leadership_statement_en": (
            "Migration, welfare and human rights do not stop at borders. The department wants "
            "its students to learn from social work in other countries, and from the many "
            "international students and guests who come here. CIL gives that learning a "
            "visible place in the degree.\n"
            "\n"
            "*Head of Department of Social Work*"
        ),
        "leadership_statement_nb": (
            "Migrasjon, velferd og menneskerettigheter stopper ikke ved landegrensene. "
            "Instituttet ønsker at studentene skal lære av sosialt arbeid i andre land, og av "
            "de mange internasjonale studentene og gjestene som kommer hit. CIL gir denne "
            "læringen en synlig plass i utdanningen.\n"
            "\n"
            "*Instituttleder, Institutt for sosialt arbeid*"
        ),
        "employer_statement_en": (
            "A social worker with this certificate has completed four international activities, "
            "including at least one abroad, and reflected in writing on what each means for "
            "working with people across cultures. The diploma lists the activities and can be "
            "verified online."
        ),
        "employer_statement_nb": (
            "En sosionom med dette sertifikatet har fullført fire internasjonale aktiviteter, "
            "minst én av dem i utlandet, og reflektert skriftlig over hva hver av dem betyr for "
            "arbeid med mennesker på tvers av kulturer. Diplomet lister opp aktivitetene og kan "
            "verifiseres på nett."
        ),
        "contacts_en": _SOCIAL_WORK_CONTACTS[0],
        "contacts_nb": _SOCIAL_WORK_CONTACTS[1],
    },
    "languages": {
        "introduction_en": (
            "The Certificate of International Learning (CIL) recognises the international "
            "activities you take part in while studying Languages and Cultures. Going abroad "
            "is **optional**. Activities have a **size**: A for the largest, such as an exchange "
            "semester, B for a course or a semester-long commitment, C for a single event.\n"
            "\n"
            "To receive the diploma you:\n"
            "\n"
            "- take part in at least **three different activities**, at least one **at home**;\n"
            "- collect **one activity of size A and two of size B**; three of size C can "
            "replace one B;\n"
            "- write a reflection after each activity;\n"
            "- write a final report and **present your experience** to fellow students."
        ),
        "introduction_nb": (
            "Certificate of International Learning (CIL) synliggjør de internasjonale "
            "aktivitetene du deltar på i bachelorprogrammet i språk og kultur. Det er "
            "**valgfritt** å reise ut. Aktivitetene har en **størrelse**: A for de største, "
            "som et utvekslingssemester, B for et kurs eller en innsats over et semester, C for "
            "enkeltarrangementer.\n"
            "\n"
            "For å få diplomet må du:\n"
            "\n"
            "- delta på minst **tre ulike aktiviteter**, minst én **hjemme**;\n"
            "- samle **én aktivitet av størrelse A og to av størrelse B**; tre av størrelse C "
            "kan erstatte én B;\n"
            "- skrive en refleksjon etter hver aktivitet;\n"
            "- skrive en avsluttende refleksjonsrapport og **presentere erfaringen din** for "
            "andre studenter."
        ),
        "signing_up_en": _OPEN_EN,
        "signing_up_nb": _OPEN_NB,
        "portfolio_en": _PORTFOLIO_EN,
        "portfolio_nb": _PORTFOLIO_NB,
        "leadership_statement_en": (
            "A language is learnt in use, with people who speak it. The faculty wants every "
            "student to meet the languages and cultures they study, on campus as well as "
            "abroad, and to reflect on what they learn from it. CIL makes that work visible.\n"
            "\n"
            "*Dean, Faculty of Humanities*"
        ),
        "leadership_statement_nb": (
            "Et språk læres i bruk, sammen med folk som snakker det. Fakultetet ønsker at alle "
            "studenter skal møte språkene og kulturene de studerer, på campus så vel som i "
            "utlandet, og reflektere over hva de lærer av det. CIL synliggjør dette arbeidet.\n"
            "\n"
            "*Dekan, Det humanistiske fakultet*"
        ),
        "employer_statement_en": (
            "The holder of this certificate has used their languages in international settings "
            "of different scope, from a semester-long commitment to single events, reflected in "
            "writing on each and presented the experience to fellow students. The diploma lists "
            "the activities and can be verified online."
        ),
        "employer_statement_nb": (
            "Innehaveren av dette sertifikatet har brukt språkene sine i internasjonale "
            "sammenhenger av ulikt omfang, fra en innsats over et helt semester til "
            "enkeltarrangementer, skrevet en refleksjon om hver av dem og presentert erfaringen "
            "for andre studenter. Diplomet lister opp aktivitetene og kan verifiseres på nett."
        ),
        "contacts_en": _LANGUAGES_CONTACTS[0],
        "contacts_nb": _LANGUAGES_CONTACTS[1],
    },
}


def _save_changes(obj: Activity | ProgrammePage, values: dict[str, Any]) -> None:
    """Set and save only the fields that differ, so a second seed leaves `updated_at` alone."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=[*changed, "updated_at"])


def seed_catalogue(programmes: dict[str, StudyProgramme], created_by: User | None) -> None:
    """Create or update the demo catalogue and programme pages. A second run changes nothing.

    Straight through the ORM on purpose: this is demo data, and the services layer would ask
    for an administrator for every programme and write an audit event for every row.
    Activities are matched by responsible programme and English title (private ones excluded),
    so renaming an entry here creates a new activity rather than touching a student's own.
    """
    for spec in CATALOGUE:
        responsible = programmes[spec["programme"]]
        values = {name: spec[name] for name in ACTIVITY_FIELDS}
        activity = (
            Activity.objects.filter(
                programme=responsible, title_en=spec["title_en"], private_to__isnull=True
            )
            .order_by("pk")
            .first()
        )
        if activity is None:
            activity = Activity.objects.create(
                programme=responsible, created_by=created_by, **values
            )
        # Keep the first archiving date: re-seeding must not make the activity look newly
        # archived.
        if spec.get("archived"):
            values["archived_at"] = activity.archived_at or timezone.now()
        else:
            values["archived_at"] = None
        _save_changes(activity, values)
        offered = [responsible, *(programmes[code] for code in spec["offered_by"])]
        activity.programmes.set(offered)  # set() leaves rows that are already there alone
    for code, texts in PAGES.items():
        page, _ = ProgrammePage.objects.get_or_create(programme=programmes[code])
        _save_changes(page, {name: texts[name] for name in PAGE_FIELDS})
