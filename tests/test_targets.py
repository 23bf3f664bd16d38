"""The target engine (checker.followup.targets): every target kind, the Viborg criteria with their
exact figures, rounding and the comparison at the edges."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal as D

import pytest

from checker.followup.targets import Target, all_targets, evaluate, round_target, targets_for
from tests.conftest import VIBORG


@pytest.fixture(scope="module")
def aftale() -> dict:
    text = (VIBORG / "samarbejdsaftale.json").read_text(encoding="utf-8")
    return json.loads(text, parse_float=D)


def crit(aftale: dict, cid: str) -> tuple[dict, str]:
    for area in aftale["indsatsomraader"]["omraader"]:
        for c in area["succeskriterier"]:
            if c["id"] == cid:
                return copy.deepcopy(c), area["nummer"]
    raise KeyError(cid)


def of(targets: list[Target], noegle: str | None) -> list[Target]:
    return [t for t in targets if t.noegle == noegle]


def synthetic(maal: dict, baseline: dict | None = None, enhed: str = "procent") -> dict:
    return {
        "id": "x-test",
        "titel": "Test",
        "tekst": "Test",
        "maales": "Test",
        "enhed": enhed,
        "baseline": baseline or {"tidspunkt": "2015", "vaerdi": D("26.8")},
        "maal": maal,
        "datakilde": {"tekst": "Test"},
    }


KP = {"dato": "2020-12-31", "betegnelse": "2020"}


# --- aarlig_aendring: klagesager -------------------------------------------------------------------


def test_klagesager_ellekonebakken_compounds_and_rounds(aftale):
    c, nr = crit(aftale, "5.1-klagesager")
    targets = of(targets_for(c, nr), "Ellekonebakken")
    assert [t.maal for t in targets] == [D("30.4"), D("28.88"), D("27.44"), D("26.06")]
    assert [t.kontrolpunkt for t in targets] == [date(y, 3, 31) for y in (2018, 2019, 2020, 2021)]
    assert [t.betegnelse for t in targets][0] == "Udgangen af projektår 1"
    assert all(t.baseline == 32 and t.sammenligning == "hoejst" for t in targets)
    assert all(t.indsatsomraade == "5.1" and t.enhed == "antal" for t in targets)
    # the compounding reading is recorded, the linear one kept as an open question (DOMAIN.md), and
    # every target says which reading it is computed in
    assert all(t.titel == "Klagesager" and t.aaben_laesning for t in targets)
    assert c["maal"]["beregning"] == "sammensat"
    assert targets[0].beskrivelse_da == "højst 30,4 (5 % fald pr. år (sammensat) fra 32, aldrig over 32)"
    assert (
        targets[0].beskrivelse_en
        == "at most 30.4 (5% decrease per year (compounding) from 32, never above 32)"
    )
    assert targets[0].laesning == "sammensat ændring (hvert år af det foregående års niveau)"
    assert targets[0].laesning_en == "compounding change (each year of the previous year's level)"
    assert targets[2].beskrivelse_da.startswith("højst 27,44 ")


def test_klagesager_exact_values_before_rounding():
    assert 32 * D("0.95") ** 3 == D("27.436")
    assert 32 * D("0.95") ** 4 == D("26.0642")
    assert round_target(D("27.436"), "antal") == D("27.44")
    assert round_target(D("26.0642"), "antal") == D("26.06")


def test_klagesager_counts_six_areas_by_four_checkpoints(aftale):
    c, nr = crit(aftale, "5.1-klagesager")
    targets = targets_for(c, nr)
    assert len(targets) == 24
    assert {t.noegle for t in targets} == {
        "Egeparken",
        "Ellekonebakken",
        "Houlkærparken",
        "Houlkærvænget",
        "Rødkærparken",
        "Vestervang",
    }


def test_klagesager_baseline_zero_stays_zero(aftale):
    c, nr = crit(aftale, "5.1-klagesager")
    targets = of(targets_for(c, nr), "Egeparken")
    assert len(targets) == 4
    assert all(t.baseline == 0 and t.maal == 0 for t in targets)
    assert all(evaluate(t, D(0)) for t in targets)
    assert not any(evaluate(t, D(1)) for t in targets)
    assert targets[0].beskrivelse_da.startswith("højst 0 ")


def test_klagesager_edges(aftale):
    c, nr = crit(aftale, "5.1-klagesager")
    year1 = of(targets_for(c, nr), "Ellekonebakken")[0]
    assert evaluate(year1, D("30.4"))  # exactly on target
    assert evaluate(year1, D(30))
    assert evaluate(year1, 30)  # an int from JSON
    assert not evaluate(year1, D("30.41"))  # just over
    assert not evaluate(year1, D(31))


def test_loft_ved_baseline_target_never_above_baseline():
    kind = {
        "type": "aarlig_aendring",
        "retning": "fald",
        "procent_pr_aar": 5,
        "loft_ved_baseline": True,
        "kontrolpunkter": [{**KP, "aar": n} for n in (1, 2, 3, 4)],
    }
    targets = targets_for(synthetic(kind, enhed="antal"), "5.1")
    assert [t.maal for t in targets] == [D("25.46"), D("24.19"), D("22.98"), D("21.83")]
    assert all(t.maal <= t.baseline for t in targets)


def test_linear_yearly_change_takes_the_same_share_of_the_baseline_each_year(aftale):
    """The other reading of "reduceres med 5 % pr. år": 5 % of the 2015 level each year, not of the
    previous year's."""
    c, nr = crit(aftale, "5.1-klagesager")
    c = copy.deepcopy(c)
    c["maal"]["beregning"] = "lineaer"
    ellekonebakken = of(targets_for(c, nr), "Ellekonebakken")
    assert [t.maal for t in ellekonebakken] == [D("30.4"), D("28.8"), D("27.2"), D("25.6")]
    assert ellekonebakken[0].beskrivelse_da == (
        "højst 30,4 (5 % fald pr. år (lineært, af baseline) fra 32, aldrig over 32)"
    )
    assert ellekonebakken[0].laesning == "lineær ændring (hvert år samme andel af baseline)"
    compounding = of(targets_for(crit(aftale, "5.1-klagesager")[0], nr), "Ellekonebakken")
    assert [t.maal for t in compounding] == [D("30.4"), D("28.88"), D("27.44"), D("26.06")]


