"""Language names: ISO 639-2 code → French and English name, capitalised; the one vocabulary.

Records carry ISO 639-2/B codes (UNIMARC 101, MARC21 008/35-37 and 041); the catalogue shows
their names. Terminology codes (639-2/T) and withdrawn ones still found in old records ("scr",
"scc") are listed too. An unknown code is shown as it is, upper-cased.
"""

from __future__ import annotations

LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "fre": ("Français", "French"), "fra": ("Français", "French"),
    "eng": ("Anglais", "English"),
    "ger": ("Allemand", "German"), "deu": ("Allemand", "German"),
    "spa": ("Espagnol", "Spanish"),
    "ita": ("Italien", "Italian"),
    "por": ("Portugais", "Portuguese"),
    "dut": ("Néerlandais", "Dutch"), "nld": ("Néerlandais", "Dutch"),
    "lat": ("Latin", "Latin"),
    "gre": ("Grec moderne", "Modern Greek"), "ell": ("Grec moderne", "Modern Greek"),
    "grc": ("Grec ancien", "Ancient Greek"),
    "rus": ("Russe", "Russian"),
    "pol": ("Polonais", "Polish"),
    "cze": ("Tchèque", "Czech"), "ces": ("Tchèque", "Czech"),
    "slo": ("Slovaque", "Slovak"), "slk": ("Slovaque", "Slovak"),
    "hun": ("Hongrois", "Hungarian"),
    "rum": ("Roumain", "Romanian"), "ron": ("Roumain", "Romanian"),
    "bul": ("Bulgare", "Bulgarian"),
    "hrv": ("Croate", "Croatian"), "scr": ("Croate", "Croatian"),
    "srp": ("Serbe", "Serbian"), "scc": ("Serbe", "Serbian"),
    "bos": ("Bosniaque", "Bosnian"),
    "slv": ("Slovène", "Slovenian"),
    "ukr": ("Ukrainien", "Ukrainian"),
    "bel": ("Biélorusse", "Belarusian"),
    "swe": ("Suédois", "Swedish"),
    "nor": ("Norvégien", "Norwegian"), "nob": ("Norvégien bokmål", "Norwegian Bokmål"),
    "nno": ("Norvégien nynorsk", "Norwegian Nynorsk"),
    "dan": ("Danois", "Danish"),
    "fin": ("Finnois", "Finnish"),
    "ice": ("Islandais", "Icelandic"), "isl": ("Islandais", "Icelandic"),
    "est": ("Estonien", "Estonian"),
    "lav": ("Letton", "Latvian"),
    "lit": ("Lituanien", "Lithuanian"),
    "tur": ("Turc", "Turkish"),
    "ara": ("Arabe", "Arabic"),
    "heb": ("Hébreu", "Hebrew"),
    "per": ("Persan", "Persian"), "fas": ("Persan", "Persian"),
    "chi": ("Chinois", "Chinese"), "zho": ("Chinois", "Chinese"),
    "jpn": ("Japonais", "Japanese"),
    "kor": ("Coréen", "Korean"),
    "vie": ("Vietnamien", "Vietnamese"),
    "tha": ("Thaï", "Thai"),
    "hin": ("Hindi", "Hindi"),
    "urd": ("Ourdou", "Urdu"),
    "ben": ("Bengali", "Bengali"),
    "san": ("Sanskrit", "Sanskrit"),
    "tam": ("Tamoul", "Tamil"),
    "tib": ("Tibétain", "Tibetan"), "bod": ("Tibétain", "Tibetan"),
    "cat": ("Catalan", "Catalan"),
    "baq": ("Basque", "Basque"), "eus": ("Basque", "Basque"),
    "glg": ("Galicien", "Galician"),
    "bre": ("Breton", "Breton"),
    "oci": ("Occitan", "Occitan"),
    "cos": ("Corse", "Corsican"),
    "wel": ("Gallois", "Welsh"), "cym": ("Gallois", "Welsh"),
    "gle": ("Irlandais", "Irish"),
    "gla": ("Gaélique écossais", "Scottish Gaelic"),
    "alb": ("Albanais", "Albanian"), "sqi": ("Albanais", "Albanian"),
    "arm": ("Arménien", "Armenian"), "hye": ("Arménien", "Armenian"),
    "geo": ("Géorgien", "Georgian"), "kat": ("Géorgien", "Georgian"),
    "mac": ("Macédonien", "Macedonian"), "mkd": ("Macédonien", "Macedonian"),
    "may": ("Malais", "Malay"), "msa": ("Malais", "Malay"),
    "ind": ("Indonésien", "Indonesian"),
    "epo": ("Espéranto", "Esperanto"),
    "yid": ("Yiddish", "Yiddish"),
    "ber": ("Berbère", "Berber"),
    "kab": ("Kabyle", "Kabyle"),
    "wol": ("Wolof", "Wolof"),
    "swa": ("Swahili", "Swahili"),
    "mul": ("Multilingue", "Multilingual"),
    "und": ("Indéterminée", "Undetermined"),
    "mis": ("Langue non codée", "Uncoded language"),
    "zxx": ("Sans contenu linguistique", "No linguistic content"),
}  # fmt: skip


def language_name(code: str, lang: str = "fr") -> str:
    """The name of a language code in French (or English); an unknown code as it is."""
    names = LANGUAGE_NAMES.get(code.strip().lower())
    if names is None:
        return code.strip().upper()
    return names[0] if lang == "fr" else names[1]
