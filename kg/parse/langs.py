"""One table of reply/forward vocabulary per language: header labels, attribution verbs, separators, closings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """The words one language's mail clients use around a quoted message.

    Labels are matched case-insensitively against the text before a header line's colon
    ("*Enviada:* 23 de julho de 2025 16:03" -> "enviada"). `wrote_end` verbs close an
    attribution ("On ..., X wrote:"); `wrote_mid` verbs sit between the date and the name
    ("Am 23.07.2025 um 14:30 schrieb Max Muster <max@x.de>:"). `intros` open an attribution.
    """

    code: str
    dateparser: str  # language code handed to dateparser
    from_labels: tuple[str, ...] = ()
    date_labels: tuple[str, ...] = ()
    to_labels: tuple[str, ...] = ()
    cc_labels: tuple[str, ...] = ()
    subject_labels: tuple[str, ...] = ()
    intros: tuple[str, ...] = ()
    wrote_end: tuple[str, ...] = ()
    wrote_mid: tuple[str, ...] = ()
    separators: tuple[str, ...] = ()  # words inside "-----Original Message-----" style lines
    closings: tuple[str, ...] = ()  # sign-off phrases ("Best regards")


LANGUAGES: tuple[Language, ...] = (
    Language(
        "en", "en",
        from_labels=("from",),
        date_labels=("sent", "date", "sent on"),
        to_labels=("to", "reply-to"),
        cc_labels=("cc", "bcc"),
        subject_labels=("subject",),
        intros=("on",),
        wrote_end=("wrote", "writes", "has written"),
        separators=("original message", "forwarded message", "begin forwarded message", "forwarded by"),
        closings=("best", "best regards", "kind regards", "warm regards", "warmest regards", "regards",
                  "best wishes", "all the best", "cheers", "thanks", "thank you", "many thanks",
                  "thanks again", "sincerely", "yours sincerely", "yours", "with best regards",
                  "with kind regards", "cordially", "respectfully", "warmly", "greetings", "best,",
                  "take care", "rgds", "br", "kr"),
    ),
    Language(
        "es", "es",
        from_labels=("de",),
        date_labels=("enviado", "enviado el", "fecha"),
        to_labels=("para",),
        cc_labels=("cc", "cco"),
        subject_labels=("asunto",),
        intros=("el",),
        wrote_end=("escribió",),
        separators=("mensaje original", "mensaje reenviado", "inicio del mensaje reenviado"),
        closings=("saludos", "un saludo", "saludos cordiales", "atentamente", "cordialmente", "abrazos",
                  "un abrazo", "gracias", "muchas gracias", "besos", "slds"),
    ),
    Language(
        "pt", "pt",
        from_labels=("de",),
        date_labels=("enviada", "enviado", "data", "enviada em", "enviado em"),
        to_labels=("para",),
        cc_labels=("cc",),
        subject_labels=("assunto",),
        intros=("em",),
        wrote_end=("escreveu",),
        separators=("mensagem original", "mensagem encaminhada"),
        closings=("abraços", "abraço", "abs", "saudações", "atenciosamente", "cordialmente", "obrigado",
                  "obrigada", "um abraço", "att"),
    ),
    Language(
        "fr", "fr",
        from_labels=("de", "expéditeur"),
        date_labels=("envoyé", "date", "envoyé le"),
        to_labels=("à", "a", "destinataire"),
        cc_labels=("cc", "copie à"),
        subject_labels=("objet", "sujet"),
        intros=("le",),
        wrote_end=("a écrit",),
        separators=("message d'origine", "message transféré", "message original", "début du message réexpédié"),
        closings=("cordialement", "bien à vous", "bien cordialement", "salutations", "amitiés", "merci",
                  "bonne journée", "sincères salutations", "très cordialement", "amicalement"),
    ),
    Language(
        "de", "de",
        from_labels=("von",),
        date_labels=("gesendet", "datum"),
        to_labels=("an",),
        cc_labels=("cc", "kopie"),
        subject_labels=("betreff",),
        intros=("am",),
        wrote_mid=("schrieb",),
        separators=("ursprüngliche nachricht", "weitergeleitete nachricht", "original-nachricht"),
        closings=("mit freundlichen grüßen", "mit freundlichen grüssen", "viele grüße", "viele grüsse",
                  "beste grüße", "beste grüsse", "grüße", "gruß", "liebe grüße", "herzliche grüße", "mfg"),
    ),
    Language(
        "it", "it",
        from_labels=("da",),
        date_labels=("inviato", "data"),
        to_labels=("a",),
        cc_labels=("cc",),
        subject_labels=("oggetto",),
        intros=("il", "il giorno"),
        wrote_end=("ha scritto",),
        separators=("messaggio originale", "messaggio inoltrato"),
        closings=("cordiali saluti", "saluti", "un saluto", "grazie", "distinti saluti", "un caro saluto"),
    ),
    Language(
        "nl", "nl",
        from_labels=("van",),
        date_labels=("verzonden", "datum"),
        to_labels=("aan",),
        cc_labels=("cc",),
        subject_labels=("onderwerp",),
        intros=("op",),
        wrote_mid=("schreef",),
        separators=("oorspronkelijk bericht", "doorgestuurd bericht", "origineel bericht"),
        closings=("met vriendelijke groet", "met vriendelijke groeten", "groeten", "groet", "mvg"),
    ),
    Language(
        "ru", "ru",
        from_labels=("от", "от кого"),
        date_labels=("отправлено", "дата", "отправлено:"),
        to_labels=("кому",),
        cc_labels=("копия",),
        subject_labels=("тема",),
        wrote_end=("написал(а)", "написал", "написала", "пишет"),
        separators=("исходное сообщение", "пересылаемое сообщение"),
        closings=("с уважением", "спасибо", "всего доброго", "с наилучшими пожеланиями"),
    ),
    Language(
        "ar", "ar",
        from_labels=("من",),
        date_labels=("أرسلت", "أرسل", "التاريخ", "تاريخ الإرسال"),
        to_labels=("إلى", "الى"),
        cc_labels=("نسخة",),
        subject_labels=("الموضوع",),
        intros=("في",),
        wrote_mid=("كتب",),
        separators=("الرسالة الأصلية", "رسالة مُعاد توجيهها"),
        closings=("مع التحية", "مع خالص التحية", "تحياتي", "شكرا"),
    ),
    Language(
        "zh", "zh",
        from_labels=("发件人", "寄件者"),
        date_labels=("发送时间", "日期", "寄件日期"),
        to_labels=("收件人", "收件者"),
        cc_labels=("抄送", "副本"),
        subject_labels=("主题", "主旨"),
        wrote_end=("写道", "寫道"),
        separators=("原始邮件", "原始郵件", "转发的邮件"),
        closings=("此致", "谢谢", "祝好"),
    ),
    Language(
        "sv", "sv",
        from_labels=("från", "fra"),
        date_labels=("skickat", "datum", "sendt", "dato"),
        to_labels=("till", "til"),
        cc_labels=("kopia", "kopi"),
        subject_labels=("ämne", "emne"),
        intros=("den",),
        wrote_end=("skrev",),
        separators=("ursprungligt meddelande", "oprindelig meddelelse", "videresendt meddelelse"),
        closings=("med vänliga hälsningar", "med venlig hilsen", "hälsningar", "hilsen", "mvh"),
    ),
)

FIELDS = ("from", "date", "to", "cc", "subject")


def _label_table() -> dict[str, tuple[str, str]]:
    """Map every label (casefolded) to (field, language code); the first language listed wins."""
    table: dict[str, tuple[str, str]] = {}
    for lang in LANGUAGES:
        for field_name, labels in (("from", lang.from_labels), ("date", lang.date_labels),
                                   ("to", lang.to_labels), ("cc", lang.cc_labels),
                                   ("subject", lang.subject_labels)):
            for label in labels:
                table.setdefault(label.casefold(), (field_name, lang.code))
    # Headers that only make a block longer ("Importance: High" in Outlook blocks).
    for extra in ("importance", "priority", "organization", "attachments", "reply-to"):
        table.setdefault(extra, ("other", "en"))
    return table


LABELS: dict[str, tuple[str, str]] = _label_table()

# Longest verbs first, so "написал(а)" is tried before "написал".
WROTE_END: tuple[tuple[str, str], ...] = tuple(
    sorted(((verb, lang.code) for lang in LANGUAGES for verb in lang.wrote_end), key=lambda p: -len(p[0]))
)
WROTE_MID: tuple[tuple[str, str], ...] = tuple(
    (verb, lang.code) for lang in LANGUAGES for verb in lang.wrote_mid
)
INTROS: frozenset[str] = frozenset(intro for lang in LANGUAGES for intro in lang.intros)
SEPARATOR_WORDS: tuple[str, ...] = tuple(word for lang in LANGUAGES for word in lang.separators)
CLOSINGS: frozenset[str] = frozenset(c.casefold().rstrip(",") for lang in LANGUAGES for c in lang.closings)
DATEPARSER_CODES: dict[str, str] = {lang.code: lang.dateparser for lang in LANGUAGES}
