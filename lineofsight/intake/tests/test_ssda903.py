"""The SSDA903 reader: small hand-written returns (fictional children), and the fixture files
written by others in shared/fixtures/ssda903.

The hand-written return (year to 31 March 2025) has three children in care and two care leavers:

  A1  M  01/02/2012  CHNE  episodes 10/05/2024 S C1 U4 -> 01/08/2024 L C2 (same placement, which
                           ends 20/11/2024 for CARPL) -> 20/11/2024 P C2 K2, open
  B2  F  15/06/2010  WBRI  episodes 01/04/2024 S V2 R1 ends 15/06/2024 E13; back in care
                           01/01/2025 S V2 U6, open (a second period of care)
  C3  U  03/03/2007  NOBT  care leaver: YES, F2, D1 (semi-independent, suitable)
  D4  F  09/09/2006  REFU  care leaver: NO, 0, 0 (activity and accommodation not known)
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from lineofsight.casework import codewords, rules
from lineofsight.intake import encodings, ssda903
from lineofsight.intake.problems import Severity
from lineofsight.intake.ssda903 import NEWER_PLACEMENT_TYPES, read_ssda903, table_of
from lineofsight.intake.tests.streaming import records_held

D = datetime.date

# The fixture return written by others, beside the repository (../shared), as on every machine.
FIXTURE = next(
    (
        path / "fixtures/ssda903"
        for path in (Path(__file__).resolve().parents[4] / "shared", Path("/work/shared"))
        if (path / "fixtures/ssda903").is_dir()
    ),
    Path("../shared/fixtures/ssda903"),
)

HEADER = """CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
A1,M,01/02/2012,CHNE,A123456789012,,
B2,F,15/06/2010,WBRI,UN2,0,
C3,U,03/03/2007,NOBT,,,
D4,F,09/09/2006,REFU,,1,
"""
EPISODE_COLUMNS = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
EPISODES = f"""{EPISODE_COLUMNS}
A1,10/05/2024,S,C1,N1,U4,PR1,01/08/2024,X1,,,ZZ1 1AA,SC100001
A1,01/08/2024,L,C2,N1,U4,PR1,20/11/2024,X1,CARPL,,ZZ1 1AA,SC100001
A1,20/11/2024,P,C2,N1,K2,PR4,,,,,ZZ2 2BB,SC200002
B2,01/04/2024,S,V2,N4,R1,PR3,15/06/2024,E13,,,ZZ3 3CC,SC300003
B2,01/01/2025,S,V2,N4,U6,PR1,,,,,ZZ4 4DD,SC400004
"""
REVIEWS = """CHILD,DOB,REVIEW,REVIEW_CODE
A1,01/02/2012,06/06/2024,PN1
B2,15/06/2010,2025-01-28,PN6
"""
MISSING = """CHILD,DOB,MISSING,MIS_START,MIS_END
A1,01/02/2012,M,01/09/2024,03/09/2024
A1,01/02/2012,A,12/02/2025,
"""
OC3 = """CHILD,DOB,IN_TOUCH,ACTIV,ACCOM
C3,03/03/2007,YES,F2,D1
D4,09/09/2006,NO,0,0
"""
SW_EPISODES = """CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON
A1,01/02/2012,SW1234,10/05/2024,01/12/2024,FCONTA
"""


def _folder(tmp_path: Path, files: dict[str, str], name: str = "return") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file_name, text in files.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    return folder


def _good(tmp_path: Path) -> Path:
    return _folder(
        tmp_path,
        {
            "SSDA903_2025_Header.csv": HEADER,
            "SSDA903_2025_Episodes.csv": EPISODES,
            "SSDA903_2025_reviews.csv": REVIEWS,
            "SSDA903_2025_missing.csv": MISSING,
            "SSDA903_2025_OC3.csv": OC3,
            "SSDA903_2025_sw_episodes.csv": SW_EPISODES,
            "notes.txt": "not a table",
        },
    )


def _by(rows: list[dict], key: str) -> dict:
    return {row[key]: row for row in rows}


def _messages(parsed, severity: Severity) -> list[str]:
    return [str(p) for p in parsed.problems if p.severity is severity]


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("header.csv", "header"),
        ("SSDA903_2025_Episodes.csv", "episodes"),
        ("SSDA903_2025_sw_episodes.csv", "sw_episodes"),
        ("SW-Episodes.csv", "sw_episodes"),
        ("placed_for_adoption.csv", "placed_for_adoption"),
        ("903 OC3 2024-25.csv", "oc3"),
        ("summary.csv", None),
    ],
)
def test_a_file_is_known_by_the_table_word_in_its_name(name: str, word: str | None) -> None:
    assert table_of(name) == word


def test_a_clean_return_reads_without_problems(tmp_path: Path) -> None:
    parsed = read_ssda903(_good(tmp_path))
    assert parsed.problems == []
    assert parsed.year_end == D(2025, 3, 31)
    assert parsed.year_end_from == "the file names"
    assert sorted(p.name for p in parsed.files) == [
        "SSDA903_2025_Episodes.csv",
        "SSDA903_2025_Header.csv",
        "SSDA903_2025_OC3.csv",
        "SSDA903_2025_missing.csv",
        "SSDA903_2025_reviews.csv",
        "SSDA903_2025_sw_episodes.csv",
    ]
    assert set(parsed.encodings.values()) == {"UTF-8"}
    assert list(parsed.tables) == [
        "ssd_person",
        "ssd_cla_episodes",
        "ssd_cla_placement",
        "ssd_cla_reviews",
        "ssd_care_leavers",
        "ssd_missing",
        "ssd_legal_status",
        "ssd_involvements",
    ]


def test_the_header_gives_the_people(tmp_path: Path) -> None:
    people = _by(read_ssda903(_good(tmp_path)).tables["ssd_person"], "pers_person_id")
    assert list(people) == ["A1", "B2", "C3", "D4"]
    a1, b2, d4 = people["A1"], people["B2"], people["D4"]
    assert (a1["pers_sex"], a1["pers_dob"], a1["pers_ethnicity"]) == ("M", D(2012, 2, 1), "CNHE")
    assert a1["pers_upn_unknown"] is None  # a real UPN is not kept; only the "unknown" codes
    assert (b2["pers_sex"], b2["pers_upn_unknown"], b2["pers_is_mother"]) == ("F", "UN2", "N")
    assert (d4["pers_is_mother"], d4["pers_ethnicity"]) == ("Y", "REFU")
    assert people["C3"]["pers_sex"] == "U"
    assert a1["pers_forename"] is None  # every schema field is present, blank where not known


def test_episodes_are_grouped_into_periods_placements_and_legal_statuses(tmp_path: Path) -> None:
    tables = read_ssda903(_good(tmp_path)).tables
    episodes = _by(tables["ssd_cla_episodes"], "clae_cla_episode_id")
    assert list(episodes) == [
        "903E-A1-20240510",
        "903E-A1-20240801",
        "903E-A1-20241120",
        "903E-B2-20240401",
        "903E-B2-20250101",
    ]
    second = episodes["903E-A1-20240801"]
    assert second == {
        **second,
        "clae_person_id": "A1",
        "clae_cla_episode_start_date": D(2024, 8, 1),
        "clae_cla_episode_start_reason": "L",
        "clae_cla_primary_need_code": "N1",
        "clae_cla_episode_ceased_date": D(2024, 11, 20),
        "clae_cla_episode_ceased_reason": "X1",
        "clae_cla_id": "903C-A1-20240510",
        "clae_cla_placement_id": "903P-A1-20240510",  # a change of legal status only
        "clae_entered_care_date": D(2024, 5, 10),
    }
    assert episodes["903E-A1-20241120"]["clae_cla_placement_id"] == "903P-A1-20241120"
    # B2 left care and came back: two periods of care, each entered on its own date.
    b2 = [episodes["903E-B2-20240401"], episodes["903E-B2-20250101"]]
    assert [e["clae_cla_id"] for e in b2] == ["903C-B2-20240401", "903C-B2-20250101"]
    assert [e["clae_entered_care_date"] for e in b2] == [D(2024, 4, 1), D(2025, 1, 1)]

    placements = _by(tables["ssd_cla_placement"], "clap_cla_placement_id")
    assert list(placements) == [
        "903P-A1-20240510",
        "903P-A1-20241120",
        "903P-B2-20240401",
        "903P-B2-20250101",
    ]
    first = placements["903P-A1-20240510"]
    assert {k: v for k, v in first.items() if k != "clap_cla_placement_distance"} == {
        "clap_cla_placement_id": "903P-A1-20240510",
        "clap_cla_placement_start_date": D(2024, 5, 10),
        "clap_cla_placement_type": "U4",
        "clap_cla_placement_urn": "SC100001",
        "clap_cla_id": "903C-A1-20240510",
        "clap_cla_placement_provider": "PR1",
        "clap_cla_placement_postcode": "ZZ1 1AA",
        "clap_cla_placement_end_date": D(2024, 11, 20),
        "clap_cla_placement_change_reason": "CARPL",
        "clap_person_id": "A1",
    }
    assert first["clap_cla_placement_distance"] is None  # the return gives no distance
    current = placements["903P-A1-20241120"]
    assert (current["clap_cla_placement_type"], current["clap_cla_placement_end_date"]) == (
        "K2",
        None,
    )
    assert placements["903P-B2-20240401"]["clap_cla_placement_change_reason"] is None

    legal = [
        (r["lega_person_id"], r["lega_legal_status"], r["lega_legal_status_start_date"],
         r["lega_legal_status_end_date"])
        for r in tables["ssd_legal_status"]
    ]  # fmt: skip
    assert legal == [
        ("A1", "C1", D(2024, 5, 10), D(2024, 8, 1)),
        ("A1", "C2", D(2024, 8, 1), None),
        ("B2", "V2", D(2024, 4, 1), D(2024, 6, 15)),
        ("B2", "V2", D(2025, 1, 1), None),  # a new period of care, a new legal status
    ]


def test_reviews_missing_care_leavers_and_workers(tmp_path: Path) -> None:
    tables = read_ssda903(_good(tmp_path)).tables
    reviews = [
        (r["clar_cla_review_id"], r["clar_cla_id"], r["clar_cla_review_date"],
         r["clar_cla_review_participation"], r["clar_cla_review_cancelled"])
        for r in tables["ssd_cla_reviews"]
    ]  # fmt: skip
    assert reviews == [
        ("903R-A1-20240606", "903C-A1-20240510", D(2024, 6, 6), "PN1", "N"),
        # An ISO date is read too; the review falls in B2's second period of care.
        ("903R-B2-20250128", "903C-B2-20250101", D(2025, 1, 28), "PN6", "N"),
    ]
    missing = [
        (r["miss_table_id"], r["miss_person_id"], r["miss_missing_episode_type"],
         r["miss_missing_episode_start_date"], r["miss_missing_episode_end_date"])
        for r in tables["ssd_missing"]
    ]  # fmt: skip
    assert missing == [
        ("903M-A1-20240901", "A1", "M", D(2024, 9, 1), D(2024, 9, 3)),
        ("903M-A1-20250212", "A1", "A", D(2025, 2, 12), None),
    ]
    leavers = _by(tables["ssd_care_leavers"], "clea_person_id")
    c3, d4 = leavers["C3"], leavers["D4"]
    assert (
        c3["clea_table_id"],
        c3["clea_care_leaver_in_touch"],
        c3["clea_care_leaver_activity"],
        c3["clea_care_leaver_accommodation"],
        c3["clea_care_leaver_accom_suitable"],
    ) == ("903CL-C3", "YES", "F2", "D", "1")
    assert (
        d4["clea_care_leaver_in_touch"],
        d4["clea_care_leaver_activity"],
        d4["clea_care_leaver_accommodation"],
        d4["clea_care_leaver_accom_suitable"],
    ) == ("NO", None, None, None)
    (worker,) = tables["ssd_involvements"]
    assert (
        worker["invo_involvements_id"],
        worker["invo_person_id"],
        worker["invo_professional_id"],
        worker["invo_professional_role_id"],
        worker["invo_involvement_start_date"],
        worker["invo_involvement_end_date"],
        worker["invo_worker_change_reason"],
    ) == (
        "903SW-A1-20240510",
        "A1",
        "SW1234",
        "Social Worker",
        D(2024, 5, 10),
        D(2024, 12, 1),
        "FCONTA",
    )


def test_fields_say_what_the_return_can_fill(tmp_path: Path) -> None:
    parsed = read_ssda903(_good(tmp_path))
    assert "clap_cla_placement_distance" not in parsed.fields["ssd_cla_placement"]
    assert "clae_cla_last_iro_contact_date" not in parsed.fields["ssd_cla_episodes"]
    assert "clea_care_leaver_worker_id" not in parsed.fields["ssd_care_leavers"]
    assert "clar_cla_review_due_date" not in parsed.fields["ssd_cla_reviews"]
    assert parsed.fields["ssd_missing"] == [
        "miss_table_id",
        "miss_person_id",
        "miss_missing_episode_start_date",
        "miss_missing_episode_type",
        "miss_missing_episode_end_date",
    ]
    for table, fields in parsed.fields.items():
        for name in fields:  # each named field is filled in some row of the clean return
            assert any(row[name] is not None for row in parsed.tables[table]), (table, name)


def test_tables_not_in_the_folder_are_absent(tmp_path: Path) -> None:
    parsed = read_ssda903(
        _folder(tmp_path, {"header.csv": HEADER, "episodes.csv": EPISODES}, name="SSDA903 2024-25")
    )
    assert list(parsed.tables) == [
        "ssd_person",
        "ssd_cla_episodes",
        "ssd_cla_placement",
        "ssd_legal_status",
    ]
    assert parsed.year_end == D(2025, 3, 31)  # "2024-25" in the folder's name


def test_the_older_gender_column_and_its_codes_are_read_as_sex(tmp_path: Path) -> None:
    header = (
        "CHILD,GENDER,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
        "A1,1,01/02/2012,WBRI,,,\n"
        "B2,2,15/06/2010,WBRI,,,\n"
    )
    parsed = read_ssda903(
        _folder(tmp_path, {"header_2025.csv": header, "episodes_2025.csv": EPISODES})
    )
    assert parsed.problems == []
    assert [p["pers_sex"] for p in parsed.tables["ssd_person"]] == ["M", "F"]


# Placement types of the return's code lists: 2025-26's in full, and the codes 2024-25 still had
# (H5, P2, Z1), so a return from either year reads without a warning.
PLACEMENT_CODES_2025_26 = (
    "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1",
    "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14",
)  # fmt: skip
PLACEMENT_CODES_2024_25_ONLY = ("H5", "P2", "Z1")


def test_every_placement_type_of_2024_25_and_2025_26_is_read_as_an_ssd_placement_type(
    tmp_path: Path,
) -> None:
    codes = [*PLACEMENT_CODES_2025_26, *PLACEMENT_CODES_2024_25_ONLY]
    header = "CHILD,SEX,DOB,ETHNIC\n" + "".join(
        f"P{n},F,01/02/2010,WBRI\n" for n in range(len(codes))
    )
    # K3 written in lower case, as some case systems do.
    episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER\n" + "".join(
        f"P{n},01/05/2025,S,C2,N1,{code.lower() if code == 'K3' else code},PR1\n"
        for n, code in enumerate(codes)
    )
    parsed = read_ssda903(
        _folder(tmp_path, {"header_2026.csv": header, "episodes_2026.csv": episodes})
    )
    assert [p for p in parsed.problems if p.field == "PLACE"] == []
    written = {p["clap_person_id"]: p["clap_cla_placement_type"]
               for p in parsed.tables["ssd_cla_placement"]}  # fmt: skip
    renamed = {"K3": "H5", "Z11": "Z1", "Z12": "Z1", "Z13": "Z1", "Z14": "Z1"}
    assert written == {f"P{n}": renamed.get(code, code) for n, code in enumerate(codes)}
    # What is written passes the snapshot's own code check, and pages show it in words.
    placement_types = rules.CODE_SETS[("ssd_cla_placement", "clap_cla_placement_type")]
    for code in written.values():
        assert placement_types.allows(code), code
        assert codewords.describe("placement_type", code) != codewords.unknown(code), code


def test_each_newer_placement_type_has_its_meaning_and_an_ssd_code() -> None:
    assert set(NEWER_PLACEMENT_TYPES) == {"K3", "Z11", "Z12", "Z13", "Z14"}
    for code, (meaning, ssd_code) in NEWER_PLACEMENT_TYPES.items():
        assert ssd_code in codewords.PLACEMENT_TYPE, code
        assert meaning and code not in codewords.PLACEMENT_TYPE  # the SSD's list lacks it
    assert NEWER_PLACEMENT_TYPES["K3"][0].startswith("Supported accommodation")


def test_a_placement_type_of_neither_year_is_kept_with_a_warning(tmp_path: Path) -> None:
    episodes = EPISODES.replace(",K2,PR4,", ",Z15,PR4,")
    parsed = read_ssda903(
        _folder(tmp_path, {"header_2025.csv": HEADER, "episodes_2025.csv": episodes})
    )
    (warning,) = [p for p in parsed.problems if p.field == "PLACE"]
    assert warning.severity is Severity.WARNING
    assert (warning.source, warning.row, warning.value) == ("episodes_2025.csv", 4, "Z15")
    assert "not an SSDA903 placement type code" in warning.message
    assert "Z15" in [p["clap_cla_placement_type"] for p in parsed.tables["ssd_cla_placement"]]


def test_without_a_year_in_the_names_the_year_comes_from_the_episodes(tmp_path: Path) -> None:
    parsed = read_ssda903(_folder(tmp_path, {"header.csv": HEADER, "episodes.csv": EPISODES}))
    # The latest episode date is 01/01/2025: the year ends the 31 March after it.
    assert parsed.year_end == D(2025, 3, 31)
    assert parsed.year_end_from == "the latest episode date"
    (problem,) = parsed.problems
    assert problem.severity is Severity.WARNING
    assert "collection year is not named" in problem.message


def test_a_return_without_its_header_table_is_refused(tmp_path: Path) -> None:
    parsed = read_ssda903(_folder(tmp_path, {"episodes.csv": EPISODES}, name="SSDA903_2025"))
    assert [(p.severity, p.table) for p in parsed.errors] == [(Severity.ERROR, "header")]
    assert "header table is missing" in parsed.errors[0].message
    assert parsed.errors[0].source == "SSDA903_2025"


def test_problems_name_the_file_row_field_and_value(tmp_path: Path) -> None:
    episodes = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN,COMMENTS\n"
        "A1,10/05/2024,S,C1,N1,U4,PR1,01/08/2024,X1,,,,,\n"  # 2
        "A1,01/08/2024,L,C2,N1,U4,PR1,,,,,,,\n"  # 3: open...
        "A1,01/10/2024,P,C2,N1,X9,PR1,,,,,,,\n"  # 4: ...so this overlaps it; X9 is no code
        "Z9,10/05/2024,S,C1,N1,U4,PR1,,,,,,,\n"  # 5: not in the header
        "B2,31/02/2024,S,V2,N4,R1,PR3,,,,,,,\n"  # 6: no such day
        "B2,01/06/2024,S,V2,N4,R1,PR3,01/05/2024,E13,,,,,\n"  # 7: ends before it starts
        "A1,01/08/2024,L,C2,N1,U4,PR1,,,,,,,\n"  # 8: the same as row 3
    )
    parsed = read_ssda903(
        _folder(
            tmp_path, {"SSDA903_2025_header.csv": HEADER, "SSDA903_2025_episodes.csv": episodes}
        )
    )
    found = {(p.severity, p.row, p.field, p.value): p for p in parsed.problems}
    source = "SSDA903_2025_episodes.csv"
    assert all(p.source == source and p.table == "episodes" for p in parsed.problems)
    overlap = found[(Severity.ERROR, 4, "DECOM", "01/10/2024")]
    assert "overlaps the child's episode from 01/08/2024 (row 3), which is still open" in (
        overlap.message
    )
    assert "not in the header" in found[(Severity.ERROR, 5, "CHILD", "Z9")].message
    assert "not a date" in found[(Severity.ERROR, 6, "DECOM", "31/02/2024")].message
    assert "before the start" in found[(Severity.ERROR, 7, "DEC", "01/05/2024")].message
    assert "not an SSDA903 placement type" in found[(Severity.WARNING, 4, "PLACE", "X9")].message
    assert "same as row 3" in found[(Severity.WARNING, 8, "CHILD", "A1")].message
    assert "unknown column" in found[(Severity.WARNING, None, "COMMENTS", "")].message
    assert len(parsed.errors) == 4
    # Shown as the import's report shows it.
    assert str(overlap).startswith(f"ERROR: {source}, episodes, row 4, DECOM: this episode")


def test_a_header_without_a_child_column_cannot_be_read(tmp_path: Path) -> None:
    parsed = read_ssda903(
        _folder(tmp_path, {"header.csv": "ID,SEX,DOB\n1,M,01/01/2010\n", "episodes.csv": EPISODES})
    )
    assert _messages(parsed, Severity.ERROR) == [
        "ERROR: header.csv, header, CHILD: the header table has no CHILD column, so it cannot be"
        " read"
    ]  # and no error for each episode's child: without the header none is known
    assert "ssd_person" not in parsed.tables


XML = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header><CollectionDetails><Collection>SSDA903</Collection><Year>2026</Year>
    <ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails></Header>
  <CHILD>
    <HEADER>
      <CHILDID>X1</CHILDID><UPN>UN1</UPN><SEX>F</SEX><DOB>04/07/2009</DOB><ETHNIC>BAFR</ETHNIC>
      <UASC>0</UASC><IN_TOUCH>YES</IN_TOUCH><ACTIV>G6</ACTIV><ACCOM>U2</ACCOM>
      <AREVIEW><REVIEW>12/12/2025</REVIEW><REVIEW_CODE>PN4</REVIEW_CODE></AREVIEW>
      <AMISSING><MISSING>M</MISSING><MIS_START>01/03/2026</MIS_START><MIS_END>2026-03-02</MIS_END></AMISSING>
      <OC2><CONVICTED>0</CONVICTED></OC2>
      <FAVOURITE>blue</FAVOURITE>
    </HEADER>
    <EPISODE><DECOM>01/10/2025</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N2</CIN><PL>Z11</PL>
      <PL_POST>ZZ9 9ZZ</PL_POST><URN>XXXXXXX</URN><DEC></DEC><REC></REC></EPISODE>
  </CHILD>
  <CHILD>
    <HEADER><CHILDID>X2</CHILDID><SEX>M</SEX><DOB>1 May 2015</DOB><ETHNIC>WBRI</ETHNIC></HEADER>
    <EPISODE><DECOM>01/05/2025</DECOM><RNE>S</RNE><LS>V2</LS><CIN>N1</CIN><PL>K3</PL>
      <PLACE_PROVIDER>PR4</PLACE_PROVIDER><DEC>01/02/2025</DEC><REC>E8</REC></EPISODE>
  </CHILD>
</Message>
"""