# --- relativ_aendring: fraflytning -----------------------------------------------------------------


def test_fraflytning_relative_reading(aftale):
    c, nr = crit(aftale, "5.1-fraflytning")
    targets = targets_for(c, nr)
    assert len(targets) == 6
    egeparken = of(targets, "Egeparken")
    assert len(egeparken) == 1
    t = egeparken[0]
    assert t.baseline == D("26.8")
    assert t.maal == D("26.26")  # 26.264 before rounding
    assert t.sammenligning == "hoejst"
    assert t.aaben_laesning  # the open question: relative or percentage points
    assert t.beskrivelse_da.startswith("højst 26,26 %")
    assert t.beskrivelse_en.startswith("at most 26.26%")
    assert evaluate(t, D("26.26"))
    assert evaluate(t, D("26.25"))
    assert not evaluate(t, D("26.264"))  # compared with the rounded target
    assert not evaluate(t, D("26.3"))


def test_fraflytning_houlkaervaenget_two_decimal_baseline(aftale):
    c, nr = crit(aftale, "5.1-fraflytning")
    (t,) = of(targets_for(c, nr), "Houlkærvænget")
    assert t.maal == D("15.94")  # 16.27 × 0.98 = 15.9446


def test_relativ_stigning_with_registered_baseline(aftale):
    c, nr = crit(aftale, "5.3-uddannelse-18-29")
    unknown = targets_for(c, nr)
    assert len(unknown) == 2
    assert all(t.baseline is None and t.maal is None for t in unknown)
    assert all(t.sammenligning == "mindst" and t.aaben_laesning for t in unknown)
    assert unknown[0].beskrivelse_da.startswith("ukendt, indtil baseline er registreret")
    assert unknown[0].beskrivelse_en.startswith("unknown until a baseline is registered")
    with pytest.raises(ValueError, match="baseline"):
        evaluate(unknown[0], D(50))

    known = targets_for(c, nr, {None: D(40)})
    assert [t.baseline for t in known] == [D(40), D(40)]
    # "steget med 5% i 2018 og igen med 10% 2020": 10 % on top of 2018's level, 1.05 × 1.10 = 1.155
    assert [t.maal for t in known] == [D(42), D("46.2")]
    assert [t.kontrolpunkt for t in known] == [date(2018, 12, 31), date(2020, 12, 31)]
    assert evaluate(known[0], D(42)) and not evaluate(known[0], D("41.99"))
    assert known[1].beskrivelse_da == "mindst 46,2 % (15,5 % stigning i forhold til baseline 40 %)"
    assert "1,05 × 1,10 = 1,155" in c["aabent_spoergsmaal"]["spoergsmaal"]


