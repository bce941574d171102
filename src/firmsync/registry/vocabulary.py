"""Word lists for the sample-data generator: names, places and streets that look Romanian.

Kept apart from :mod:`firmsync.registry.sample` so the generator reads as logic, not data.
Words carry their correct (comma-below) diacritics; the generator writes some of them in the
cedilla form, as the official files do.
"""

from __future__ import annotations

# Stems that companies combine: business words, Latin/Greek borrowings, Romanian nouns.
STEMS = (
    "ALFA BETA GAMA DELTA OMEGA SIGMA ZETA ASTRA NOVA PRIMA MEGA ULTRA INTER EURO ROM "
    "TRANS AGRO AUTO ELECTRO TEHNO MED DENT FARM BIO ECO GREEN TOP STAR LUX ART SUN "
    "CONSTRUCT CONSTRUCȚII INSTAL INSTALAȚII IMPEX COM PROD SERV SERVICE TRADE GRUP "
    "INVEST CONSULT CONSULTING DESIGN LOGISTIC DISTRIBUTION EXPRES PLUS CENTER CITY "
    "HOLDING SYSTEMS SOFT NET DATA WEB MEDIA PRINT TEXTIL MOBILA LEMN METAL FIER BETON "
    "CASA CASE DRUM MUNTE SOARE LUNA STEAUA PĂDUREA VALEA LACUL DUNĂREA CARPAȚI "
    "PÂINE LAPTE CARNE VIN VIE APA FLOARE GRĂDINA LIVADA TURISM HOTEL PENSIUNEA "
    "CLINIC MEDICAL VET PET FOOD FRESH GUST BUCĂTĂRIA COFETĂRIA BRUTĂRIA FERMA "
    "AGRICOLA AVICOLA ZOOTEHNIA COMERȚ TRANSPORT TAXI SPEDIȚIE MONTAJ REPARAȚII "
    "ȘTEFAN MIHAI TUDOR ȚARA OLT MUREȘ SOMEȘ ARGEȘ CRIȘ TIMIȘ PRUT SIRET BISTRIȚA"
).split()

GENERIC = ("CONSTRUCT", "TRANSPORT", "COMERȚ", "AGRO", "IMPEX", "SERVICE", "DESIGN", "FARM")

# Syllables of coined names ("DORALEX", "MIRATEO"): consonant and vowel, some closed by a
# consonant. 350 of them make 42,875,000 three-syllable words, one for every company.
SYLLABLES = tuple(
    c + v + end for c in "BCDFGLMNPRSTVZ" for v in "AEIOU" for end in ("", "N", "R", "L", "X")
)

GIVEN = (
    "ION GHEORGHE VASILE CONSTANTIN NICOLAE MIHAI ANDREI ALEXANDRU ȘTEFAN DAN FLORIN "
    "ADRIAN MARIAN CRISTIAN IONUȚ COSTEL VIOREL PETRU MARIA ELENA IOANA ANA MIHAELA "
    "CRISTINA GABRIELA ANDREEA DANIELA RODICA LUMINIȚA FLORENTINA GEORGETA VIORICA "
    "OVIDIU SORIN LAURENȚIU CĂTĂLIN BOGDAN RĂZVAN CLAUDIU LIVIU EUGEN VALENTIN SILVIU "
    "EMIL TRAIAN OCTAVIAN RADU GELU MARCEL AURELIAN VALERIU DORIN CORNEL HORAȚIU TIBERIU "
    "ALINA CARMEN DIANA SIMONA OANA ROXANA LAURA CORINA IRINA MONICA ADRIANA NICOLETA "
    "LOREDANA CAMELIA DOINA AURELIA MIRELA SORINA TEODORA VALENTINA LILIANA RALUCA"
).split()

SURNAMES = (
    "POPESCU IONESCU POPA RADU DUMITRU STAN STOICA GHEORGHE MATEI CIOBANU ROTARU "
    "MUNTEANU MOLDOVAN LUCA FLOREA CONSTANTIN DOBRE BARBU NISTOR ENACHE TUDOR "
    "MARIN ILIE DRĂGHICI NEAGU OPREA PĂUN ȚURCAN ȘERBAN BĂLAN COSTACHE VOICU "
    "SIMION MIHĂILĂ NEGRU ZAMFIR DIACONU TĂNASE SANDU CHIRIAC AVRAM"
).split()