def test_an_xml_return_reads_into_the_same_tables(tmp_path: Path) -> None:
    path = tmp_path / "return.xml"
    path.write_text(XML, encoding="utf-8")
    parsed = read_ssda903(path, label="903 upload.xml")
    assert parsed.year_end == D(2026, 3, 31)
    assert parsed.year_end_from == "the file's collection details"
    people = _by(parsed.tables["ssd_person"], "pers_person_id")
    assert (people["X1"]["pers_sex"], people["X1"]["pers_upn_unknown"]) == ("F", "UN1")
    (x1_episode,) = [e for e in parsed.tables["ssd_cla_episodes"] if e["clae_person_id"] == "X1"]
    assert (
        x1_episode["clae_cla_episode_start_date"],
        x1_episode["clae_cla_primary_need_code"],
    ) == (
        D(2025, 10, 1),
        "N2",
    )
    placement = next(p for p in parsed.tables["ssd_cla_placement"] if p["clap_person_id"] == "X1")
    assert (placement["clap_cla_placement_type"], placement["clap_cla_placement_urn"]) == (
        "Z1",  # the 2025-26 code Z11, stored as the SSD's code it replaced
        "XXXXXXX",
    )
    (review,) = parsed.tables["ssd_cla_reviews"]
    assert (review["clar_cla_review_date"], review["clar_cla_review_participation"]) == (
        D(2025, 12, 12),
        "PN4",
    )
    (missing,) = parsed.tables["ssd_missing"]
    assert (missing["miss_missing_episode_end_date"], missing["miss_missing_episode_type"]) == (
        D(2026, 3, 2),
        "M",
    )
    (leaver,) = parsed.tables["ssd_care_leavers"]
    assert (
        leaver["clea_care_leaver_accommodation"],
        leaver["clea_care_leaver_accom_suitable"],
    ) == (
        "U",
        "2",
    )
    # Problems are placed by the element's path in the file.
    problems = {(p.severity, p.table, p.field): p for p in parsed.problems}
    assert all(p.source == "903 upload.xml" for p in parsed.problems)
    bad_dob = problems[(Severity.ERROR, "Message/CHILD[2]/HEADER", "DOB")]
    assert bad_dob.value == "1 May 2015"
    ended = problems[(Severity.ERROR, "Message/CHILD[2]/EPISODE[1]", "DEC")]
    assert ended.value == "01/02/2025" and "before the start" in ended.message
    assert (Severity.WARNING, "Message/CHILD[1]/HEADER", "FAVOURITE") in problems
    assert len(parsed.errors) == 2


