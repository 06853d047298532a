"""The columns of documentalists' spreadsheets: the documented ones (French names, what each
holds: the README's table and the export's order) and the headers accepted for each, matched
without case, accents or punctuation (catalogue/csvfile.py reads them, csvexport.py writes them).
"""

from __future__ import annotations

from catalogue.text import fold

# The documented columns: French name → what it holds (the README's table is made from this).
COLUMNS: dict[str, str] = {
    "titre": "Titre propre du document. Obligatoire : une ligne sans titre est rejetée.",
    "sous-titre": "Complément du titre.",
    "auteurs": "Auteurs personnes, « Nom, Prénom », séparés par « ; ». Un rôle entre "
    "parenthèses est reconnu : (dir.), (éd.), (coord.), (trad.), (ill.), (préf.), (photogr.), "
    "ou tout autre par son libellé (Directeur de publication) ou son code UNIMARC (651).",
    "auteurs collectivités": "Organismes auteurs, séparés par « ; ».",
    "type": "Type de document : livre, article, rapport, thèse, mémoire, revue, numéro, "
    "chapitre, actes, site web, vidéo, son, image, carte, partition, multimédia, objet, autre "
    "(ou les types de PMB : texte imprimé, document projeté ou vidéo…). Vide : article s'il y a "
    "une revue, sinon livre.",
    "éditeur": "Éditeur(s), séparés par « ; ».",
    "lieu": "Lieu(x) d'édition, dans l'ordre des éditeurs.",
    "date": "Date de publication : 2019, 03/2019, 12/03/2019 ou 2019-03-12 ; autre forme "
    "gardée telle quelle.",
    "année": "Année de publication ; elle prime sur l'année de la date, et tient lieu de date "
    "quand il n'y a pas de colonne date.",
    "édition": "Mention d'édition (« 2e éd. revue et augmentée »).",
    "isbn": "ISBN, plusieurs séparés par « ; » ; celui de l'ouvrage pour un chapitre.",
    "issn": "ISSN ; celui de la revue pour un article.",
    "doi": "DOI (10.xxxx/… ou lien https://doi.org/…).",
    "collection": "Titre de la collection.",
    "numéro de collection": "Numéro dans la collection.",
    "pages": "Pagination : nombre de pages d'un document (« 245 » devient « 245 p. ») ou pages "
    "d'un article ou d'un chapitre (« 12-18 »). Aussi : pagination.",
    "revue": "Titre de la revue d'un article, de l'ouvrage d'un chapitre.",
    "volume": "Volume (tome, année) de la revue.",
    "numéro": "Numéro (fascicule) de la revue.",
    "résumé": "Résumé ; les retours à la ligne sont gardés.",
    "descripteurs": "Descripteurs du thésaurus, séparés par « ; », leurs subdivisions après "
    "« -- » (Politique urbaine -- États-Unis).",
    "mots-clés": "Mots-clés libres, séparés par « ; ».",
    "géographie": "Descripteurs géographiques, séparés par « ; », leurs subdivisions après « -- ».",
    "langue": "Langue(s) du document, en toutes lettres ou en code (français, fre, fr), "
    "séparées par « ; ».",
    "notes": "Note générale.",
    "url": "Lien(s) vers la ressource en ligne, séparés par « ; ».",
    "cote": "Cote de l'exemplaire ; plusieurs exemplaires : cotes séparées par « ; ».",
    "code-barres": "Code-barres de l'exemplaire.",
    "localisation": "Localisation de l'exemplaire (centre, bibliothèque).",
    "section": "Section (rayon) de l'exemplaire.",
    "identifiant": "Identifiant de la notice dans le tableau ou la base d'origine : une "
    "réimportation met à jour la notice au lieu d'en créer une autre. Sans lui, une empreinte "
    "de la ligne en tient lieu. Aussi : id.",
}

# Accepted headers, folded (lower case, no accents, punctuation as spaces), French and English.
_ALIASES: dict[str, tuple[str, ...]] = {
    "titre": ("titre", "title", "titre propre", "titre principal"),
    "sous-titre": ("sous titre", "soustitre", "complement du titre", "complement de titre",
                   "subtitle", "other title"),
    "auteurs": ("auteurs", "auteur", "auteur s", "auteurs personnes", "auteur personne",
                "authors", "author", "author s", "createurs", "createur"),
    "auteurs collectivités": ("auteurs collectivites", "auteur collectivite", "collectivites",
                              "collectivite", "auteurs collectifs", "auteur collectif",
                              "collectivites auteurs", "organismes", "organisme",
                              "corporate authors", "corporate author", "corporate bodies"),
    "type": ("type", "type de document", "type document", "types", "nature",
             "document type", "doc type", "type of document"),
    "éditeur": ("editeur", "editeurs", "editeur s", "maison d edition", "editeur commercial",
                "publisher", "publishers"),
    "lieu": ("lieu", "lieux", "lieu d edition", "lieu de publication", "ville", "place",
             "place of publication", "city"),
    "date": ("date", "date de publication", "date d edition", "date de parution", "parution",
             "publication date", "date of publication"),
    "année": ("annee", "annee de publication", "annee d edition", "annee de parution", "year",
              "publication year"),
    "édition": ("edition", "mention d edition"),
    "isbn": ("isbn", "isbns", "isbn s"),
    "issn": ("issn",),
    "doi": ("doi",),
    "collection": ("collection", "collections", "serie", "series", "titre de la collection"),
    "numéro de collection": ("numero de collection", "n de collection", "no de collection",
                             "num de collection", "numero dans la collection",
                             "n dans la collection", "series number", "collection numero"),
    "pages": ("pages", "pagination", "nombre de pages", "nb pages", "nb de pages", "page",
              "importance materielle", "extent"),
    "revue": ("revue", "titre de la revue", "periodique", "titre du periodique", "journal",
              "periodical", "journal title"),
    "volume": ("volume", "vol", "tome"),
    "numéro": ("numero", "n", "no", "num", "fascicule", "issue", "number"),
    "résumé": ("resume", "resumes", "abstract", "summary"),
    "descripteurs": ("descripteurs", "descripteur", "descripteur s", "sujets", "sujet",
                     "subjects", "subject", "descriptors", "thesaurus"),
    "mots-clés": ("mots cles", "mot cle", "mots clefs", "mot clef", "mots cles libres",
                  "keywords", "keyword", "tags"),
    "géographie": ("geographie", "descripteurs geographiques", "descripteur geographique",
                   "zone geographique", "lieux geographiques", "geographic", "geography"),
    "langue": ("langue", "langues", "langue s", "language", "languages", "lang"),
    "notes": ("notes", "note", "remarques", "remarque", "note generale"),
    "url": ("url", "urls", "lien", "liens", "adresse web", "lien internet", "link", "links"),
    "cote": ("cote", "cotes", "call number", "shelfmark"),
    "code-barres": ("code barres", "code barre", "codebarre", "codes barres", "barcode"),
    "localisation": ("localisation", "emplacement", "location"),
    "section": ("section", "rayon"),
    "identifiant": ("identifiant", "id", "id notice", "numero de notice", "n de notice",
                    "identifier", "record id"),
}  # fmt: skip
_HEADER_INDEX: dict[str, str] = {
    alias: column for column, aliases in _ALIASES.items() for alias in (fold(column), *aliases)
}


def header_column(name: str) -> str | None:
    """The documented column (a key of COLUMNS) a header names, or None."""
    return _HEADER_INDEX.get(fold(name))
