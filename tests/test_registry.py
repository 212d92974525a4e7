from luotain.registry import default_registry


def test_counties_municipalities_and_districts():
    reg = default_registry()
    counties = reg.of_kind("hyvinvointialue")
    assert len(counties) == 22  # 21 wellbeing services counties and the City of Helsinki
    assert reg.get("hva:90").name_fi == "Helsingin kaupunki"
    assert reg.get("hva:91") is None  # Åland has no county
    assert len(reg.of_kind("kunta")) == 292  # mainland municipalities in the 2026 classification
    assert reg.get("kunta:588").active is False  # Pertunmaa merged into Mäntyharju in 2026
    assert reg.get("kunta:091").name_sv == "Helsingfors"
    assert len(reg.districts) == 10
    assert reg.district_of("kunta:091").slug == "uusimaa"
    assert reg.district_of("kunta:837").slug == "hame"  # Tampere, Pirkanmaa
    assert reg.district_of("hva:18") is None  # Keski-Pohjanmaa: not assigned in the sources


def test_every_municipality_belongs_to_a_known_county():
    reg = default_registry()
    county_codes = {o.county_code for o in reg.of_kind("hyvinvointialue")}
    assert all(m.county_code in county_codes for m in reg.of_kind("kunta", active_only=False))