def test_a_broken_xml_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<Message><CHILD><HEADER>", encoding="utf-8")
    parsed = read_ssda903(path)
    assert parsed.tables == {}
    (error,) = parsed.errors
    assert "not well-formed XML (line 1" in error.message
    assert error.source == "broken.xml"


# --- the fixtures written by others ----------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_folder():
    return read_ssda903(FIXTURE)


def test_the_fixture_folder_reads_with_its_problems(fixture_folder) -> None:
    parsed = fixture_folder
    assert {p.name for p in parsed.files} == {
        "episodes.csv", "header.csv", "missing.csv", "oc3.csv", "reviews.csv", "sw_episodes.csv",
    }  # fmt: skip
    # 2,675 children in header.csv, 5,050 episodes, 43 missing episodes, 53 care leavers.
    assert len(parsed.tables["ssd_person"]) == 2675
    assert len(parsed.tables["ssd_cla_episodes"]) == 5050
    assert len(parsed.tables["ssd_missing"]) == 43
    assert len(parsed.tables["ssd_care_leavers"]) == 53
    # No year in the names: the latest episode date (in 2018-19) sets it.
    assert parsed.year_end == D(2019, 3, 31)
    assert parsed.year_end_from == "the latest episode date"


def test_fixture_child_566910_has_two_placements_in_one_legal_status(fixture_folder) -> None:
    tables = fixture_folder.tables
    episodes = [e for e in tables["ssd_cla_episodes"] if e["clae_person_id"] == "566910"]
    assert [
        (e["clae_cla_episode_start_date"], e["clae_cla_episode_start_reason"]) for e in episodes
    ] == [
        (D(2016, 2, 15), "L"),
        (D(2017, 8, 14), "T"),
    ]
    placements = [p for p in tables["ssd_cla_placement"] if p["clap_person_id"] == "566910"]
    assert [
        (p["clap_cla_placement_type"], p["clap_cla_placement_provider"],
         p["clap_cla_placement_end_date"], p["clap_cla_placement_change_reason"],
         p["clap_cla_placement_urn"], p["clap_cla_placement_postcode"])
        for p in placements
    ] == [
        ("T2", "PR0", D(2017, 8, 14), "CLOSE", "4244474", None),
        ("A3", "PR3", None, None, "8969628", "WV27 9FW"),
    ]  # fmt: skip
    legal = [s for s in tables["ssd_legal_status"] if s["lega_person_id"] == "566910"]
    assert [(s["lega_legal_status"], s["lega_legal_status_start_date"],
             s["lega_legal_status_end_date"]) for s in legal] == [
        ("C2", D(2016, 2, 15), None)
    ]  # fmt: skip
    person = next(p for p in tables["ssd_person"] if p["pers_person_id"] == "566910")
    assert (person["pers_sex"], person["pers_dob"], person["pers_ethnicity"]) == (
        "F",
        D(2008, 3, 27),
        "WROM",
    )


