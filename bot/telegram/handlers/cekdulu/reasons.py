"""The text of one reason: rule explanations, wage comparisons, agency register standings
and earlier tip-offs."""

from __future__ import annotations

import html

from bot.core.cekdulu.agencies import AgencyMatch, Standing
from bot.core.cekdulu.checker import LEARNED_FRAUD, LEARNED_GENUINE
from bot.core.cekdulu.reasons import Kind, Reason
from bot.i18n import N_, Translator
from bot.telegram.handlers.cekdulu.base import (
    IDENTIFIER_KINDS,
    MAX_FOUND,
    SEVERITY_ICONS,
    SISKOP2MI,
    long_date,
    quoted,
)


def reason_text(_: Translator, reason: Reason) -> str:
    head = f"{SEVERITY_ICONS[reason.severity]} <b>{reason_title(_, reason)}</b>"
    body = _body(_, reason)
    return f"{head}\n{body}" if body else head


def reason_title(_: Translator, reason: Reason) -> str:
    if reason.kind is Kind.AGENCY:
        return _(AGENCY_TITLES[reason.data["match"].standing])
    if reason.kind is Kind.REPORTED:
        return _("Reported to the desk before")
    if reason.kind is Kind.LEARNED:
        return _(LEARNED_TITLES.get(reason.id, LEARNED_TITLES[LEARNED_FRAUD]))
    return html.escape(reason.title.get(_.lang) or reason.id)


def _body(_: Translator, reason: Reason) -> str:
    if reason.kind is Kind.AGENCY:
        return agency_text(_, reason)
    if reason.kind is Kind.REPORTED:
        return reported_text(_, reason.data["items"])
    if reason.kind is Kind.LEARNED:
        return learned_text(_, reason)
    lines = [html.escape(reason.explanation.get(_.lang, ""))]
    if reason.data.get("wage"):
        lines.append(_wage_line(_, reason.data["wage"]))
    if reason.found:
        lines.append(
            _("<i>Found in the text: “{words}”</i>", words=quoted(reason.found, MAX_FOUND))
        )
    if reason.source:
        lines.append(_source_line(_, reason))
    return "\n".join(lines)


def _wage_line(_: Translator, wage) -> str:
    link = f'<a href="{html.escape(wage.source.url)}">{html.escape(wage.source.name)}</a>'
    return _(
        "Compared with: {label}, {amount} a month (as of {as_of}; source: {source}).",
        label=html.escape(wage.label.get(_.lang, "")),
        amount=html.escape(wage.display()),
        as_of=long_date(_, wage.as_of),
        source=link,
    )


def _source_line(_: Translator, reason: Reason) -> str:
    assert reason.source is not None
    link = f'<a href="{html.escape(reason.source.url)}">{html.escape(reason.source.name)}</a>'
    return _("Source: {source}", source=link)


LEARNED_TITLES = {
    LEARNED_FRAUD: N_("Reads like the fraudulent offers I have learned from"),
    LEARNED_GENUINE: N_("Reads like a genuine announcement or warning"),
}


def learned_text(_: Translator, reason: Reason) -> str:
    """Why the learned reading moved the verdict, and what to check; honest that it is a
    resemblance, not a finding (docs/cekdulu.md, "Learned reading")."""
    if reason.id == LEARNED_GENUINE:
        return _(
            "Some words below are usually danger signs, but this message as a whole reads like "
            'the genuine announcements and warnings I have learned from, so I say "needs '
            'checking" instead of "danger". Check who sent it: official announcements come '
            "from KP2MI or BP3MI, your Disnaker or the LTSA, and a licensed agency and its job "
            "orders can be checked on {siskop2mi}.",
            siskop2mi=SISKOP2MI,
        )
    return _(
        "I found no single red flag, but this message as a whole reads like the fraudulent "
        "offers I have learned from. That is not proof. Before you pay anything or hand over "
        "your documents, check the agency and the job on {siskop2mi} or at your Disnaker or "
        "LTSA, and never pay into a personal account.",
        siskop2mi=SISKOP2MI,
    )


