"""Loading the reference configuration."""

from datetime import timedelta

import pytest

from kernel.config import load_reference, parse_duration
from kernel.errors import ConfigError


def test_reference_county_and_taxonomy_load(spec_dir):
    ref = load_reference(spec_dir)
    assert ref.county.name == "云岭县"
    assert len(ref.taxonomy.topics) == 19
    # the shipped file writes "code: 名称: 范围"; both parts must survive
    assert ref.taxonomy.topics["work_safety"].name == "安全生产"
    assert "矿难" in ref.taxonomy.topics["work_safety"].scope
    assert [r.within for r in ref.taxonomy.obligations["II"]] == [timedelta(hours=5), timedelta(hours=24)]
    assert ref.taxonomy.obligations["IV"] == ()
    assert ref.county.lead_for_topic("disaster") == "yj"
    assert "石门煤矿" in ref.county.townships["石门镇"]


def test_missing_spec_dir_gives_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_reference(tmp_path)


def test_topic_without_department_is_refused(spec_dir, tmp_path):
    (tmp_path / "taxonomy.yaml").write_text((spec_dir / "taxonomy.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    county = (spec_dir / "reference-county.yaml").read_text(encoding="utf-8").replace("topics: [transport]", "topics: []")
    (tmp_path / "reference-county.yaml").write_text(county, encoding="utf-8")
    with pytest.raises(ConfigError, match="transport"):
        load_reference(tmp_path)


@pytest.mark.parametrize(("text", "delta"), [("5h", timedelta(hours=5)), ("2d", timedelta(days=2)), ("30m", timedelta(minutes=30))])
def test_durations(text, delta):
    assert parse_duration(text) == delta


def test_bad_duration():
    with pytest.raises(ConfigError):
        parse_duration("five hours")
