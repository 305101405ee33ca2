"""The demo's privacy notice (version 1), accepted by every demo user so `make run` shows no
interruption. An institution writes its own: this is a sensible starting point."""

from __future__ import annotations

from django.utils import timezone

from cil.models import PrivacyAcceptance, PrivacyNotice, User

TEXT_EN = """\
The Certificate of International Learning (CIL) portal is run by the university. This notice
says what the portal stores about you, why, for how long, and what your rights are.

## What is stored

- **Your account**: name, e-mail addresses, language, and, if you sign in through your
  institution, your institutional id. The dates you signed up and last signed in.
- **Your portfolio**: your sign-up for the certificate and the terms you accepted, the
  activities you record, your evidence files, diary notes, reflections and final report.
- **Decisions about you**: approvals, returns and comments by certificate administrators
  and reviewers, and your diploma.
- **Who has seen your portfolio**: each time staff open your evidence, reflections, diary
  notes or report. You can see this list yourself.

## Why

The university processes the data to award the certificate, a task carried out in the
public interest (GDPR article 6(1)(e)). Without it the certificate cannot be awarded.

## Who sees it

Certificate administrators and reviewers of your study programme, central staff who follow
up the certificate (figures, without your portfolio), and the portal's system administrators.
Your data is not given to anyone else, unless you share your certificate with a link.

## For how long

Your portfolio is kept while you take the certificate and for a limited time after you
finish or withdraw; your diploma and what it needs to be verified are kept longer. The
record of who looked at your portfolio is kept as long as the audit trail.

## Your rights

You may see and download your data (*Download my portfolio* gives everything in one file),
have mistakes corrected, and in some cases have data erased or its use restricted. Contact
the university's data protection officer with questions, or complain to the Norwegian Data
Protection Authority (Datatilsynet).
"""

TEXT_NB = """\
Portalen for Certificate of International Learning (CIL) drives av universitetet. Denne
erklæringen forteller hva portalen lagrer om deg, hvorfor, hvor lenge, og hvilke rettigheter
du har.

## Hva som lagres

- **Kontoen din**: navn, e-postadresser, språk og, hvis du logger inn via institusjonen din,
  din institusjonelle id. Når du registrerte deg og sist logget inn.
- **Porteføljen din**: påmeldingen til sertifikatet og vilkårene du godtok, aktivitetene du
  registrerer, dokumentasjonsfilene, dagboknotatene, refleksjonene og den avsluttende
  refleksjonsrapporten din.
- **Beslutninger om deg**: godkjenninger, returer og kommentarer fra sertifikatadministratorer
  og fagpersoner, og diplomet ditt.
- **Hvem som har sett porteføljen din**: hver gang ansatte åpner dokumentasjon, refleksjoner,
  dagboknotater eller refleksjonsrapporten din. Du kan se denne listen selv.

## Hvorfor

Universitetet behandler opplysningene for å tildele sertifikatet, en oppgave i allmennhetens
interesse (personvernforordningen artikkel 6 nr. 1 bokstav e). Uten dem kan sertifikatet ikke
tildeles.

## Hvem som ser dem

Sertifikatadministratorer og fagpersoner på studieprogrammet ditt, sentrale ansatte som
følger opp sertifikatet (tall, uten porteføljen din), og portalens systemadministratorer.
Opplysningene gis ikke til andre, med mindre du deler sertifikatet ditt med en lenke.

## Hvor lenge

Porteføljen din lagres mens du tar sertifikatet og en begrenset tid etter at du er ferdig
eller har trukket deg; diplomet og det som trengs for å verifisere det, lagres lenger.
Oversikten over hvem som har sett porteføljen din, lagres like lenge som loggen over hendelser.

## Rettighetene dine

Du kan se og laste ned opplysningene dine (*Last ned porteføljen min* gir alt i én fil), få
feil rettet, og i noen tilfeller få opplysninger slettet eller bruken begrenset. Kontakt
universitetets personvernombud med spørsmål, eller klag til Datatilsynet.
"""

# Every demo user's address ends so (demo/seed.py, demo/portfolios.py, demo/catalogue.py).
DEMO_DOMAIN = "@uni.example"


def seed_privacy_notice() -> PrivacyNotice:
    """Version 1, published once, and accepted by every demo user (idempotent)."""
    notice, _created = PrivacyNotice.objects.get_or_create(
        version=1,
        defaults={"text_en": TEXT_EN, "text_nb": TEXT_NB, "published_at": timezone.now()},
    )
    current = PrivacyNotice.objects.order_by("-version").first() or notice
    accepted = set(
        PrivacyAcceptance.objects.filter(notice=current).values_list("user_id", flat=True)
    )
    PrivacyAcceptance.objects.bulk_create(
        PrivacyAcceptance(user_id=pk, notice=current, occasion=PrivacyAcceptance.Occasion.DEMO)
        for pk in User.objects.filter(email__endswith=DEMO_DOMAIN)
        .exclude(pk__in=accepted)
        .values_list("pk", flat=True)
    )
    return notice
