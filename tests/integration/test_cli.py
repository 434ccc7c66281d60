"""The `tingfeng` command as a user runs it (a real subprocess)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import DEV_POSTS, REPO

CONTRACT_KEYS = {"sentiment", "topics", "severity", "disposition", "township", "lead_department",
                 "co_departments", "explanation"}


def tingfeng(*args, input_=None, env_extra=None, tmp_path=None):
    env = dict(os.environ)
    env.setdefault("TINGFENG_SPEC_DIR", str(DEV_POSTS.parent.parent / "spec"))
    env["TINGFENG_ANALYZER"] = env.get("TINGFENG_TEST_ANALYZER", "rules")
    if tmp_path is not None:
        env["TINGFENG_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "tingfeng", *args], input=input_, capture_output=True,
                          cwd=REPO, env=env, timeout=600)


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    out = tmp_path_factory.mktemp("an") / "out.jsonl"
    res = tingfeng("analyze", str(DEV_POSTS), "-o", str(out))
    return res, out


def test_analyze_writes_the_contract_for_every_line_in_order(analyzed, spec_dir):
    from kernel.config import load_reference

    res, out = analyzed
    assert res.returncode == 0, res.stderr.decode()
    ref = load_reference(spec_dir)
    inputs = [json.loads(x)["post"] for x in DEV_POSTS.read_text(encoding="utf-8").splitlines() if x.strip()]
    outputs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in outputs] == [i["id"] for i in inputs]
    for i, o in zip(inputs, outputs, strict=True):
        assert CONTRACT_KEYS <= set(o)
        for k, v in i.items():
            assert o[k] == v  # the input post's fields are kept as they were
        assert o["sentiment"]["label"] in ("negative", "neutral", "positive")
        assert 0.0 <= o["sentiment"]["score"] <= 1.0
        assert o["topics"] and all(t["code"] in ref.taxonomy.topics for t in o["topics"])
        assert [t["score"] for t in o["topics"]] == sorted((t["score"] for t in o["topics"]), reverse=True)
        assert o["severity"] in ("I", "II", "III", "IV")
        assert o["disposition"] is None or o["disposition"] in ref.taxonomy.dispositions
        assert o["township"] is None or o["township"] in ref.county.townships
        assert o["lead_department"] in ref.county.departments
        assert isinstance(o["co_departments"], list) and isinstance(o["explanation"], dict)


def test_analyze_reports_bad_lines_on_stderr_and_exits_nonzero(tmp_path):
    good = {"id": "1", "platform": "news", "title": "通知", "text": "城关镇明日停水", "published_at": "2026-11-20T08:00:00+08:00"}
    data = "\n".join([json.dumps(good, ensure_ascii=False), "{broken", json.dumps(good | {"platform": "tiktok"}),
                      json.dumps(good | {"id": "2"}, ensure_ascii=False)]) + "\n"
    res = tingfeng("analyze", "-", "-o", "-", input_=data.encode())
    assert res.returncode == 1
    lines = res.stdout.decode().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["1", "2"]
    err = res.stderr.decode()
    assert "第 2 行" in err and "第 3 行" in err and "未知平台" in err


def test_analyze_names_the_analyzer_that_scored(analyzed):
    res, _ = analyzed
    assert "分析器：rules" in res.stderr.decode()


def test_analyze_precision_option_picks_the_int8_model(tmp_path):
    from analysis.model.onnx_export import find_export
    from analysis.model.runtime import available

    if not available() or find_export(precision="int8") is None:
        pytest.skip("模型或 int8 导出不存在（make model）")
    post = {"id": "1", "platform": "news", "title": "通知", "text": "城关镇明日停水", "published_at": "2026-11-20T08:00:00+08:00"}
    data = (json.dumps(post, ensure_ascii=False) + "\n").encode()
    env = {"TINGFENG_ANALYZER": "model", "TINGFENG_MODEL_PRECISION": "fp32"}
    fast = tingfeng("analyze", "-", "--precision", "int8", input_=data, env_extra=env)
    assert fast.returncode == 0, fast.stderr.decode()
    assert "分析器：model+rules/onnx-int8" in fast.stderr.decode()
    assert json.loads(fast.stdout)["id"] == "1"
    default = tingfeng("analyze", "-", input_=data, env_extra=env)
    assert "分析器：model+rules/onnx-fp32" in default.stderr.decode()
    bad = tingfeng("analyze", "-", "--precision", "int4", input_=data, env_extra=env)
    assert bad.returncode == 2 and "--precision" in bad.stderr.decode()


def test_eval_prints_the_metrics_table():
    res = tingfeng("eval", str(DEV_POSTS))
    assert res.returncode == 0, res.stderr.decode()
    text = res.stdout.decode()
    for label in ("情感 macro-F1", "主题准确率", "等级准确率", "I/II 级召回率", "属地准确率", "处置方式准确率"):
        assert label in text


def test_ingest_command_keeps_good_lines_and_names_bad_ones(tmp_path):
    f = tmp_path / "in.jsonl"
    good = {"id": "9", "platform": "forum", "title": "求助", "text": "马鞍山村的路灯坏了三个月", "published_at": "2026-11-20T08:00:00+08:00"}
    f.write_text(json.dumps(good, ensure_ascii=False) + "\n" + '{"id": "x"}\n', encoding="utf-8")
    res = tingfeng("ingest", str(f), tmp_path=tmp_path)
    assert res.returncode == 1
    assert "新增 1 条" in res.stdout.decode()
    assert "第 2 行被拒收" in res.stderr.decode()
    again = tingfeng("ingest", str(f), tmp_path=tmp_path)
    assert "新增 0 条，重复 1 条" in again.stdout.decode()


def test_help_is_in_chinese():
    res = tingfeng("--help")
    assert res.returncode == 0
    out = res.stdout.decode()
    assert "政务舆情" in out and "analyze" in out and "demo" in out


def _post(pid, text, at, **kw):
    return json.dumps({"id": pid, "platform": "weibo", "text": text,
                       "published_at": f"2026-11-21T{at}:00+08:00", **kw}, ensure_ascii=False)


def _analyze(batch, *flags):
    """`tingfeng analyze` over ``batch`` (JSON lines): its outputs by post id, and the run."""
    res = tingfeng("analyze", "-", "-o", "-", *flags, input_=("\n".join(batch) + "\n").encode())
    assert res.returncode == 0, res.stderr.decode()
    return {o["id"]: o for o in map(json.loads, res.stdout.decode().splitlines())}, res


EVENT_BATCH = [
    _post("a", "石门镇煤矿透水事故已造成12人遇难，井下仍有人员被困，救援正在进行", "06:00"),
    _post("b", "石门镇煤矿那边还在救援吗？我表哥在那个矿上班，从昨晚到现在电话打不通，急死了", "07:30"),
    _post("c", "石门镇煤矿透水，家属都在井口等消息，希望救援快点，矿上平时安全检查就是走过场", "08:10"),
    _post("d", "城关镇新华路的路灯坏了好几盏，晚上走路黑乎乎的，希望尽快修一下", "08:20"),
    _post("e", "网传石门镇煤矿透水死了上百人，经核实为谣言，请勿传播", "09:00"),
]


def test_event_context_lifts_follow_ups_of_a_major_event_and_nothing_else():
    alone, per_post = _analyze(EVENT_BATCH, "--per-post")
    ctx, grouped = _analyze(EVENT_BATCH)  # event context is the default
    assert alone["a"]["severity"] == ctx["a"]["severity"] == "II"
    # the closing line says how many posts their event graded up
    assert "按所属事件上调 2 条" in grouped.stderr.decode() and "逐条定级" in per_post.stderr.decode()
    # the follow-ups carry no toll of their own: per post they are not 重大 …
    assert alone["b"]["severity"] not in ("I", "II") and alone["c"]["severity"] not in ("I", "II")
    # … but they describe the same 重大 event: graded 较大 with it (the 5-hour clock stays with
    # the event and the post that states the toll), and they say so in their explanation
    for pid in ("b", "c"):
        assert ctx[pid]["severity"] == "III"
        assert ctx[pid]["explanation"]["event_context"]["evidence_post"] == "a"
        assert ctx[pid]["explanation"]["event_context"]["event_grade"] == "II"
        assert any("同属一个事件" in r for r in ctx[pid]["explanation"]["rules"])
    # an unrelated complaint and the refuted rumour keep their own grade
    assert ctx["d"]["severity"] == alone["d"]["severity"] == "IV"
    assert ctx["e"]["severity"] == alone["e"]["severity"]
    assert "event_context" not in ctx["e"]["explanation"]


III_BATCH = [
    _post("p", "东坝中学食堂午饭后几十个学生上吐下泻，都送到了东坝卫生院", "12:30"),
    _post("q", "东坝中学食堂饭菜吃坏肚子的事，市场监管局到现在都没公布食品检测结果，家长们很着急", "15:00"),
]


def test_event_context_shares_a_较大_grade_with_its_follow_ups():
    per_post, _ = _analyze(III_BATCH, "--per-post")
    grouped, _ = _analyze(III_BATCH)
    assert per_post["p"]["severity"] == grouped["p"]["severity"] == "III"
    assert per_post["q"]["severity"] == "IV"  # no count of its own
    assert grouped["q"]["severity"] == "III"
    assert grouped["q"]["explanation"]["event_context"]["event_grade"] == "III"


SAME_PLACE_BATCH = [
    _post("r", "青松花园三百多户业主今天在小区门口拉横幅维权，交房半年墙面开裂、地下室漏水，开发商和物业互相踢皮球", "09:00"),
    _post("s", "青松花园业主维权的事，住建局到现在也没个说法，横幅都挂了一天了", "13:00"),
    _post("t", "青松花园物业费要涨，从每平1.2涨到1.8，没开业主大会就涨，业主们怎么看", "14:00"),
    _post("u", "青松花园今天组织消防演练，模拟火灾疏散，业主们配合得很好", "15:00"),
]


def test_event_context_lifts_only_posts_that_tell_of_the_same_incident():
    # given a residents' protest and, the same day and place, a follow-up, another matter and a drill
    out, _ = _analyze(SAME_PLACE_BATCH)
    assert out["r"]["severity"] in ("II", "III")
    # the follow-up about the protest takes its grade …
    assert out["s"]["severity"] == "III" and out["s"]["explanation"]["event_context"]["evidence_post"] == "r"
    # … a fee rise at the same estate and a fire drill there are other matters
    for pid in ("t", "u"):
        assert out[pid]["severity"] == "IV" and "event_context" not in out[pid]["explanation"]


def test_eval_can_show_the_severity_confusion(tmp_path):
    # given two labeled posts: a major accident and a pothole
    f = tmp_path / "labeled.jsonl"
    base = {"platform": "weibo", "title": None, "published_at": "2026-11-20T08:00:00+08:00"}
    rows = [
        {"post": base | {"id": "a", "text": "石门煤矿透水，已造成12人死亡"},
         "labels": {"sentiment": "neutral", "topic": "work_safety", "severity": "II", "township": "石门镇",
                    "disposition": "major_issue"}},
        {"post": base | {"id": "b", "text": "新华路有个坑，希望修一下"},
         "labels": {"sentiment": "negative", "topic": "transport", "severity": "IV", "township": "城关镇",
                    "disposition": "hardship"}},
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    # when eval is asked for the confusion table
    res = tingfeng("eval", str(f), "--confusion")
    assert res.returncode == 0, res.stderr.decode()
    text = res.stdout.decode()
    # then it shows gold rows against predicted columns
    assert "等级混淆" in text
    res_json = tingfeng("eval", str(f), "--json", "--confusion")
    data = json.loads(res_json.stdout.decode())
    assert data["severity_confusion"] == {"II": {"II": 1}, "IV": {"IV": 1}}
    # and without the flag the JSON carries the metrics only
    plain = json.loads(tingfeng("eval", str(f), "--json").stdout.decode())
    assert "severity_confusion" not in plain and plain["n"] == 2
