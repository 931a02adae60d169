"""Closed-class words the patterns rely on: head nouns of bodies, documents and events, role words, stopwords."""

from __future__ import annotations

import functools

# Head nouns that make a capitalised phrase an organization: "Global Commission on ...", "... Advisory Board".
ORG_HEADS = frozenset("""
commission committee council board department ministry agency authority forum group caucus union
organization organisation association foundation institute institution fund fond secretariat registry
network alliance coalition federation consortium partnership assembly parliament court university
centre center chapter panel bureau directorate division taskforce corporation company government
administration observatory academy plenary office school école ecole escuela escola universidad université
universidade universität instituto institut
""".split())
# Head nouns of document titles: "São Paulo Multistakeholder Guidelines", "UN Cybercrime Convention".
DOC_HEADS = frozenset("""
report convention declaration agenda resolution resolutions guidelines statement compact principles
charter treaty agreement protocol recommendation recommendations non-paper roadmap manifesto
communiqué communique framework directive regulation paper white-paper plan
""".split())
# Head nouns of events and processes: "Tunis Summit", "Internet Governance negotiations".
EVENT_HEADS = frozenset("summit conference symposium congress dialogue roundtable retreat".split())
# Words that make a signature line a role: "Head, Internet Governance Office", "2025 IGF MAG Member".
ROLE_WORDS = frozenset("""
head chair chairman chairwoman chairperson co-chair vice-chair president vice-president director
member manager officer coordinator secretary advisor adviser counsellor counselor professor
minister ambassador ceo cto coo cfo founder co-founder lead leader senior executive fellow researcher
consultant specialist analyst editor chief deputy principal partner convenor convener rapporteur
facilitator co-facilitator representative delegate liaison expert lecturer dean governor trustee
treasurer spokesperson engineer architect strategist
""".split())
# Titles that introduce a person name: "Ambassador Kahn", "Dr. Smith".
TITLES = frozenset("""
ambassador minister president dr dr. prof prof. professor mr mr. mrs mrs. ms ms. sir dame senator
commissioner secretary-general judge mayor excellency
""".split())
# Connectors allowed inside a capitalised name of a body or title: "Department for Science, Innovation & Technology".
CONNECTORS = frozenset("of for on and & the de du des la le del da do dos das in to against".split())
# Adjectives that on their own do not make a title ("Final Report", "New Agreement").
GENERIC = frozenset("""
final draft new old annual first second third interim joint full short long revised updated
current latest this that our their its the a an same whole official main
""".split())
# Capitalised words that are not names even when they start a two-word capitalised sequence.
NOT_NAMES = frozenset("""
dear hi hello hey thanks thank best regards cheers kind warm yes no ok okay sorry please note see
dear all the and but or if so as at in on of for to from with by re fw fwd subject sent date
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december internet global united national international
regional digital civil society public private sector government governments online
""".split())
# Articles that open a capitalised phrase which is a title, a newspaper or an office, not a person,
# even when the table knows them as given names: "El País", "El Director Ejecutivo", "Le Monde".
ARTICLES = frozenset("el la lo los las le les il gli der die das the".split())
# Words that make a capitalised run a periodical or an office: "Diario de Chihuahua", "Financial Times".
MEDIA_AND_OFFICE = frozenset("""
diario periódico periodico journal gazette times post tribune herald news noticias jornal folha revista
magazine ejecutivo ejecutiva director directora diretor diretora directeur directrice presidente secretario
secretaria ministro ministra
""".split())
# Particles inside personal names: "Ana Cristina F. Amoroso das Neves", "Ludwig van Beethoven".
NAME_PARTICLES = frozenset("de da das do dos di du del della van von der den ter le la bin ibn al el ben y e".split())


@functools.lru_cache(maxsize=1)
def _detector():
    import gender_guesser.detector as gender  # imported lazily: loading its name table takes ~0.2 s

    return gender.Detector(case_sensitive=False)


@functools.lru_cache(maxsize=4096)
def is_given_name(word: str) -> bool:
    """True when `word` is a known given name (gender-guesser's multinational first-name table)."""
    if len(word) < 2 or word.lower() in NOT_NAMES:
        return False
    return _detector().get_gender(word) != "unknown" or _detector().get_gender(word.split("-")[0]) != "unknown"