def test_ledighed_relative_fall_with_registered_baseline(aftale):
    c, nr = crit(aftale, "5.3-ledighed-18-29")
    known = targets_for(c, nr, {None: D(20)})
    assert [t.maal for t in known] == [D(19), D(18)]  # no "igen": 10 % of the baseline in all by 2020
    assert all(t.sammenligning == "hoejst" for t in known)
    # the other reading, named in the open question: on top of 2018, 0.95 × 0.90 = 0.855, a fall of 14.5 %
    assert D("0.95") * D("0.90") == D("0.855")
    assert "14,5 %" in c["aabent_spoergsmaal"]["spoergsmaal"]
    assert "15,5" not in c["aabent_spoergsmaal"]["spoergsmaal"]


def test_familie_ivaerksaettere_zero_point(aftale):
    c, nr = crit(aftale, "5.4-familie-ivaerksaettere")
    (unknown,) = targets_for(c, nr)
    assert unknown.baseline is None and unknown.maal is None
    (t,) = targets_for(c, nr, {None: 20})
    assert t.baseline == 20 and t.maal == D(21)
    assert t.sammenligning == "mindst" and t.enhed == "antal" and t.indsatsomraade == "5.4"
    assert evaluate(t, D(21)) and not evaluate(t, D(20))
    assert t.beskrivelse_da == "mindst 21 (5 % stigning i forhold til baseline 20)"


# --- TOPI: yearly change without a baseline in the agreement ---------------------------------------


@pytest.mark.parametrize(
    ("cid", "cmp", "expected"),
    [
        ("5.4-topi-roed", "hoejst", [D(19), D("18.05"), D("17.15"), D("16.29")]),
        ("5.4-topi-gul", "hoejst", [D(19), D("18.05"), D("17.15"), D("16.29")]),
        ("5.4-topi-groen", "mindst", [D(21), D("22.05"), D("23.15"), D("24.31")]),
    ],
)
def test_topi(aftale, cid, cmp, expected):
    c, nr = crit(aftale, cid)
    unknown = targets_for(c, nr)
    assert len(unknown) == 4
    assert all(t.maal is None and t.baseline is None and t.sammenligning == cmp for t in unknown)
    known = targets_for(c, nr, {None: D(20)})
    # 20 × 0.95^n: 19, 18.05, 17.1475, 16.290125; 20 × 1.05^n: 21, 22.05, 23.1525, 24.310125
    assert [t.maal for t in known] == expected
    assert all(t.sammenligning == cmp for t in known)


def test_topi_groen_has_no_ceiling(aftale):
    c, nr = crit(aftale, "5.4-topi-groen")
    known = targets_for(c, nr, {None: D(20)})
    assert known[0].beskrivelse_da == "mindst 21 (5 % stigning pr. år (sammensat) fra 20)"
    assert evaluate(known[3], D("24.31")) and not evaluate(known[3], D("24.3"))


# --- bedre_end_baseline: tryghed -------------------------------------------------------------------


def test_tryghed_is_the_two_answers_together_strictly_over_78(aftale):
    """The promise is about the adults' overall tryghed (DOMAIN.md): 46 % trygge + 32 % meget trygge."""
    c, nr = crit(aftale, "5.1-tryghed")
    assert c["maal"]["kategorier"] == "samlet"
    (t,) = targets_for(c, nr)
    assert (t.noegle, t.baseline, t.maal, t.sammenligning) == (None, D(78), D(78), "over")
    assert t.kontrolpunkt == date(2020, 12, 31)
    assert not evaluate(t, D(78))
    assert evaluate(t, D("78.1"))
    assert evaluate(t, D(82))  # 51 % trygge + 31 % meget trygge: met, though meget trygge fell
    assert t.beskrivelse_da == "over 78 % (højere end baseline, trygge og meget trygge samlet)"
    assert t.beskrivelse_en == "above 78% (higher than the baseline, trygge and meget trygge together)"
    assert t.aaben_laesning and t.laesning == "bedre end baseline, kategorierne lagt sammen"
    assert "78 %" in c["aabent_spoergsmaal"]["spoergsmaal"]
    assert len(c["aabent_spoergsmaal"]["laesninger"]) == 2


def test_tryghed_each_category_on_its_own_is_the_other_reading(aftale):
    c, nr = crit(aftale, "5.1-tryghed")
    c["maal"]["kategorier"] = "hver_for_sig"
    targets = targets_for(c, nr)
    trygge, meget = of(targets, "trygge")[0], of(targets, "meget trygge")[0]
    assert (trygge.baseline, trygge.maal, trygge.sammenligning) == (46, D(46), "over")
    assert (meget.baseline, meget.maal, meget.sammenligning) == (32, D(32), "over")
    assert evaluate(trygge, D(51)) and not evaluate(meget, D(31))
    del c["maal"]["kategorier"]  # the default
    assert [t.noegle for t in targets_for(c, nr)] == ["trygge", "meget trygge"]


