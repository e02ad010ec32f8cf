# ruff: noqa: RUF001
"""The letters and the certificate of A status as PDFs.

The document row names the letter (kind, language, review, the template version); the
context is gathered from the review with every date already written in the letter's
language, the template version's text rendered with it, and the result laid out on
letter paper (templates/pdf/letter.html).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe

from accreditation import rulebook
from accreditation.enums import ACCREDITED_GRADES, Grade
from accreditation.rulebook import RuleKey
from accreditation.status import statuses_on
from reviews.enums import ReviewState, ScreeningResult
from reviews.models import DocumentKind, GeneratedDocument, LetterKind, Recommendation, Review
from reviews.rendering import Progress, Rendered, renders
from reviews.rendering.pdf import template_to_pdf
from reviews.services.letter_templates import render_text

# The letter's own furniture in each language. The letters go out in the institution's
# working language whatever the portal's catalogues hold, so these are kept here, with
# each language's own typography (the file-wide noqa lets RUF001 accept it).
CHROME: dict[str, dict[str, str]] = {
    "en": {
        "alliance": "Global Alliance of National Human Rights Institutions",
        "sca": "Sub-Committee on Accreditation",
        "secretariat": "Secretariat: OHCHR",
        "reference": "Reference",
        "date": "Date",
        "to": "To",
        "subject": "Subject",
        "signature": "The Secretariat of the Sub-Committee on Accreditation",
        "office": "Office of the United Nations High Commissioner for Human Rights",
        "page": "Page {page} of {pages}",
        "certificate": "Certificate of accreditation",
    },
    "fr": {
        "alliance": "Alliance globale des institutions nationales des droits de l’homme",
        "sca": "Sous-comité d’accréditation",
        "secretariat": "Secrétariat : HCDH",
        "reference": "Référence",
        "date": "Date",
        "to": "Destinataire",
        "subject": "Objet",
        "signature": "Le Secrétariat du Sous-comité d’accréditation",
        "office": "Haut-Commissariat des Nations Unies aux droits de l’homme",
        "page": "Page {page} sur {pages}",
        "certificate": "Certificat d’accréditation",
    },
    "es": {
        "alliance": "Alianza Global de Instituciones Nacionales de Derechos Humanos",
        "sca": "Subcomité de Acreditación",
        "secretariat": "Secretaría: ACNUDH",
        "reference": "Referencia",
        "date": "Fecha",
        "to": "Destinatario",
        "subject": "Asunto",
        "signature": "La Secretaría del Subcomité de Acreditación",
        "office": "Oficina del Alto Comisionado de las Naciones Unidas para los Derechos Humanos",
        "page": "Página {page} de {pages}",
        "certificate": "Certificado de acreditación",
    },
    "ar": {
        "alliance": "التحالف العالمي للمؤسسات الوطنية لحقوق الإنسان",
        "sca": "اللجنة الفرعية المعنية بالاعتماد",
        "secretariat": "الأمانة: مفوضية الأمم المتحدة السامية لحقوق الإنسان",
        "reference": "المرجع",
        "date": "التاريخ",
        "to": "إلى",
        "subject": "الموضوع",
        "signature": "أمانة اللجنة الفرعية المعنية بالاعتماد",
        "office": "مفوضية الأمم المتحدة السامية لحقوق الإنسان",
        "page": "الصفحة {page} من {pages}",
        "certificate": "شهادة اعتماد",
    },
    "zh-hans": {
        "alliance": "国家人权机构全球联盟",
        "sca": "资格认证小组委员会",
        "secretariat": "秘书处：联合国人权事务高级专员办事处",
        "reference": "编号",
        "date": "日期",
        "to": "致",
        "subject": "事由",
        "signature": "资格认证小组委员会秘书处",
        "office": "联合国人权事务高级专员办事处",
        "page": "第 {page} 页，共 {pages} 页",
        "certificate": "资格认证证书",
    },
    "ru": {
        "alliance": "Глобальный альянс национальных правозащитных учреждений",
        "sca": "Подкомитет по аккредитации",
        "secretariat": "Секретариат: УВКПЧ",
        "reference": "Ссылка",
        "date": "Дата",
        "to": "Кому",
        "subject": "Тема",
        "signature": "Секретариат Подкомитета по аккредитации",
        "office": (
            "Управление Верховного комиссара Организации Объединённых Наций по правам человека"
        ),
        "page": "Страница {page} из {pages}",
        "certificate": "Свидетельство об аккредитации",
    },
}
PORTAL_NAME = "NHRI Accreditation Portal"

# The deadlines an invitation quotes, those of the institution, in the session's order.
INVITATION_RULES = (
    RuleKey.DOSSIER_DUE,
    RuleKey.MEMBER_OBJECTION_CUTOFF,
    RuleKey.SUMMARY_RESPONSE_DUE,
)


def day(value: dt.date | None) -> str:
    """``value`` written out in the active language ("19 octobre 2007"), with no-break
    spaces: a date is never split across two lines of a letter."""
    return formats.date_format(value, "DATE_FORMAT").replace(" ", "\u00a0") if value else ""


def letter_context(kind: str, review: Review, as_of: dt.date) -> dict[str, Any]:
    """What the letter ``kind`` about ``review`` quotes, as text in the active language.

    Plain strings, numbers and lists of dicts only: a template can read nothing else.
    """
    from reviews.services.dossiers import reference  # dossiers → transitions → outbox

    session = review.session
    context: dict[str, Any] = {
        "institution": review.institution.name,
        "reference": reference(review),
        "letter_date": day(as_of),
        "session": session.name,
        "session_starts_on": day(session.starts_on),
        "session_ends_on": day(session.ends_on),
    }
    gather = {
        LetterKind.INVITATION: _invitation,
        LetterKind.ACKNOWLEDGEMENT: _acknowledgement,
        LetterKind.SUMMARY: _summary,
        LetterKind.RECOMMENDATION: _recommendation,
        LetterKind.DEFERRAL: _deferral,
        LetterKind.DECISION: _decision,
        LetterKind.CERTIFICATE: _decision,
    }[LetterKind(kind)]
    return context | gather(review)


def _invitation(review: Review) -> dict[str, Any]:
    rows: dict[str, Any] = {row.rule_key: row for row in review.session.deadlines.all()}
    rows |= {row.rule_key: row for row in review.deadlines.all()}
    quoted = [rows[key] for key in INVITATION_RULES if key in rows]
    return {
        "deadlines": [{"label": row.label, "due_on": day(row.due_on)} for row in quoted],
        "dossier_due_on": day(_due(rows, RuleKey.DOSSIER_DUE)),
        "objection_cutoff_on": day(_due(rows, RuleKey.MEMBER_OBJECTION_CUTOFF)),
        "summary_response_due_on": day(_due(rows, RuleKey.SUMMARY_RESPONSE_DUE)),
    }


def _due(rows: dict[str, Any], key: str) -> dt.date | None:
    return rows[key].due_on if key in rows else None


def _acknowledgement(review: Review) -> dict[str, Any]:
    screening = review.screenings.filter(result=ScreeningResult.COMPLETE).order_by("-pk").first()
    if screening is not None:
        return {"complete_on": day(screening.screened_at.date())}
    submitted = review.events.filter(to_state=ReviewState.SUBMITTED).order_by("-at").first()
    return {"complete_on": day(submitted.at.date() if submitted else None)}


def _summary(review: Review) -> dict[str, Any]:
    summary = getattr(review, "summary", None)
    if summary is None:
        return {"issues": [], "answers_due_on": ""}
    return {
        "issues": [
            {"number": issue.number, "facts": issue.facts, "concern": issue.concern}
            for issue in summary.issues.order_by("number")
        ],
        "answers_due_on": day(summary.answers_due_on),
    }


def _recommendation(review: Review) -> dict[str, Any]:
    from reviews.services.letters import letter_context as mail_context

    recommendation = Recommendation.objects.filter(review=review).first()
    closes = review.deadlines.filter(rule_key=RuleKey.CHALLENGE_WINDOW).first()
    if recommendation is None:
        return {"outcome": "", "summary": "", "paragraphs": [], "closes_on": day(None)}
    mail = mail_context(review, "")
    paragraphs = [*mail["commendations"], *mail["issues"]]  # type: ignore[misc]
    return {
        "outcome": str(mail["outcome_text"]),
        "summary": mail["summary"],
        "paragraphs": [
            {"number": p.number, "text": p.text, "references": p.references} for p in paragraphs
        ],
        "closes_on": day(closes.due_on if closes else None),
    }


def _deferral(review: Review) -> dict[str, Any]:
    context = _recommendation(review)
    del context["closes_on"], context["summary"]
    recommendation = Recommendation.objects.filter(review=review).first()
    follow_up = recommendation.follow_up_session if recommendation else None
    due = follow_up.deadlines.filter(rule_key=RuleKey.DOSSIER_DUE).first() if follow_up else None
    return context | {
        "new_session": follow_up.name if follow_up else "",
        "new_session_starts_on": day(follow_up.starts_on if follow_up else None),
        "new_session_ends_on": day(follow_up.ends_on if follow_up else None),
        "dossier_due_on": day(due.due_on if due else None),
    }


def _decision(review: Review) -> dict[str, Any]:
    context = _recommendation(review)
    del context["closes_on"], context["summary"], context["paragraphs"]
    decision = getattr(review, "decision", None)
    if decision is None:
        return context | {
            "grade": "",
            "decided_on": "",
            "effective_on": "",
            "takes_effect_later": False,
            "current_grade": "",
            "next_reaccreditation_on": "",
        }
    record = decision.status_record
    effective_on = record.effective_on if record is not None else decision.decided_on
    held = statuses_on({review.institution_id}, decision.decided_on)[review.institution_id]
    next_on = None
    if record is not None and record.grade in ACCREDITED_GRADES:
        next_on = rulebook.compute(
            RuleKey.REACCREDITATION_INTERVAL, anchor_on=decision.decided_on, anchor_label=""
        ).due_on
    return context | {
        "grade": record.grade if record is not None and record.grade != Grade.NONE else "",
        "decided_on": day(decision.decided_on),
        "effective_on": day(effective_on),
        "takes_effect_later": effective_on > decision.decided_on,
        "current_grade": held.grade.short,
        "next_reaccreditation_on": day(next_on),
    }


def sample_context(kind: str, language: str) -> dict[str, Any]:
    """Made-up data for the preview of a template."""
    with translation.override(language):
        paragraphs = [
            {
                "number": 1,
                "text": "The SCA commends the institution for its work.",
                "references": "",
            },
            {
                "number": 2,
                "text": "The SCA encourages the institution to advocate for a "
                "selection process that is clear and transparent.",
                "references": "B.1; GO 1.8",
            },
        ]
        context: dict[str, Any] = {
            "institution": "National Human Rights Commission of Example",
            "reference": "2007-10/XX/19",
            "letter_date": day(dt.date(2007, 11, 5)),
            "session": "SCA session, October 2007",
            "session_starts_on": day(dt.date(2007, 10, 22)),
            "session_ends_on": day(dt.date(2007, 10, 26)),
            "deadlines": [
                {"label": "Dossier due", "due_on": day(dt.date(2007, 6, 24))},
                {"label": "Objection to an SCA member", "due_on": day(dt.date(2007, 10, 1))},
            ],
            "dossier_due_on": day(dt.date(2007, 6, 24)),
            "objection_cutoff_on": day(dt.date(2007, 10, 1)),
            "summary_response_due_on": day(dt.date(2007, 10, 19)),
            "complete_on": day(dt.date(2007, 7, 2)),
            "issues": [
                {
                    "number": 1,
                    "facts": "The law is silent on the selection of members.",
                    "concern": "Please explain how members are selected.",
                },
            ],
            "answers_due_on": day(dt.date(2007, 10, 19)),
            "outcome": "The SCA recommends that the institution be accredited with A status.",
            "summary": "",
            "paragraphs": paragraphs,
            "closes_on": day(dt.date(2007, 12, 3)),
            "new_session": "SCA session, March 2008",
            "new_session_starts_on": day(dt.date(2008, 3, 10)),
            "new_session_ends_on": day(dt.date(2008, 3, 14)),
            "grade": "A",
            "decided_on": day(dt.date(2008, 1, 10)),
            "effective_on": day(dt.date(2008, 1, 10)),
            "takes_effect_later": False,
            "current_grade": "A",
            "next_reaccreditation_on": day(dt.date(2013, 1, 10)),
        }
    return context


def filename(document: GeneratedDocument, reference: str) -> str:
    """``2007-10-FR-19-decision-fr.pdf``."""
    return f"{reference.replace('/', '-')}-{document.letter}-{document.language}.pdf"


def page_label(language: str) -> tuple[str, str, str]:
    """The words around the page number and the page count, for CSS ``content``."""
    text = CHROME[language]["page"]
    before, _page, rest = text.partition("{page}")
    middle, _pages, after = rest.partition("{pages}")
    return before, middle, after


def left_to_right(text: str, reference: str) -> str:
    """``text`` with ``reference`` isolated left to right wherever it appears (Unicode's
    LRI … PDI): in an Arabic sentence, "2007-10/FR/19" would otherwise read backwards.
    The isolate is invisible, and keeps the text safe if it was."""
    isolated = f"\u2066{reference}\u2069"
    if isinstance(text, SafeString):
        return mark_safe(text.replace(reference, isolated))  # noqa: S308  # escaped before
    return text.replace(reference, isolated)


@renders(DocumentKind.LETTER)
@renders(DocumentKind.CERTIFICATE)
def render(document: GeneratedDocument, progress: Progress) -> Rendered:
    review = document.review
    template = document.template
    if review is None or template is None:
        raise ValueError(f"Letter {document.key} names no review or no template version.")
    language = document.language
    as_of = document.as_of or review.session.ends_on
    progress(10, "Gathering what the letter quotes")
    with translation.override(language):
        context = letter_context(document.letter, review, as_of)
        letter = render_text(document.letter, template.subject, template.body, context)
        before, middle, after = page_label(language)
        progress(40, "Laying out the letter")
        content, pages = template_to_pdf(
            "pdf/letter.html",
            {
                "language": language,
                "rtl": language == "ar",
                "chrome": CHROME[language],
                "portal_name": PORTAL_NAME,
                "page_before": before,
                "page_middle": middle,
                "page_after": after,
                "reference": context["reference"],
                "letter_date": context["letter_date"],
                "institution": review.institution.name,
                "subject": left_to_right(letter.subject, context["reference"]),
                "body": left_to_right(letter.html, context["reference"]),
                "certificate": document.kind == DocumentKind.CERTIFICATE,
                "template": template,
            },
        )
    progress(90, "Letter made")
    return Rendered(
        filename=filename(document, str(context["reference"])), content=content, pages=pages
    )