def test_fixture_missing_and_care_leaver_rows(fixture_folder) -> None:
    tables = fixture_folder.tables
    missing = next(m for m in tables["ssd_missing"] if m["miss_person_id"] == "510000")
    assert (
        missing["miss_missing_episode_type"],
        missing["miss_missing_episode_start_date"],
        missing["miss_missing_episode_end_date"],
    ) == ("A", D(2017, 11, 13), D(2017, 11, 25))
    leavers = _by(tables["ssd_care_leavers"], "clea_person_id")
    rhom = leavers["79078"]  # RHOM, 0, Z2
    assert (
        rhom["clea_care_leaver_in_touch"],
        rhom["clea_care_leaver_activity"],
        rhom["clea_care_leaver_accommodation"],
        rhom["clea_care_leaver_accom_suitable"],
    ) == ("RHOM", None, "Z", "2")
    assert leavers["197474"]["clea_care_leaver_accommodation"] == "01"  # kept, with a warning


def test_fixture_folder_problems_are_the_ones_in_its_files(fixture_folder) -> None:
    found = {(p.source, p.row, p.field, p.severity): p for p in fixture_folder.problems}
    # episodes.csv row 313: 708102 starts again on 11/01/2018 while row 312 runs to 10/03/2018.
    overlap = found[("episodes.csv", 313, "DECOM", Severity.ERROR)]
    assert "from 11/03/2017 (row 312), which ends 10/03/2018" in overlap.message
    # sw_episodes.csv (a byte-order mark, CRLF lines) names a child not in header.csv.
    stranger = found[("sw_episodes.csv", 2, "CHILD", Severity.ERROR)]
    assert stranger.value == "CHILD10"
    # oc3.csv row 2: ACCOM 01 is no accommodation code; row 10 of oc3 is fine.
    accom = found[("oc3.csv", 2, "ACCOM", Severity.WARNING)]
    assert accom.value == "01"
    # episodes.csv row 3: REC X1 on an open episode.
    assert found[("episodes.csv", 3, "DEC", Severity.WARNING)].value == "X1"
    # header.csv row 1273: MOTHER written 1.0.
    assert found[("header.csv", 1273, "MOTHER", Severity.WARNING)].value == "1.0"
    assert fixture_folder.encodings["sw_episodes.csv"] == "UTF-8 with a byte-order mark"