# Roots and endings of Romanian surnames, combined: POP + ESCU, BĂL + ANU, MOLD + OVAN.
SURNAME_ROOTS = (
    "POP ION RAD DUMITR STAN STOIC MAT CIOB ROT MUNT MOLD FLOR DOBR BARB NIST ENACH MARIN "
    "NEAG OPR PĂUN ȘERB BĂL COST VOIC SIMION NEGR ZAMFIR DIAC TĂNAS SAND CHIRI AVRAM "
    "GRIG PETR VASIL NICOL ANDR CONST TOM ALEX BUCUR CRĂC DRĂG FIL GEORG HRIST LUP MIRC "
    "MOCAN NĂSTAS OLAR PAVEL RUS SÂRB TOD URS VLAD ZAH BÎRS CÂRST DOGAR FIERAR MORAR "
    "PĂCURAR RĂDUC SECUI TUDOS VIȘAN BOGD CĂLIN DAMIAN ENE FRUNZ GAVRIL IACOB"
).split()
SURNAME_ENDINGS = ("ESCU", "EANU", "ANU", "A", "U", "OIU", "UȚ", "ICĂ", "IAN", "ARU")

# County (as ADR_JUDET writes it) with a few localities; Bucharest's are its sectors.
PLACES: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("București", tuple(f"București Sectorul {n}" for n in range(1, 7)), 20),
    ("Ilfov", ("Voluntari", "Otopeni", "Popești-Leordeni", "Chiajna"), 4),
    ("Cluj", ("Cluj-Napoca", "Turda", "Dej", "Florești"), 6),
    ("Timiș", ("Timișoara", "Lugoj", "Dumbrăvița"), 5),
    ("Iași", ("Iași", "Pașcani"), 4),
    ("Constanța", ("Constanța", "Mangalia", "Medgidia"), 4),
    ("Brașov", ("Brașov", "Făgăraș", "Săcele"), 4),
    ("Prahova", ("Ploiești", "Câmpina"), 3),
    ("Bihor", ("Oradea", "Salonta"), 3),
    ("Dolj", ("Craiova", "Băilești"), 3),
    ("Argeș", ("Pitești", "Curtea de Argeș"), 3),
    ("Sibiu", ("Sibiu", "Mediaș"), 3),
    ("Mureș", ("Târgu Mureș", "Reghin"), 3),
    ("Suceava", ("Suceava", "Fălticeni"), 3),
    ("Bacău", ("Bacău", "Onești"), 2),
    ("Galați", ("Galați", "Tecuci"), 2),
    ("Arad", ("Arad",), 2),
    ("Maramureș", ("Baia Mare", "Sighetu Marmației"), 2),
    ("Neamț", ("Piatra-Neamț", "Roman"), 2),
    ("Hunedoara", ("Deva", "Hunedoara", "Petroșani"), 2),
    ("Alba", ("Alba Iulia", "Sebeș"), 2),
    ("Satu Mare", ("Satu Mare", "Carei"), 1),
    ("Buzău", ("Buzău",), 1),
    ("Vâlcea", ("Râmnicu Vâlcea",), 1),
    ("Olt", ("Slatina", "Caracal"), 1),
    ("Gorj", ("Târgu Jiu",), 1),
    ("Dâmbovița", ("Târgoviște",), 1),
    ("Bistrița-Năsăud", ("Bistrița",), 1),
    ("Brăila", ("Brăila",), 1),
    ("Botoșani", ("Botoșani",), 1),
    ("Vaslui", ("Vaslui", "Bârlad"), 1),
    ("Vrancea", ("Focșani",), 1),
    ("Harghita", ("Miercurea Ciuc", "Odorheiu Secuiesc"), 1),
    ("Covasna", ("Sfântu Gheorghe",), 1),
    ("Caraș-Severin", ("Reșița",), 1),
    ("Mehedinți", ("Drobeta-Turnu Severin",), 1),
    ("Teleorman", ("Alexandria",), 1),
    ("Giurgiu", ("Giurgiu",), 1),
    ("Călărași", ("Călărași",), 1),
    ("Ialomița", ("Slobozia",), 1),
    ("Tulcea", ("Tulcea",), 1),
    ("Sălaj", ("Zalău",), 1),
)

STREET_TYPES = ("Str.", "Str.", "Str.", "B-dul", "Șos.", "Calea", "Aleea", "Piața")
STREET_NAMES = (
    "VICTORIEI,LIBERTĂȚII,UNIRII,MIHAI EMINESCU,ȘTEFAN CEL MARE,REPUBLICII,MIHAI VITEAZU,"
    "AVRAM IANCU,TUDOR VLADIMIRESCU,NICOLAE BĂLCESCU,GĂRII,PRIMĂVERII,TRANDAFIRILOR,"
    "FLORILOR,PĂCII,INDEPENDENȚEI,DACIA,PLOPILOR,MORII,ȘCOLII,BISERICII,VIRTUȚII,IULIU MANIU"
).split(",")

# Roles written in CALITATE, with the share of representative rows.
ROLES = (
    ("ADMINISTRATOR", 80),
    ("ASOCIAT UNIC ȘI ADMINISTRATOR", 8),
    ("DIRECTOR GENERAL", 3),
    ("PREȘEDINTE CONSILIU DE ADMINISTRAȚIE", 2),
    ("REPREZENTANT PERMANENT", 2),
    ("PERSOANĂ ÎMPUTERNICITĂ", 5),
)