def test_categories_together_take_a_registered_baseline_for_the_sum_only():
    kind = {
        "type": "relativ_aendring",
        "retning": "stigning",
        "kategorier": "samlet",
        "kontrolpunkter": [{**KP, "procent": 10}],
    }
    baseline = {"tidspunkt": "2016", "per_kategori": {"a": D("20.5"), "b": D("19.5")}}
    (t,) = targets_for(synthetic(kind, baseline), "5.1")
    assert (t.noegle, t.baseline, t.maal) == (None, D(40), D(44))
    assert len(targets_for(synthetic(kind, baseline), "5.1", {None: 40})) == 1
    with pytest.raises(ValueError, match="revision"):
        targets_for(synthetic(kind, baseline), "5.1", {None: 41})
    with pytest.raises(ValueError, match="'a'"):
        targets_for(synthetic(kind, baseline), "5.1", {"a": D("20.5")})


def test_bedre_end_baseline_fald_is_under():
    kind = {"type": "bedre_end_baseline", "retning": "fald", "kontrolpunkter": [KP]}
    (t,) = targets_for(synthetic(kind), "5.2")
    assert t.sammenligning == "under" and t.maal == D("26.8")
    assert evaluate(t, D("26.79")) and not evaluate(t, D("26.8"))
    assert t.beskrivelse_da.startswith("under 26,8 %")


# --- taerskel: uddannelsesparathed -----------------------------------------------------------------


def test_uddannelsesparathed_at_least_80(aftale):
    c, nr = crit(aftale, "5.3-uddannelsesparathed")
    (t,) = targets_for(c, nr)
    assert t.noegle is None
    assert t.baseline == D("72.8") and t.maal == D(80) and t.sammenligning == "mindst"
    assert t.betegnelse == "Skoleåret 2020-2021"
    assert evaluate(t, D(80))
    assert evaluate(t, D("80.5"))
    assert not evaluate(t, D("79.99"))
    assert t.beskrivelse_da.startswith("mindst 80 %")
    assert t.beskrivelse_en.startswith("at least 80%")


def test_taerskel_hoejst_does_not_need_a_baseline():
    kind = {"type": "taerskel", "retning": "hoejst", "kontrolpunkter": [{**KP, "vaerdi": 10}]}
    baseline = {"tidspunkt": "2015", "foreligger_ikke": "ikke angivet"}
    (t,) = targets_for(synthetic(kind, baseline, enhed="antal"), "5.2")
    assert t.baseline is None and t.maal == D(10) and t.sammenligning == "hoejst"
    assert evaluate(t, D(10)) and not evaluate(t, D(11))
    assert t.beskrivelse_da == "højst 10"


# --- procentpoint_aendring and loft ----------------------------------------------------------------


def test_procentpoint_fald():
    kind = {"type": "procentpoint_aendring", "retning": "fald", "kontrolpunkter": [{**KP, "procentpoint": 2}]}
    (t,) = targets_for(synthetic(kind), "5.1")
    assert t.maal == D("24.8") and t.sammenligning == "hoejst"
    assert evaluate(t, D("24.8")) and not evaluate(t, D("24.81"))
    assert t.beskrivelse_da == "højst 24,8 % (fald på 2 procentpoint fra 26,8 %)"
    assert t.beskrivelse_en == "at most 24.8% (decrease of 2 percentage points from 26.8%)"


def test_procentpoint_stigning():
    kind = {
        "type": "procentpoint_aendring",
        "retning": "stigning",
        "kontrolpunkter": [{**KP, "procentpoint": D("2.5")}],
    }
    (t,) = targets_for(synthetic(kind), "5.3")
    assert t.maal == D("29.3") and t.sammenligning == "mindst"


def test_loft_baseline():
    kind = {"type": "loft", "graense": "baseline", "kontrolpunkter": [KP, {"dato": "2021-03-31"}]}
    targets = targets_for(synthetic(kind, enhed="procent"), "5.2")
    assert len(targets) == 2
    assert all(t.maal == D("26.8") and t.sammenligning == "hoejst" for t in targets)
    assert targets[1].betegnelse is None
    assert evaluate(targets[0], D("26.8")) and not evaluate(targets[0], D("26.81"))
    assert targets[0].beskrivelse_da == "højst 26,8 % (ikke over baseline)"


def test_loft_number_per_area():
    kind = {"type": "loft", "graense": 12, "kontrolpunkter": [KP]}
    baseline = {"tidspunkt": "2015", "per_omraade": {"A": 14, "B": 3}}
    targets = targets_for(synthetic(kind, baseline, enhed="antal"), "5.2")
    assert [(t.noegle, t.baseline, t.maal) for t in targets] == [("A", 14, D(12)), ("B", 3, D(12))]