def test_the_fixture_xml_reads_with_its_problems() -> None:
    parsed = read_ssda903(FIXTURE / "fake_903.xml")
    assert len(parsed.tables["ssd_person"]) == 253
    people = _by(parsed.tables["ssd_person"], "pers_person_id")
    first = people["907440"]
    assert (first["pers_sex"], first["pers_dob"], first["pers_ethnicity"]) == (
        "F",
        D(2010, 7, 28),
        "BAFR",
    )
    assert people["608176"]["pers_ethnicity"] == "CNHE"  # written CHNE in the return
    placements = [p for p in parsed.tables["ssd_cla_placement"] if p["clap_person_id"] == "907440"]
    assert [
        (p["clap_cla_placement_type"], p["clap_cla_placement_start_date"],
         p["clap_cla_placement_end_date"], p["clap_cla_placement_change_reason"],
         p["clap_cla_placement_postcode"])
        for p in placements
    ] == [
        ("R5", D(2017, 1, 6), D(2017, 10, 6), "CUSTOD", "E7 5YR"),
        ("P2", D(2017, 10, 6), D(2018, 3, 7), None, "Q6 7TT"),
    ]  # fmt: skip
    (missing,) = [m for m in parsed.tables["ssd_missing"] if m["miss_person_id"] == "608176"]
    assert (
        missing["miss_missing_episode_start_date"],
        missing["miss_missing_episode_end_date"],
    ) == (
        D(2017, 7, 29),
        D(2017, 9, 15),
    )
    leaver = next(c for c in parsed.tables["ssd_care_leavers"] if c["clea_person_id"] == "467642")
    assert (leaver["clea_care_leaver_in_touch"], leaver["clea_care_leaver_activity"]) == (
        "DIED",
        "F2",
    )
    # 907440's reviews (2015 and 2016) come before its first episode (06/01/2017).
    early = [
        p
        for p in parsed.problems
        if p.table == "EXPSSDA903/CHILD[1]/HEADER/AREVIEW[1]" and p.field == "REVIEW"
    ]
    assert [(p.severity, p.value) for p in early] == [(Severity.WARNING, "27/09/2015")]
    assert "outside the child's periods of care" in early[0].message
    assert all(p.source == "fake_903.xml" for p in parsed.problems)


