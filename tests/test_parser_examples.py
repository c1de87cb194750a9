"""Every example of the parser issue's field table, on small hand-made pages.

The pages here are written by hand in markups the fixture renderer does not use
(label and value in one cell, <dl> lists, no table at all), so they also check that the
parser goes by label text, not by our own fixtures' layout.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parsers import ActivityRecord, CountryEntry, NotAnActivity, parse_activity
from parsers.countries import country_code, split_location
from parsers.dates import DateSpan, parse_date_span
from parsers.encoding import decode_html
from parsers.people import split_names, valid_email


def page(
    *rows: tuple[str, str], header: str = "Activity Details (ID# 18356)", extra: str = ""
) -> bytes:
    cells = "".join(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>" for label, value in rows)
    body = f"<table><tr><td colspan=2>{header}</td></tr>{cells}{extra}</table>"
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>".encode()


def parse(html: bytes, url: str | None = None) -> ActivityRecord:
    record = parse_activity(html, url)
    assert isinstance(record, ActivityRecord), record
    return record


def test_activity_id_from_header() -> None:
    assert parse(page(("Title", "x"))).activity_id == 18356


@pytest.mark.parametrize("header", ["Activity Details (ID#18356)", "Activity Details (ID: 18356)"])
def test_activity_id_from_header_written_otherwise(header: str) -> None:
    assert parse(page(("Title", "x"), header=header)).activity_id == 18356


def test_url_is_kept_and_null_for_a_file() -> None:
    url = "http://www.jp.coe.int/CEAD/Countries.asp?ID=18356&ActSyn=True"
    assert parse(page(("Title", "x")), url).url == url
    assert parse(page(("Title", "x"))).url is None


def test_description_keeps_paragraphs_and_list_lines_and_cleans_nbsp() -> None:
    html = page(
        (
            "Description",
            "Workshops:&nbsp;<br>- Nis (26-27/10/06)<br>- Kragujevac<p>Second&nbsp;&nbsp;part",
        )
    )
    assert parse(html).description == "Workshops:\n- Nis (26-27/10/06)\n- Kragujevac\n\nSecond part"


@pytest.mark.parametrize("status", ["Completed", "Planned", "Cancelled", "Postponed", "Ongoing"])
def test_status_as_written(status: str) -> None:
    assert parse(page(("Status", status))).status == status


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("19/03/2007 - 21/03/2007", date(2007, 3, 19), date(2007, 3, 21), "day"),
        ("27/04/2011", date(2011, 4, 27), date(2011, 4, 27), "day"),
        ("May-October 2017", date(2017, 5, 1), date(2017, 10, 31), "month"),
        ("01/01/2011 - 31/12/2011", date(2011, 1, 1), date(2011, 12, 31), "day"),
        ("November 2017 - February 2018", date(2017, 11, 1), date(2018, 2, 28), "month"),
        ("2012", date(2012, 1, 1), date(2012, 12, 31), "year"),
        # free-text forms other copies of a page may hold
        ("19 March 2007", date(2007, 3, 19), date(2007, 3, 19), "day"),
        ("19-21 March 2007", date(2007, 3, 19), date(2007, 3, 21), "day"),
        ("30 Dec - 2 Jan 2009", date(2008, 12, 30), date(2009, 1, 2), "day"),
        ("From 19/03/2007 to 21/03/2007", date(2007, 3, 19), date(2007, 3, 21), "day"),
        ("26-27/10/06", date(2006, 10, 26), date(2006, 10, 27), "day"),
        ("2007-03-19 - 2007-03-21", date(2007, 3, 19), date(2007, 3, 21), "day"),
        ("March 19-21, 2007", date(2007, 3, 19), date(2007, 3, 21), "day"),
        ("19/03/2007 - 21/03/2007 (3 days)", date(2007, 3, 19), date(2007, 3, 21), "day"),
        ("03/2007 - 05/2007", date(2007, 3, 1), date(2007, 5, 31), "month"),
        ("12/2006 - 01/2007", date(2006, 12, 1), date(2007, 1, 31), "month"),
        ("Monday 19 - Wednesday 21 March 2007", date(2007, 3, 19), date(2007, 3, 21), "day"),
        ("Tue 19/03/2007 - Thu 21/03/2007", date(2007, 3, 19), date(2007, 3, 21), "day"),
    ],
)
def test_dates(text: str, start: date, end: date, precision: str) -> None:
    record = parse(page(("Date", text)))
    assert (record.date_text, record.start_date, record.end_date, record.date_precision) == (
        text,
        start,
        end,
        precision,
    )


def test_unreadable_date_is_null_plus_issue() -> None:
    record = parse(page(("Date", "32/13/2007")))
    assert (record.start_date, record.date_text) == (None, "32/13/2007")
    assert [(i.field, i.raw) for i in record.issues] == [("date", "32/13/2007")]


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("Belgrade, Serbia", "Belgrade", "Serbia"),
        ("Serbia", None, "Serbia"),
        ("Several locations, Turkey", None, "Turkey"),
        ("Strasbourg, Council of Europe", "Strasbourg", None),
        ("Not applicable, Others", None, None),
        # forms other copies of a page may hold
        ("Belgrade - Serbia", "Belgrade", "Serbia"),
        ("Belgrade/Serbia", "Belgrade", "Serbia"),
        ("Serbia, Belgrade", "Belgrade", "Serbia"),
        ("Strasbourg - Council of Europe", "Strasbourg - Council of Europe", None),
        ("Online, Ukraine", None, "Ukraine"),  # 2020: no place to name
        ("Videoconference", None, None),
        ("Council of Europe, Strasbourg", "Strasbourg", None),
        ("Strasbourg, France (Council of Europe)", "Strasbourg", "France"),
        ("Belgrade (Serbia)", "Belgrade", "Serbia"),
    ],
)
def test_location(text: str, city: str | None, country: str | None) -> None:
    record = parse(page(("Location", text)))
    assert (record.location, record.location_city, record.location_country) == (text, city, country)
    assert split_location(text) == (city, country)


def test_countries_groups_codes_and_cooperation_marker() -> None:
    html = page(
        (
            "Countries",
            "CoE Members: Albania / Serbia / ''the former Yugoslav Republic of Macedonia''"
            "<br>Others: Kosovo*<br>Groups: Multilateral",
        ),
        extra="<tr><td></td><td>Multilateral</td></tr><tr><td></td><td>Joint Programme Activity - X</td></tr>",
    )
    record = parse(html)
    assert record.countries == (
        CountryEntry("Albania", "AL", "CoE Members"),
        CountryEntry("Serbia", "RS", "CoE Members"),
        CountryEntry("''the former Yugoslav Republic of Macedonia''", "MK", "CoE Members"),
        CountryEntry("Kosovo*", "XK", "Others"),
        CountryEntry("Multilateral", None, "Groups"),
    )
    assert record.cooperation_type == "Multilateral"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kosovo*", "XK"),
        ("Serbia and Montenegro", "CS"),
        ("''the former Yugoslav Republic of Macedonia''", "MK"),
        ("“the former Yugoslav Republic of Macedonia”", "MK"),
        ("Multilateral", None),
        ("Moldova", "MD"),
        ("Turkey", "TR"),
        ("Ukraine", "UA"),
        ("Kosovo (UNSCR 1244)", "XK"),
        ("UNMIK/Kosovo", "XK"),
        ("Bosnia & Herzegovina", "BA"),
        ("The Netherlands", "NL"),
        ("Great Britain", "GB"),
        ("Federal Republic of Yugoslavia", "YU"),
        ("Republic of Korea", "KR"),
        ("Cape Verde", "CV"),
        ("Palestine", "PS"),
        ("Luxemburg", "LU"),
        ("South-East Europe", None),
    ],
)
def test_country_codes(name: str, code: str | None) -> None:
    assert country_code(name) == code


def test_bilateral_marker() -> None:
    html = page(
        ("Countries", "CoE Members: Ukraine"), extra="<tr><td>&nbsp;</td><td>Bilateral</td></tr>"
    )
    assert parse(html).cooperation_type == "Bilateral"


def test_organisations_contributors_partners_lists() -> None:
    record = parse(
        page(
            ("Organisations:", "A / B"),
            ("Contributors", "Turkey - Other"),
            ("Partners", "EU; UNDP"),
        )
    )
    assert (record.organisations, record.contributors, record.partners) == (
        ("A", "B"),
        ("Turkey - Other",),
        ("EU", "UNDP"),
    )


@pytest.mark.parametrize(
    ("value", "code", "title"),
    [
        (
            "PACO-Serbia - Project against economic crime (Logframe) (Activities)",
            "PACO-Serbia",
            "Project against economic crime",
        ),
        (
            "CoE EaP Facility - Council of Europe Eastern Partnership Facility",
            "CoE EaP Facility",
            "Council of Europe Eastern Partnership Facility",
        ),
        (
            "MOLICO-Moldova II - Project against corruption",
            "MOLICO-Moldova II",
            "Project against corruption",
        ),
        (
            "SEE-PrisonRef - CARDS - Development of a prison system",
            "SEE-PrisonRef",
            "CARDS - Development of a prison system",
        ),
        (
            "PACO-Serbia – Project against economic crime",
            "PACO-Serbia",
            "Project against economic crime",
        ),
    ],
)
def test_programme_code_and_title(value: str, code: str, title: str) -> None:
    record = parse(page(("JP", value)))
    assert (record.programme_code, record.programme_title) == (code, title)


def test_programme_trans_id_from_logframe_link() -> None:
    value = '<a href="JP/Default.asp?TransID=112">PACO-Serbia - P</a> <a href="JP/Default.asp?TransID=112">(Logframe)</a>'
    assert parse(page(("JP", value))).programme_trans_id == 112


@pytest.mark.parametrize(
    ("value", "number", "code", "title"),
    [
        (
            "3 - 2005/DG1/JP/1624   PACO-Serbia - Improvement",
            "3",
            "2005/DG1/JP/1624",
            "PACO-Serbia - Improvement",
        ),
        (
            "2 - 2016/DG I/JP/3729 Tur-JudEthics - Training",
            "2",
            "2016/DG I/JP/3729",
            "Tur-JudEthics - Training",
        ),
        ("1 - 2011/DG PROG/JP/2649 EaP", "1", "2011/DG PROG/JP/2649", "EaP"),
        ("3. 2005/DG1/JP/1624 Improvement", "3", "2005/DG1/JP/1624", "Improvement"),
    ],
)
def test_project_purpose(value: str, number: str, code: str, title: str) -> None:
    record = parse(page(("Project Purpose", value)))
    assert (
        record.project_purpose_number,
        record.project_purpose_code,
        record.project_purpose_title,
    ) == (
        number,
        code,
        title,
    )


def test_jp_and_coe_expected_results_go_to_their_sections() -> None:
    html = page(
        ("Expected Result", "3.1 - Networking for the Convention"),
        extra="<tr><td colspan=2>Council of Europe Programme of Activities</td></tr>"
        "<tr><td colspan=2>I – Rule of Law</td></tr>"
        "<tr><td>Line of Action ⇒</td><td>II.3 – Strengthening the security of European citizens</td></tr>"
        "<tr><td>Programme ☆</td><td>II.3.2&nbsp; European standards for crime control</td></tr>"
        "<tr><td>Project</td><td>2004/DG1/143 Effective measures</td></tr>"
        "<tr><td>Expected Result</td><td>2 Increased adoption</td></tr>",
    )
    r = parse(html)
    assert (r.expected_result_number, r.expected_result_text) == (
        "3.1",
        "Networking for the Convention",
    )
    assert r.coe_pillar == "I – Rule of Law"
    assert (r.coe_line_of_action_code, r.coe_line_of_action_title) == (
        "II.3",
        "Strengthening the security of European citizens",
    )
    assert (r.coe_programme_code, r.coe_programme_title) == (
        "II.3.2",
        "European standards for crime control",
    )
    assert (r.coe_project_code, r.coe_project_title) == ("2004/DG1/143", "Effective measures")
    assert (r.coe_expected_result_number, r.coe_expected_result_text) == ("2", "Increased adoption")


def test_line_of_action_without_roman_numerals() -> None:
    r = parse(
        page(
            ("Line of Action ⇒", "3 – Building a society"),
            ("Programme ☆", "3.2  European standards"),
        )
    )
    assert (r.coe_line_of_action_code, r.coe_programme_code) == ("3", "3.2")


def test_working_method_under_its_heading() -> None:
    html = page(
        ("Title", "x"),
        extra="<tr><td colspan=2><b>Working Method</b></td></tr>"
        "<tr><td colspan=2>Organisation of meetings - Seminar</td></tr>",
    )
    assert parse(html).working_method == "Organisation of meetings - Seminar"


@pytest.mark.parametrize(
    "label", ["Directorate", "Directorate (Service)", "DIRECTORATE (SERVICE):"]
)
def test_directorate_label_variants(label: str) -> None:
    assert parse(page((label, "DG I Legal Affairs"))).directorate == "DG I Legal Affairs"


@pytest.mark.parametrize(
    ("value", "name", "email"),
    [
        (
            'DE CORDES, Jean-Charles&nbsp;&nbsp; <a href="mailto:jean-charles.decordes@coe.int">email</a>',
            "DE CORDES, Jean-Charles",
            "jean-charles.decordes@coe.int",
        ),
        (',&nbsp;&nbsp; <a href="mailto:">email</a>', None, None),
        ('X, Y <a href="mailto:.@coe.int">email</a>', "X, Y", None),
        (
            "MUSIA&#321;KOWSKI, Przemys&#322;aw <a href='mailto:p.m@coe.int'>email</a>",
            "MUSIAŁKOWSKI, Przemysław",
            "p.m@coe.int",
        ),
        ('X, Y <a href="mailto:x.y%40coe.int?subject=JP">email</a>', "X, Y", "x.y@coe.int"),
        ("X, Y (x.y@coe.int)", "X, Y", "x.y@coe.int"),
    ],
)
def test_contact(value: str, name: str | None, email: str | None) -> None:
    record = parse(page(("CoE Contact", value)))
    assert (record.contact_name, record.contact_email) == (name, email)


def test_invalid_email_addresses() -> None:
    assert valid_email(".@coe.int") is None
    assert valid_email("") is None
    assert valid_email("a.b@coe.int") == "a.b@coe.int"


def test_links_from_web_pages_and_documents() -> None:
    html = page(
        ("Web Pages", '1 <a href="http://a.example/x">http://a.example/x</a>'),
        ("Documents & links", '2 <a href="http://b.example/y.pdf">y</a>'),
    )
    assert parse(html).links == ("http://a.example/x", "http://b.example/y.pdf")


def test_a_link_to_a_path_on_the_site_is_made_whole_with_the_pages_address() -> None:
    html = page(
        ("Web Pages", '1 <a href="../Documents/agenda.pdf">agenda</a> <a href="#top">top</a>'),
        ("Documents & links", '2 <a href="www.coe.int/cybercrime">www.coe.int/cybercrime</a>'),
    )
    url = "http://www.jp.coe.int/CEAD/JP/Default.asp?ID=18356"
    assert parse(html, url).links == (
        "http://www.jp.coe.int/CEAD/Documents/agenda.pdf",
        "www.coe.int/cybercrime",  # a host without its scheme: as written
    )
    assert parse(html).links == ("../Documents/agenda.pdf", "www.coe.int/cybercrime")
    wayback = f"http://web.archive.org/web/20080101000000id_/{url}"
    assert parse(html, wayback).links[0] == "http://www.jp.coe.int/CEAD/Documents/agenda.pdf"
    assert parse(html, "data/raw/a.warc.gz#offset=0").links[0] == "../Documents/agenda.pdf"


def test_links_a_script_opens() -> None:
    value = "<a href=\"javascript:window.open('http://www.coe.int/cybercrime','w')\">Conference site</a>"
    assert parse(page(("Web Pages", value))).links == ("http://www.coe.int/cybercrime",)


def test_last_modified_in_each_part() -> None:
    html = page(
        ("Last Modified", "04/04/2007"),
        extra="<tr><td colspan=2>Activity Synopsis (ID# 18356) (Hide Synopsis)</td></tr>"
        "<tr><td>Objective(s)</td><td>To discuss.</td></tr>"
        "<tr><td>Last Modified</td><td>05/05/2007</td></tr>",
    )
    record = parse(html)
    assert (record.last_modified, record.synopsis_last_modified) == (
        date(2007, 4, 4),
        date(2007, 5, 5),
    )


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("04/04/2007 10:23:45", date(2007, 4, 4)),  # ASP's Now()
        ("4/4/2007 10:23:45 AM", date(2007, 4, 4)),
        ("2007-04-04", date(2007, 4, 4)),
        ("4 April 2007", date(2007, 4, 4)),
    ],
)
def test_last_modified_in_other_forms(text: str, day: date) -> None:
    record = parse(page(("Last Modified", text), ("Status", "Completed")))
    assert (record.last_modified, record.issues) == (day, ())


def test_last_modified_that_is_no_day_is_an_issue() -> None:
    record = parse(page(("Last Modified", "April 2007"), ("Status", "Completed")))
    assert record.last_modified is None
    assert [(i.field, i.raw) for i in record.issues] == [("last_modified", "April 2007")]


@pytest.mark.parametrize(("switch", "value"), [("Hide Synopsis", True), ("No Synopsis", False)])
def test_has_synopsis(switch: str, value: bool) -> None:
    html = page(("Title", "x"), extra=f"<tr><td colspan=2>{switch}</td></tr>")
    assert parse(html).has_synopsis is value


def test_synopsis_fields_keep_paragraphs_and_ignore_label_words_inside_values() -> None:
    results = "Discussed.<br><br>Participants agreed to complete the directory."
    html = page(
        ("Objective(s)", "To discuss."),
        ("Output/Results", results),
        ("Conclusions/Follow Up", "Ratify."),
        ("Participants", "Representatives from 16 countries."),
    )
    r = parse(html)
    assert (r.objectives, r.follow_up, r.participants) == (
        "To discuss.",
        "Ratify.",
        "Representatives from 16 countries.",
    )
    assert r.results == "Discussed.\n\nParticipants agreed to complete the directory."


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "M. Gercke, C. Schulman, V. Stanca, I. Albani, H. Lamb",
            ["M. Gercke", "C. Schulman", "V. Stanca", "I. Albani", "H. Lamb"],
        ),
        ("A. Seger; T. peshovska", ["A. Seger", "T. peshovska"]),
        ("M. Gercke, L. Huber and D. Ilić", ["M. Gercke", "L. Huber", "D. Ilić"]),
        # a country after a name is where the expert is from, not another expert
        ("Markko KÜNNAPU, Estonia; C. Schulman", ["Markko KÜNNAPU, Estonia", "C. Schulman"]),
        ("1. M. Gercke<br>2. C. Schulman", ["M. Gercke", "C. Schulman"]),
        ("- M. Gercke<br>- C. Schulman", ["M. Gercke", "C. Schulman"]),
        ("N/A", []),
        ("tbc", []),
    ],
)
def test_experts_and_secretariat_split(text: str, names: list[str]) -> None:
    assert split_names(text.replace("<br>", "\n")) == names
    record = parse(page(("Consultants/Experts", text), ("CoE Secretariat", text)))
    assert list(record.experts) == names == list(record.secretariat)


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("70", 70),
        ("approx. 18", 18),
        ("1 200", 1200),
        ("1,200", 1200),
        ("1.200", 1200),
        ("70 (35 women, 35 men)", 70),
    ],
)
def test_participants_total(text: str, total: int) -> None:
    assert parse(page(("Total No. Participants", text))).participants_total == total


@pytest.mark.parametrize("text", ["n/a", "tbc", "unknown"])
def test_participants_total_placeholder_is_none_without_issue(text: str) -> None:
    record = parse(page(("Total No. Participants", text), ("Status", "Completed")))
    assert (record.participants_total, record.issues) == (None, ())


def test_participants_total_without_number_is_issue() -> None:
    record = parse(page(("Total No. Participants", "many")))
    assert record.participants_total is None
    assert [i.field for i in record.issues] == ["participants_total"]


def test_labels_in_unseen_markup_dl_and_same_cell() -> None:
    html = (
        b"<html><body><h2>Activity Details (ID# 5)</h2><dl><dt>Title:</dt><dd>From a dl</dd>"
        b"<dt>Status</dt><dd>Completed</dd></dl><p><b>Date:</b> 27/04/2011</p></body></html>"
    )
    r = parse(html)
    assert (r.activity_id, r.title, r.status, r.start_date) == (
        5,
        "From a dl",
        "Completed",
        date(2011, 4, 27),
    )


def test_non_ascii_name_survives_windows_1252_page_with_entities() -> None:
    html = (
        "<meta charset=windows-1252><table><tr><td>Activity Details (ID# 1)</td></tr>"
        "<tr><td>CoE Contact</td><td>MUSIA&#321;KOWSKI, Przemys&#322;aw, Hélène</td></tr></table>"
    )
    record = parse(html.encode("windows-1252"))
    assert record.contact_name == "MUSIAŁKOWSKI, Przemysław, Hélène"


@pytest.mark.parametrize(
    ("body", "header", "text", "encoding"),
    [
        ("café".encode("windows-1252"), None, "café", "windows-1252"),
        ("café".encode(), None, "café", "utf-8"),
        ("café".encode(), "text/html; charset=ISO-8859-1", "café", "utf-8"),  # mislabelled UTF-8
        (
            b"<meta charset=windows-1252>" + "café".encode("windows-1252"),
            "text/html; charset=utf-8",
            "<meta charset=windows-1252>café",
            "windows-1252",
        ),
        (b"\xef\xbb\xbfcaf\xc3\xa9", None, "café", "utf-8"),
        (b"\x93quoted\x94", "text/html; charset=latin-1", "“quoted”", "windows-1252"),
    ],
)
def test_decoding(body: bytes, header: str | None, text: str, encoding: str) -> None:
    decoded = decode_html(body, header)
    assert (decoded.text, decoded.encoding) == (text, encoding)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"\x00\xff\xfe garbage \x81",
        b"<html><body><h1>Joint Programmes</h1></body></html>",
        b"<table><tr><td>Title</td>",
    ],
)
def test_not_an_activity_page(body: bytes) -> None:
    assert isinstance(parse_activity(body), NotAnActivity)


def test_bad_date_spans() -> None:
    assert parse_date_span("21/03/2007 - 19/03/2007") == "end date before start date"
    assert parse_date_span("Spring 2007") == "unknown month name"
    assert parse_date_span("sometime") == "not a date format the site used"
    assert parse_date_span("May 2017") == DateSpan(date(2017, 5, 1), date(2017, 5, 31), "month")
    assert parse_date_span("13/2007") == "not a calendar month"
    assert parse_date_span("05/2007 - 03/2007") == "end date before start date"


def test_header_and_switch_outside_the_table() -> None:
    html = (
        b"<html><body><h2>Activity Details (ID# 18356)</h2><p><a href=x>Hide Synopsis</a></p>"
        b"<table><tr><td>Title</td><td>T</td></tr><tr><td>Status</td><td>Completed</td></tr></table></body></html>"
    )
    record = parse(html)
    assert (record.activity_id, record.has_synopsis, record.title) == (18356, True, "T")


def test_value_cell_holding_a_table_of_its_own() -> None:
    html = (
        b"<table><tr><td colspan=2>Activity Details (ID# 7)</td></tr>"
        b"<tr><td><b>Countries</b></td><td><table><tr><td>CoE Members: Serbia / Croatia</td></tr>"
        b"<tr><td>Others: Kosovo*</td></tr></table></td></tr>"
        b"<tr><td>Title</td><td>T</td></tr><tr><td>Status</td><td>Completed</td></tr></table>"
    )
    record = parse(html)
    assert record.countries == (
        CountryEntry("Serbia", "RS", "CoE Members"),
        CountryEntry("Croatia", "HR", "CoE Members"),
        CountryEntry("Kosovo*", "XK", "Others"),
    )
    assert (record.activity_id, record.title, record.status) == (7, "T", "Completed")


def test_css_layout_without_tables() -> None:
    html = (
        b"<div class=page><h1>Activity Details (ID# 9)</h1>"
        b"<div class=row><span class=label>Title:</span> <span class=value>A seminar</span></div>"
        b"<div class=row><span class=label>Location</span> <span class=value>Kyiv, Ukraine</span></div>"
        b"<div class=row><span class=label>Date</span> 27/04/2011</div></div>"
    )
    record = parse(html)
    assert (record.activity_id, record.title, record.location_country, record.start_date) == (
        9,
        "A seminar",
        "Ukraine",
        date(2011, 4, 27),
    )


def test_joint_programme_row_carrying_the_programme() -> None:
    html = page(("Joint Programme", "PACO-Serbia - Project against economic crime"))
    assert (parse(html).programme_code, parse(html).programme_title) == (
        "PACO-Serbia",
        "Project against economic crime",
    )


def test_purpose_code_without_a_number() -> None:
    record = parse(page(("Project Purpose", "2005/DG1/JP/1624 PACO-Serbia - Cybercrime")))
    assert (
        record.project_purpose_number,
        record.project_purpose_code,
        record.project_purpose_title,
    ) == (
        None,
        "2005/DG1/JP/1624",
        "PACO-Serbia - Cybercrime",
    )


def test_compact_day_range_and_bracketed_location() -> None:
    record = parse(page(("Date", "19-21/03/2007"), ("Location", "Belgrade (Serbia)")))
    assert (record.start_date, record.end_date, record.date_precision) == (
        date(2007, 3, 19),
        date(2007, 3, 21),
        "day",
    )
    assert (record.location_city, record.location_country) == ("Belgrade", "Serbia")


def test_contact_email_written_out_instead_of_linked() -> None:
    record = parse(page(("CoE Contact", "SEGER, Alexander, e-mail: alexander.seger@coe.int")))
    assert (record.contact_name, record.contact_email) == (
        "SEGER, Alexander",
        "alexander.seger@coe.int",
    )


def test_private_use_characters_in_the_page_do_not_fake_structure() -> None:
    # The parser marks cells and lines with U+E000-U+E002; a page's own must not split cells.
    html = page(("Title", "Round\ue002table\ue000on\ue001cybercrime"), ("Status", "Completed"))
    record = parse(html)
    assert record.title == "Roundtableoncybercrime"
    assert record.status == "Completed"


def test_separator_cells_between_label_and_value() -> None:
    # <td>Title</td><td>:</td><td>value</td>: the colon cell is no part of the value
    html = page(
        ("Title</b></td><td>:</td><td><b>", "Round table"), ("Status</b></td><td>&nbsp;-&nbsp;", "")
    )
    record = parse(html)
    assert record.title == "Round table"
    assert record.status is None


def test_stacked_layout_label_row_above_its_value_row() -> None:
    rows = [
        ("Title", "Round table on cybercrime"),
        ("Status", "Completed"),
        ("Objective(s)", "To train judges.<br>And prosecutors."),
    ]
    body = "".join(
        f"<tr><td colspan=2><b>{label}</b></td></tr><tr><td colspan=2>{value}</td></tr>"
        for label, value in rows
    )
    html = page(extra=body + "<tr><td colspan=2>© Council of Europe 2003-2020</td></tr>")
    record = parse(html)
    assert record.title == "Round table on cybercrime"
    assert record.status == "Completed"
    assert record.objectives == "To train judges.\nAnd prosecutors."
    assert record.issues == ()


def test_stacked_label_with_no_value_takes_no_marker_pillar_or_footer() -> None:
    html = page(
        ("Countries", "CoE Members: Serbia"),
        ("Expected Result", ""),
        extra="<tr><td colspan=2>&nbsp;PoA</td></tr>"
        "<tr><td colspan=2>Council of Europe Programme of Activities</td></tr>"
        "<tr><td colspan=2>I – Rule of Law</td></tr>"
        "<tr><td><b>Total No. Participants</b></td><td></td></tr>"
        "<tr><td colspan=2>© Council of Europe 2003-2020</td></tr>",
    )
    record = parse(html)
    assert record.expected_result_text is None and record.expected_result_number is None
    assert record.coe_pillar == "I – Rule of Law"
    assert record.participants_total is None and record.issues == ()


def test_page_saved_from_the_wayback_machine_with_its_toolbar_and_rewritten_links() -> None:
    toolbar = (
        "<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id='wm-ipp'><table><tr><td>"
        "<a href='/web/20080101000000*/http://www.jp.coe.int/CEAD/Countries.asp?ID=18356'>"
        "12 captures</a></td><td>Title</td><td>Jan 2008</td></tr></table></div>"
        "<!-- END WAYBACK TOOLBAR INSERT -->"
    )
    html = page(
        ("Title", "Regional Conference on Cybercrime"),
        (
            "JP",
            "<a href='https://web.archive.org/web/20080101000000/"
            "http://www.jp.coe.int/CEAD/JP/Default.asp?TransID=148'>PACO-Serbia - Project against"
            " economic crime</a>",
        ),
        (
            "Web Pages",
            "<a href='/web/20080101000000/http://www.coe.int/cybercrime'>1 http://www.coe.int/cybercrime</a>"
            "<br><a href='http://web.archive.org/web/20080101000000im_/http://www.coe.int/a.pdf'>2</a>",
        ),
    ).replace(b"<body>", b"<body>" + toolbar.encode())
    record = parse(html)
    assert record.title == "Regional Conference on Cybercrime"
    assert record.programme_trans_id == 148
    assert record.links == ("http://www.coe.int/cybercrime", "http://www.coe.int/a.pdf")


def test_list_items_are_lines_and_paragraphs_are_blank_line_apart() -> None:
    html = page(("Description", "Workshops:<ul><li>Nis</li><li>Kragujevac</ul><p>Then a report."))
    assert parse(html).description == "Workshops:\nNis\nKragujevac\n\nThen a report."


def test_table_caption_opens_a_part_as_a_heading_row_does() -> None:
    poa = (
        "</table><table><caption>Council of Europe Programme of Activities</caption>"
        "<tr><td colspan=2>I – Rule of Law</td></tr>"
        "<tr><td><b>Expected Result</b></td><td>2 Standards adopted</td></tr>"
        "</table><table><caption>Working Method</caption>"
        "<tr><td colspan=2>Training Course</td></tr>"
    )
    record = parse(page(("Title", "x"), extra=poa))
    assert record.coe_pillar == "I – Rule of Law"
    assert (record.coe_expected_result_number, record.expected_result_number) == ("2", None)
    assert record.working_method == "Training Course"


def test_countries_label_cell_spanning_its_group_rows() -> None:
    rows = (
        "<tr><td rowspan=3><b>Countries</b></td><td>CoE Members: Serbia</td></tr>"
        "<tr><td>Others: Kosovo*</td></tr><tr><td>Multilateral</td></tr>"
        "<tr><td colspan=2>Joint Programme EC/CoE</td></tr>"
    )
    record = parse(page(("Title", "x"), extra=rows))
    assert [(c.name, c.code, c.group) for c in record.countries] == [
        ("Serbia", "RS", "CoE Members"),
        ("Kosovo*", "XK", "Others"),
    ]
    assert record.cooperation_type == "Multilateral"


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("CoE Members: Albania, Croatia", ["Albania", "Croatia"]),
        ("CoE Members: Albania; Kosovo*", ["Albania", "Kosovo*"]),
        ("Moldova, Republic of", ["Moldova, Republic of"]),  # one country, as ISO writes it
    ],
)
def test_countries_separated_by_commas_or_semicolons(value: str, names: list[str]) -> None:
    assert [c.name for c in parse(page(("Countries", value))).countries] == names


def test_programme_code_from_the_marker_line_of_the_countries_cell() -> None:
    value = "CoE Members: Turkey<br>Bilateral<br>Joint Programme Activity - Tur-JudEthics"
    record = parse(page(("Title", "x"), ("Countries", value)))
    assert (record.programme_code, record.cooperation_type) == ("Tur-JudEthics", "Bilateral")
    assert [c.name for c in record.countries] == ["Turkey"]


def test_web_pages_label_cell_spanning_its_link_rows() -> None:
    rows = (
        '<tr><td rowspan=2><b>Web Pages</b></td><td>1 <a href="http://a.org/">http://a.org/</a></td></tr>'
        '<tr><td>2 <a href="http://b.org/">http://b.org/</a></td></tr>'
        "<tr><td colspan=2>Some chrome</td></tr>"
    )
    assert parse(page(("Title", "x"), extra=rows)).links == ("http://a.org/", "http://b.org/")


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Objective (s)", "objectives"),
        ("Output / Results", "results"),
        ("Output/Result(s)", "results"),
        ("Conclusions / Follow-up", "follow_up"),
        ("Consultants / Experts", "experts"),
        ("Total No. of Participants", "participants_total"),
        ("Number of participants:", "participants_total"),
        ("Web-pages", "links"),
        ("Dates", "date_text"),
        ("CoE Contact Person", "contact_name"),
        ("Partici\xadpants", "participants"),
        ("Project Objective", "project_purpose_title"),
    ],
)
def test_other_spellings_of_labels(label: str, field: str) -> None:
    value = {"participants_total": "25", "links": "http://example.org/a", "date_text": "27/04/2011"}
    value |= {"experts": "A. Seger", "contact_name": "DE CORDES, Jean-Charles"}
    got = parse(page((label, value.get(field, "kept")))).to_dict()[field]
    expected = {
        "participants_total": 25,
        "links": ["http://example.org/a"],
        "experts": ["A. Seger"],
    }
    assert got == expected.get(field, value.get(field, "kept"))


def test_two_label_value_pairs_in_one_row() -> None:
    # a two-column form: each pair is a row of its own, links stay with their own pair
    html = page(
        ("Status</b></td><td>Completed</td><td>Date</td><td><b>", "19/03/2007 - 21/03/2007"),
        (
            "CoE Contact</b></td><td>SEGER, Alexander "
            '<a href="mailto:alexander.seger@coe.int">email</a></td>'
            "<td>Web Pages</td><td><b>",
            '<a href="http://www.coe.int/cybercrime">1 http://www.coe.int/cybercrime</a>',
        ),
    )
    record = parse(html)
    assert (record.status, record.start_date) == ("Completed", date(2007, 3, 19))
    assert (record.contact_name, record.contact_email) == (
        "SEGER, Alexander",
        "alexander.seger@coe.int",
    )
    assert record.links == ("http://www.coe.int/cybercrime",)


def test_a_row_not_opened_by_a_label_is_not_split_at_a_label_word() -> None:
    html = page(("Title", "x"), extra="<tr><td></td><td>More</td><td>Status</td><td>y</td></tr>")
    record = parse(html)
    assert record.status is None


@pytest.mark.parametrize("label", ["<b>Objective(s)</b>", "Objective(s)"])
def test_label_above_its_value_in_one_cell(label: str) -> None:
    html = page(
        ("Title", "x"), extra=f"<tr><td colspan=2>{label}<br>First line<br>second</td></tr>"
    )
    assert parse(html).objectives == "First line\nsecond"


def test_working_method_as_a_labelled_row() -> None:
    html = page(("Title", "x"), ("Working Method:", "Training Course"))
    assert parse(html).working_method == "Training Course"


def test_one_field_a_line_in_one_cell_keeps_each_line_s_links() -> None:
    cell = (
        "<b>Title:</b> Workshops<br><b>Status:</b> Completed<br>"
        '<b>JP</b> <a href="JP/Default.asp?TransID=112">PACO-Serbia - Project</a><br>'
        '<b>Web Pages:</b><br><a href="http://a.org/">1 http://a.org/</a><br>'
        '<a href="http://b.org/">2 http://b.org/</a><br>'
        '<b>CoE Contact:</b> SEGER, A. <a href="mailto:a.seger@coe.int">email</a>'
    )
    record = parse(page(extra=f"<tr><td colspan=2>{cell}</td></tr>"))
    assert (record.title, record.status, record.programme_code) == (
        "Workshops",
        "Completed",
        "PACO-Serbia",
    )
    assert record.programme_trans_id == 112
    assert record.links == ("http://a.org/", "http://b.org/")
    assert (record.contact_name, record.contact_email) == ("SEGER, A.", "a.seger@coe.int")


def test_lines_below_a_label_with_no_value_are_its_value_not_fields() -> None:
    # a stacked layout: the Description's own "Objectives:" lines are no Objective(s) row
    text = "Objectives: train judges<br>Participants: 20 judges"
    html = page(
        ("Title", "x"), extra=f"<tr><td><b>Description</b></td></tr><tr><td>{text}</td></tr>"
    )
    record = parse(html)
    assert record.description == "Objectives: train judges\nParticipants: 20 judges"
    assert (record.objectives, record.participants) == (None, None)


def test_a_field_in_bold_below_an_empty_field_stays_a_field() -> None:
    # "Description:" with nothing after it, then "Status: Completed": two fields
    html = (
        b"<html><body><h1>Activity Details (ID# 5)</h1><p><b>Title:</b> x</p>"
        b"<p><b>Description:</b></p><p><b>Status:</b> Completed</p></body></html>"
    )
    record = parse(html)
    assert (record.description, record.status) == (None, "Completed")


def test_logframes_and_listings_of_the_fixture_site_are_no_activity_pages() -> None:
    # a logframe's "JP Completed" line once read as a programme code "Completed"
    site = Path(__file__).resolve().parents[1] / "fixtures" / "site" / "CEAD"
    pages = sorted((site / "logframes").glob("*.html")) + sorted((site / "listings").glob("*.html"))
    assert len(pages) > 10
    for path in pages:
        result = parse_activity(path.read_bytes())
        assert isinstance(result, NotAnActivity), path.name
        assert result.reason.startswith("not an activity page")


def test_activity_under_its_logframe_header_parses_as_the_activity_alone() -> None:
    # JP/Default.asp?ID=n shows the programme's logframe above the activity's details
    site = Path(__file__).resolve().parents[1] / "fixtures" / "site" / "CEAD"
    logframe = decode_html((site / "logframes" / "programme-112.html").read_bytes()).text
    activity = decode_html((site / "activities" / "18356.html").read_bytes()).text
    header = logframe.split("<body", 1)[1].split(">", 1)[1].split("</body>", 1)[0]
    head, body = activity.split("<body", 1)
    attributes, rest = body.split(">", 1)
    page = f"{head}<body{attributes}>{header}{rest}".encode("windows-1252", "xmlcharrefreplace")
    golden = json.loads((site / "activities" / "18356.json").read_text(encoding="utf-8"))
    record = parse(page).to_dict()
    assert {k: record[k] for k in golden if k != "url"} == {
        k: golden[k] for k in golden if k != "url"
    }


def test_scripts_and_styles_give_no_code_and_a_written_address_is_read() -> None:
    # a browser shows no code, only what a script writes: here the e-mail link, split
    # into pieces to hide it from harvesters
    contact = (
        "SEGER, Alexander <SCRIPT type='text/javascript'>document.write('<a href=\"mailto:'"
        " + 'alexander.seger' + '@coe.int\">email<\\/a>');</SCRIPT>"
    )
    title = "Workshop<style>td { color: red }</style><script>var n = 1;</script>"
    record = parse(page(("Title", title), ("CoE Contact", contact)))
    assert (record.title, record.contact_name) == ("Workshop", "SEGER, Alexander")
    assert record.contact_email == "alexander.seger@coe.int"


def test_a_script_writing_what_only_running_it_would_tell_gives_nothing() -> None:
    contact = (
        "SEGER, Alexander <script>var u = 'alexander.seger';"
        " document.write('<a href=\"mailto:' + u + '@coe.int\">email</a>');</script>"
    )
    record = parse(page(("CoE Contact", contact)))
    assert (record.contact_name, record.contact_email) == ("SEGER, Alexander", None)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("<div>Topics:</div><div>- tracing</div>", "Topics:\n- tracing"),
        ("<div><div>Topics:</div></div><div>- tracing</div>", "Topics:\n- tracing"),
        ("Topics:<br><div>- tracing</div>", "Topics:\n- tracing"),
        ("<div>Topics:</div><div><br></div><div>- tracing</div>", "Topics:\n\n- tracing"),
        ("<div>Topics:</div><div>&nbsp;</div><div>- tracing</div>", "Topics:\n\n- tracing"),
        ("<p>Topics:</p><p>- tracing</p>", "Topics:\n\n- tracing"),
    ],
)
def test_divs_are_lines_and_paragraphs_stand_apart(value: str, text: str) -> None:
    # as a browser shows them: a <div> starts a line (one, however many begin there), an
    # empty <div> is an empty line, a <p> starts a paragraph
    assert parse(page(("Description", value))).description == text


def test_label_in_bold_above_a_table_of_lines_in_one_cell() -> None:
    # a print view: <td><b>Countries:</b> <table>...</table></td>, a row a line
    lines = "".join(f"<tr><td>{t}</td></tr>" for t in ("CoE Members: Serbia", "Others: Kosovo*"))
    html = page(extra=f"<tr><td colspan=2><b>Countries:</b> <table>{lines}</table></td></tr>")
    assert parse(html).countries == (
        CountryEntry("Serbia", "RS", "CoE Members"),
        CountryEntry("Kosovo*", "XK", "Others"),
    )


def test_a_layout_cell_opening_with_a_label_keeps_the_rows_of_its_table() -> None:
    # <td><b>Title:</b> X <table>(the other fields)</table></td>: not a list of lines
    rows = "<tr><td>Status</td><td>Completed</td></tr><tr><td>Location</td><td>Paris</td></tr>"
    html = page(extra=f"<tr><td colspan=2><b>Title:</b> <table>{rows}</table></td></tr>")
    record = parse(html)
    assert (record.status, record.location) == ("Completed", "Paris")


def test_a_quoted_greater_than_sign_in_a_cell_tag_is_no_text() -> None:
    html = page(
        extra="<tr><td title='a > b'>Status</td><td onclick=\"go(x > 1)\">Planned</td></tr>"
    )
    assert parse(html).status == "Planned"


def test_a_symbol_in_a_cell_of_its_own_between_label_and_value() -> None:
    # "Line of Action | ⇒ | II.3 – ...": the arrow's cell is no part of the value
    html = page(
        extra="<tr><td colspan=2>Council of Europe Programme of Activities</td></tr>"
        "<tr><td>Line of Action</td><td>&rArr;</td><td>II.3 – Strengthening security</td></tr>"
        "<tr><td>Programme</td><td>&#9734;</td><td>II.3.2  European standards</td></tr>"
    )
    record = parse(html)
    assert (record.coe_line_of_action_code, record.coe_line_of_action_title) == (
        "II.3",
        "Strengthening security",
    )
    assert (record.coe_programme_code, record.coe_programme_title) == (
        "II.3.2",
        "European standards",
    )


def test_text_around_a_table_in_a_value_cell_keeps_its_lines() -> None:
    # "Countries CoE Members: Serbia", then "  Joint Programme Activity - ..." indented:
    # the marker line in a table of its own inside the cell, a line after it
    countries = (
        "CoE Members: Serbia<br>Regions: South-East Europe"
        "<table><tr><td>&nbsp;&nbsp;Joint Programme Activity - PACO-Serbia</td></tr></table>"
        "Bilateral"
    )
    record = parse(page(("Countries", countries)))
    assert record.countries == (
        CountryEntry("Serbia", "RS", "CoE Members"),
        CountryEntry("South-East Europe", None, "Regions"),
    )
    assert (record.programme_code, record.cooperation_type) == ("PACO-Serbia", "Bilateral")


def test_a_label_beside_an_icon_in_a_table_of_its_own() -> None:
    label = "<table><tr><td><img src='/img/bullet.gif'></td><td>Location</td></tr></table>"
    record = parse(page((label, "Belgrade, Serbia"), ("Status", "Completed")))
    assert (record.location, record.status) == ("Belgrade, Serbia", "Completed")


def test_a_nested_value_keeps_its_paragraphs() -> None:
    label = "<table><tr><td><img src='/img/bullet.gif'></td><td>Description</td></tr></table>"
    record = parse(page((label, "First paragraph.<br><br>Second,<br>in two lines.")))
    assert record.description == "First paragraph.\n\nSecond,\nin two lines."


def test_a_spacer_column_before_the_labels() -> None:
    spacer = "<td width=8><img src='/img/spacer.gif' width=8 height=1></td>"
    rows = (
        f"<tr>{spacer}<td>Status</td><td>Completed</td></tr>"
        f"<tr>{spacer}<td>Countries</td><td>CoE Members: Serbia</td></tr>"
        f"<tr>{spacer}<td></td><td>Joint Programme Activity - PACO-Serbia</td></tr>"
    )
    lines = "<table><tr><td>Nis (26-27/10/06)</td></tr><tr><td>Novi Sad</td></tr></table>"
    rows += f"<tr>{spacer}<td>Description</td><td>{lines}</td></tr>"
    record = parse(page(extra=rows))
    assert record.status == "Completed"
    assert record.countries == (CountryEntry("Serbia", "RS", "CoE Members"),)
    assert record.programme_code == "PACO-Serbia"
    assert record.description == "Nis (26-27/10/06)\nNovi Sad"


@pytest.mark.parametrize(
    ("label", "value", "fields"),
    [
        ("Expected Result", "3.1. Networking", ("3.1", "Networking")),
        ("Expected Result", "3.1: Networking", ("3.1", "Networking")),
        ("Line of Action ⇒", "II.3: Strengthening security", ("II.3", "Strengthening security")),
        ("Programme ☆", "II.3.2. European standards", ("II.3.2", "European standards")),
        ("Project", "2004/DG1/143 - Effective measures", ("2004/DG1/143", "Effective measures")),
    ],
)
def test_code_then_a_point_colon_or_dash_before_the_title(
    label: str, value: str, fields: tuple[str, str]
) -> None:
    poa = "<tr><td colspan=2>Council of Europe Programme of Activities</td></tr>"
    record = parse(
        page(("Status", "Completed"), extra=f"{poa}<tr><td>{label}</td><td>{value}</td></tr>")
    )
    read = {
        "Expected Result": (record.coe_expected_result_number, record.coe_expected_result_text),
        "Line of Action ⇒": (record.coe_line_of_action_code, record.coe_line_of_action_title),
        "Programme ☆": (record.coe_programme_code, record.coe_programme_title),
        "Project": (record.coe_project_code, record.coe_project_title),
    }
    assert read[label] == fields
    assert record.issues == ()


def test_a_country_list_ending_in_a_slash() -> None:
    record = parse(page(("Countries", "CoE Members: Albania / Croatia /")))
    assert [c.code for c in record.countries] == ["AL", "HR"]


@pytest.mark.parametrize(
    "heading",
    ["Council of Europe Programme of Activities", "Council of Europe Programme and Budget"],
)
def test_the_second_expected_result_under_either_name_of_the_coe_programme(heading: str) -> None:
    html = page(
        ("Expected Result", "3.1 - Networking"),
        extra=f"<tr><td></td><td>{heading}</td></tr>"
        "<tr><td>Expected Result</td><td>2 Increased adoption</td></tr>",
    )
    record = parse(html)
    assert (record.expected_result_number, record.expected_result_text) == ("3.1", "Networking")
    assert (record.coe_expected_result_number, record.coe_expected_result_text) == (
        "2",
        "Increased adoption",
    )