AGENCY_TITLES = {
    Standing.LICENSED: N_("In the register of licensed agencies"),
    Standing.EXPIRED: N_("Licence ended"),
    Standing.SIMILAR: N_("Not in the register, but a similar name is"),
    Standing.NOT_FOUND: N_("Not in the register of licensed agencies"),
    Standing.NO_REGISTER: N_("Agency not checked"),
}


def agency_text(_: Translator, reason: Reason) -> str:
    match: AgencyMatch = reason.data["match"]
    text = AGENCY_TEXTS[match.standing](_, match)
    if reason.data.get("training_institute"):
        text += "\n" + _(
            "An LPK is a training institute, not a placement agency. For internships in Japan "
            "the official routes are IM Japan through Kemnaker, or a sending organisation "
            "(LPK-SO) listed by Kemnaker at so.kemnaker.go.id."
        )
    return text


def _register_facts(_: Translator, match: AgencyMatch) -> dict[str, str]:
    batch = match.batch
    agency = match.agency
    return {
        "query": quoted(match.query),
        "name": html.escape(agency.name) if agency else "",
        "licence": html.escape(agency.licence_number or "–") if agency else "",
        "until": long_date(_, agency.valid_until) if agency and agency.valid_until else "–",
        "as_of": long_date(_, batch.as_of) if batch else "",
        "source": html.escape(batch.source) if batch else "",
    }


def _licensed(_: Translator, match: AgencyMatch) -> str:
    return _(
        "<b>{name}</b> is in the register of licensed placement agencies (P3MI): licence "
        "{licence}, valid until {until} (register: {source}, as of {as_of}).\n"
        "A licence does not prove that this job offer is real. Check the vacancy itself on "
        "{siskop2mi} or at your Disnaker or LTSA, ask for its recruitment permit (SIP), and "
        "make sure the person you deal with really works for this agency.",
        siskop2mi=SISKOP2MI,
        **_register_facts(_, match),
    )


def _expired(_: Translator, match: AgencyMatch) -> str:
    return _(
        "<b>{name}</b> is in the register, but its licence was valid only until {until} "
        "(register: {source}, as of {as_of}). An agency may not recruit without a valid "
        "licence: ask your Disnaker, the LTSA or a BP3MI office whether it was renewed.",
        **_register_facts(_, match),
    )


def _similar(_: Translator, match: AgencyMatch) -> str:
    return _(
        "<b>{query}</b> is not in the register of licensed placement agencies as of {as_of}, "
        "but a similar name is: <b>{name}</b> (licence {licence}). Some recruiters use names "
        "that look like licensed agencies. Check the exact name, the address and the vacancy "
        "on {siskop2mi} before you trust it.",
        siskop2mi=SISKOP2MI,
        **_register_facts(_, match),
    )


def _not_found(_: Translator, match: AgencyMatch) -> str:
    return _(
        "<b>{query}</b> is not in the register of licensed placement agencies as of {as_of} "
        "({source}). That alone does not make it illegal: the name may be written "
        "differently, or the register may be out of date. Before you pay or hand over "
        "documents, check it on {siskop2mi} or ask your Disnaker or LTSA.",
        siskop2mi=SISKOP2MI,
        **_register_facts(_, match),
    )


def _no_register(_: Translator, match: AgencyMatch) -> str:
    return _(
        "The register of licensed agencies is not loaded in this bot yet, so I could not "
        "check <b>{query}</b>. Check it on {siskop2mi} or ask your Disnaker or LTSA.",
        siskop2mi=SISKOP2MI,
        query=quoted(match.query),
    )


AGENCY_TEXTS = {
    Standing.LICENSED: _licensed,
    Standing.EXPIRED: _expired,
    Standing.SIMILAR: _similar,
    Standing.NOT_FOUND: _not_found,
    Standing.NO_REGISTER: _no_register,
}


def reported_text(_: Translator, items: list[dict]) -> str:
    lines = [
        _.plural(
            "• {what} <code>{value}</code>: in {n} tip-off",
            "• {what} <code>{value}</code>: in {n} tip-offs",
            item["reports"],
            what=_(IDENTIFIER_KINDS.get(item["kind"], item["kind"])),
            value=quoted(item["display"]),
        )
        for item in items
    ]
    lines.append(
        _(
            "Tip-offs are not verified, but several people reporting the same number, account "
            "or agency is a warning sign."
        )
    )
    return "\n".join(lines)