def test_text_that_is_not_utf8_is_refused_unless_the_council_says_windows_1252(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, {"SSDA903_2025_episodes.csv": EPISODES})
    # "Café" in a column name, as Excel's plain CSV writes it on an English Windows machine.
    (folder / "SSDA903_2025_header.csv").write_bytes(
        HEADER.replace("MC_DOB", "Caf\xe9").encode("cp1252")
    )
    refused = read_ssda903(folder)
    (error,) = refused.errors
    assert (error.source, error.table) == ("SSDA903_2025_header.csv", "header")
    assert "not valid UTF-8 text at line 1" in error.message

    read = read_ssda903(folder, encoding="windows-1252")
    assert read.errors == []
    assert read.encodings["SSDA903_2025_header.csv"] == "Windows-1252 (the council's setting)"
    unknown = [p for p in read.warnings if p.field == "CAFÉ"]
    assert [p.message for p in unknown] == ["unknown column for the header table; it was not read"]


# -- CSV tables are read as streams -----------------------------------------------------------


def _large_return(tmp_path: Path, children: int = 1500) -> tuple[Path, str, str]:
    """A return whose episodes table is many times the block size the test reads with."""
    header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n" + "".join(
        f"C{n:05},F,01/02/2010,WBRI,,,\r\n" for n in range(children)
    )
    episodes = f"{EPISODE_COLUMNS}\r\n" + "".join(
        f"C{n:05},01/05/2024,S,C2,N1,U4,PR1,01/09/2024,X1,CARPL,,,\r\n"
        f"C{n:05},01/09/2024,P,C2,N1,K2,PR4,,,,,,\r\n"
        for n in range(children)
    )
    return tmp_path, header, episodes


