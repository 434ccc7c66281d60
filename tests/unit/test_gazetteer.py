"""Which township a post is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.gazetteer import Gazetteer
from kernel.config import load_reference


@pytest.fixture(scope="module")
def gaz(spec_dir: Path) -> Gazetteer:
    return Gazetteer(load_reference(spec_dir).county)


def test_a_listed_place_gives_its_township(gaz: Gazetteer) -> None:
    loc = gaz.locate("南河水库的水位这两天涨得厉害")
    assert loc.township == "南河镇"
    assert loc.evidence[0].term == "南河水库"


def test_the_township_name_itself_is_enough(gaz: Gazetteer) -> None:
    assert gaz.locate("北岭乡今年的核桃收成不错").township == "北岭乡"


def test_a_short_form_of_a_township_name_is_recognised(gaz: Gazetteer) -> None:
    assert gaz.locate("东坝那边晚上总有一股怪味").township == "东坝镇"
    assert gaz.locate("西山这几天一直停水").township == "西山乡"


def test_the_county_name_alone_gives_no_township(gaz: Gazetteer) -> None:
    loc = gaz.locate("云岭县的公交车太少了")
    assert loc.township is None
    assert loc.local


def test_ip_location_is_weak_evidence_and_never_decides_alone(gaz: Gazetteer) -> None:
    loc = gaz.locate("公交车太少了，等了一个小时", ip_location="云南")
    assert loc.township is None
    assert loc.ip_local is True
    assert "弱证据" in loc.reason


def test_a_same_named_place_in_another_county_is_not_ours(gaz: Gazetteer) -> None:
    assert gaz.locate("河阳县东坝镇昨天停电了").township is None
    assert gaz.locate("我下周去马鞍山市出差").township is None


def test_the_strongest_and_first_evidence_wins_when_places_compete(gaz: Gazetteer) -> None:
    loc = gaz.locate("从龙泉村去石门隧道的路上，龙泉小学门口又堵车了")
    assert loc.township == "龙泉镇"
    assert "石门镇" in loc.reason


def test_a_generic_place_counts_for_less_than_a_specific_one(gaz: Gazetteer) -> None:
    # given the county town mentioned once and a village in another township
    loc = gaz.locate("我在县城上班，老家白沙村的路一直没修")
    # then the specific village decides
    assert loc.township == "白沙乡"


def test_everyday_short_forms_of_listed_places_count(gaz: Gazetteer) -> None:
    assert gaz.locate("一中的老师太负责了，晚上十一点还在群里回答孩子的问题").township == "城关镇"
    assert gaz.locate("县医院急诊等了三个小时没人看").township == "城关镇"
    assert gaz.locate("以前去政务中心办事上台阶很困难").township == "城关镇"


def test_a_hospital_the_sick_were_taken_to_is_not_where_it_happened(gaz: Gazetteer) -> None:
    loc = gaz.locate("北岭小学一间教室屋顶垮塌，我女儿左腿骨折，连夜送到县医院。")
    assert loc.township == "北岭乡"
    assert gaz.locate("邻居一家三口吃了菌子中毒，连夜送到县医院洗胃。").township is None


def test_a_county_wide_matter_named_by_examples_belongs_to_no_township(gaz: Gazetteer) -> None:
    loc = gaz.locate("连续三天暴雨，全县十个乡镇几乎没有一个幸免，南河镇、白沙乡整片被淹。")
    assert loc.township is None and "全县性" in loc.reason
    # one township's event told with another's people is still that township's
    assert gaz.locate("南河新区的业主今天在县政府门口举牌子").township is not None