def test_loft_baseline_without_baseline_is_unknown():
    kind = {"type": "loft", "graense": "baseline", "kontrolpunkter": [KP]}
    baseline = {"tidspunkt": "2015", "foreligger_ikke": "nulpunktsmåling"}
    (t,) = targets_for(synthetic(kind, baseline), "5.2")
    assert t.maal is None


# --- rounding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "enhed", "expected"),
    [
        (D("26.264"), "procent", D("26.26")),
        (D("26.265"), "procent", D("26.27")),  # half-up, not half-even
        (D("0.125"), "antal", D("0.13")),
        (D("30.40"), "antal", D("30.4")),
        (D("80.000"), "procent", D("80")),
        (D(0), "antal", D(0)),
        (D("-1.005"), "procent", D("-1.01")),
    ],
)
def test_round_target(value, enhed, expected):
    assert round_target(value, enhed) == expected


def test_round_target_has_no_trailing_zeros():
    assert str(round_target(D("30.40"), "antal")) == "30.4"
    assert str(round_target(D("80.00"), "procent")) == "80"


def test_round_target_unknown_unit():
    with pytest.raises(ValueError, match="enhed"):
        round_target(D(1), "kroner")


# --- registered baselines ---------------------------------------------------------------------------


def test_registered_baseline_may_not_change_the_agreements(aftale):
    c, nr = crit(aftale, "5.1-klagesager")
    assert len(targets_for(c, nr, {"Ellekonebakken": 32})) == 24  # the same value is accepted
    with pytest.raises(ValueError, match="revision"):
        targets_for(c, nr, {"Ellekonebakken": 30})
    with pytest.raises(ValueError, match="Viborg Centrum"):
        targets_for(c, nr, {"Viborg Centrum": 3})


def test_all_targets_rejects_unknown_criterion(aftale):
    with pytest.raises(ValueError, match="5.9-ukendt"):
        all_targets(aftale, {("5.9-ukendt", None): D(1)})


# --- the whole Viborg agreement ---------------------------------------------------------------------


def test_all_targets_viborg(aftale):
    targets = all_targets(aftale)
    per = {}
    for t in targets:
        per[t.kriterium] = per.get(t.kriterium, 0) + 1
    assert per == {
        "5.1-klagesager": 24,  # 6 areas × 4 project years
        "5.1-fraflytning": 6,
        "5.1-tryghed": 1,  # trygge and meget trygge together
        "5.3-uddannelsesparathed": 1,
        "5.3-uddannelse-18-29": 2,
        "5.3-ledighed-18-29": 2,
        "5.4-topi-roed": 4,
        "5.4-topi-gul": 4,
        "5.4-topi-groen": 4,
        "5.4-familie-ivaerksaettere": 1,
    }
    assert len(targets) == 49
    assert len(per) == 10
    assert [t.kriterium for t in targets][:1] == ["5.1-klagesager"]
    unknown = {t.kriterium for t in targets if t.maal is None}
    assert unknown == {
        "5.3-uddannelse-18-29",
        "5.3-ledighed-18-29",
        "5.4-topi-roed",
        "5.4-topi-gul",
        "5.4-topi-groen",
        "5.4-familie-ivaerksaettere",
    }
    open_reading = {t.kriterium for t in targets if t.aaben_laesning}
    assert open_reading == {
        "5.1-klagesager",
        "5.1-fraflytning",
        "5.1-tryghed",
        "5.3-uddannelse-18-29",
        "5.3-ledighed-18-29",
        "5.4-topi-roed",
        "5.4-topi-gul",
        "5.4-topi-groen",
    }


def test_all_targets_with_registered_baselines(aftale):
    targets = all_targets(
        aftale,
        {("5.4-familie-ivaerksaettere", None): D(20), ("5.3-uddannelse-18-29", None): D(40)},
    )
    assert len(targets) == 49
    fam = [t for t in targets if t.kriterium == "5.4-familie-ivaerksaettere"]
    assert [t.maal for t in fam] == [D(21)]
    udd = [t for t in targets if t.kriterium == "5.3-uddannelse-18-29"]
    assert [t.maal for t in udd] == [D(42), D("46.2")]
    assert sum(t.maal is None for t in targets) == 14  # ledighed 2 + TOPI 3 × 4


def test_target_is_frozen(aftale):
    t = all_targets(aftale)[0]
    with pytest.raises(AttributeError):
        t.maal = D(0)  # type: ignore[misc]