class _ReadSpy:
    """Records the size asked of every read from the files the reader opens."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        real_open = Path.open
        spy = self

        class Stream:
            def __init__(self, raw) -> None:
                self.raw = raw

            def read(self, size: int = -1) -> bytes:
                spy.sizes.append(size)
                return self.raw.read(size)

            def __getattr__(self, name: str):
                return getattr(self.raw, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc) -> None:
                self.raw.close()

        def open_spied(path: Path, mode: str = "r", *args, **kwargs):
            raw = real_open(path, mode, *args, **kwargs)
            return Stream(raw) if "b" in mode else raw

        def whole(*_args, **_kwargs):
            raise AssertionError("a CSV table was read whole")

        monkeypatch.setattr(Path, "open", open_spied)
        monkeypatch.setattr(Path, "read_bytes", whole)
        monkeypatch.setattr(Path, "read_text", whole)


@pytest.mark.parametrize(("codec", "block"), [("utf-8", 512), ("utf-8-sig", 512), ("utf-16", 511)])
def test_a_csv_table_larger_than_a_block_is_read_a_block_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codec: str, block: int
) -> None:
    tmp_path, header, episodes = _large_return(tmp_path)
    folder = tmp_path / "SSDA903_2025"
    folder.mkdir()
    (folder / "header.csv").write_bytes(header.encode(codec))
    data = episodes.encode(codec)
    (folder / "episodes.csv").write_bytes(data)
    # Some block ends between the "\r" and "\n" of a line end (UTF-16: inside a character).
    if codec != "utf-16":
        assert any(data[i - 1 : i] == b"\r" for i in range(block, len(data), block))
    monkeypatch.setattr(ssda903, "CSV_BLOCK_SIZE", block)
    spy = _ReadSpy(monkeypatch)

    parsed = read_ssda903(folder)

    assert parsed.problems == []
    assert len(parsed.tables["ssd_cla_episodes"]) == 3000
    assert len(parsed.tables["ssd_cla_placement"]) == 3000
    last = parsed.tables["ssd_cla_placement"][-1]
    assert (last["clap_person_id"], last["clap_cla_placement_type"]) == ("C01499", "K2")
    assert all(0 < size <= block for size in spy.sizes), max(spy.sizes)
    assert len(spy.sizes) > len(data) // block


def test_a_table_that_stops_being_text_deep_in_the_file_is_refused_as_a_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path, header, episodes = _large_return(tmp_path)
    lines = episodes.split("\r\n")
    lines[0] += ",FAVOURITE"  # an unknown column: a warning, until the file is refused
    lines[2501] = lines[2501].replace("CARPL", "CAF\xc9")  # Windows-1252 "É" in a UTF-8 file
    data = "\r\n".join(lines).encode("cp1252")
    folder = _folder(tmp_path, {"SSDA903_2025_header.csv": header})
    (folder / "SSDA903_2025_episodes.csv").write_bytes(data)
    monkeypatch.setattr(ssda903, "CSV_BLOCK_SIZE", 4096)

    parsed = read_ssda903(folder)

    (error,) = parsed.problems
    assert (error.severity, error.source, error.table) == (
        Severity.ERROR,
        "SSDA903_2025_episodes.csv",
        "episodes",
    )
    # The same words, line and byte as when the file was read at once.
    with pytest.raises(encodings.EncodingError) as whole:
        encodings.decode(data)
    assert error.message == str(whole.value)
    assert f"at line 2502 (byte {data.index(b'CAF') + 4})" in error.message


# -- the XML form is read as a stream -----------------------------------------------------------


def test_an_xml_return_is_let_go_child_by_child_as_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = XML.split("<CHILD>", 1)[1].split("</CHILD>", 1)[0]
    children = "".join(
        f"<CHILD>{one.replace('X1', f'C{n:04}').replace('UN1', f'UN{n}')}</CHILD>"
        for n in range(1000)
    )
    path = tmp_path / "return.xml"
    path.write_text(XML.split("<CHILD>", 1)[0] + children + "</Message>", encoding="utf-8")
    still_held = records_held(monkeypatch, ssda903, "CHILD", ssda903, "_read_xml_child")

    parsed = read_ssda903(path)

    assert len(parsed.tables["ssd_person"]) == 1000
    assert parsed.tables["ssd_person"][-1]["pers_person_id"] == "C0999"
    # The tree holds only the children of the block the parser has just read (a few dozen),
    # never the file's 1,000: those read were let go.
    assert len(still_held) == 1000
    assert max(still_held) <= 100
