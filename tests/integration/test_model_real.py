"""The real fine-tuned model (converted e5-small base + committed artifact).

Skipped, with the reason, when the base folder has not been built (``make model``)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from analysis.model.runtime import PostClassifier, available  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clf() -> PostClassifier:
    if not available():
        pytest.skip("转换后的基础模型不存在（运行 make model 或 python -m analysis.model.convert）")
    return PostClassifier.shared()


def test_clear_cases_get_the_expected_labels(clf) -> None:
    cases = [
        (
            "白沙村后面的小河被养殖场的污水染黑了，臭味熏得人头疼，找了好几次都没人管！",
            "negative",
            "environment",
        ),
        (
            "感谢县人民医院急诊科的医生护士，半夜抢救我父亲，太负责了，给你们点赞！",
            "positive",
            "health",
        ),
        (
            "县公安局通报：民警抓获一名盗窃电动车的嫌疑人，追回电动车5辆。",
            "neutral",
            "public_security",
        ),
        ("孩子学校的老师体罚学生，家长们很气愤，教育局能不能管一管？", "negative", "education"),
    ]
    outs = clf.predict([c[0] for c in cases])
    for (text, sentiment, topic), out in zip(cases, outs, strict=True):
        assert out.label("sentiment") == sentiment, text
        assert out.label("topic") == topic, text


def test_traditional_script_reads_like_simplified(clf) -> None:
    simp, trad = clf.predict(
        ["县医院看病排队太久了，挂号要等三个小时", "縣醫院看病排隊太久了，掛號要等三個小時"]
    )
    assert simp.label("topic") == trad.label("topic") == "health"
    assert float(simp.embedding @ trad.embedding) > 0.8


def test_embeddings_put_retellings_of_one_event_together(clf) -> None:
    a, b, c = clf.embed(
        [
            "南河大桥上大货车和客车相撞，造成多人伤亡",
            "今天上午南河大桥发生车祸，一辆货车撞上了客车，有人受伤",
            "县图书馆周末开放时间调整为上午九点到下午五点",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.05


def test_sentence_explanation_points_at_the_complaint(clf) -> None:
    text = "今天天气不错。化工厂又在偷偷排放废水，河里的鱼都死了！周末去了趟超市。"
    exp = clf.explain(text)
    best = max(exp.sentences, key=lambda s: s.scores["topic"])
    assert "化工厂" in best.text


def test_word_explanations_still_rank_words_when_the_model_is_all_but_certain(clf) -> None:
    # a plain notice the topic head is sure of: removing a word hardly moves its probability,
    # but the drop in log-odds still names the word that carried the label (the console
    # shades by it; a shading by probability left such posts without any highlight)
    text = "县人民医院儿科门诊周六照常开诊，预约挂号请通过医院公众号办理。"
    out = clf.predict([text], explain="word")[0]
    assert out.topic["health"] > 0.95
    words = out.explanation.words
    best = max(words, key=lambda w: w.log_odds["topic"])
    assert any(k in best.text for k in ("医院", "儿科", "门诊", "挂号"))
    assert best.log_odds["topic"] > 0.1


def test_onnx_and_torch_agree_when_the_export_exists(clf) -> None:
    from analysis.model.onnx_export import find_export

    if find_export() is None:
        pytest.skip("无 ONNX 导出（python -m analysis.model.onnx_export）")
    onnx = PostClassifier.shared(backend="onnx")
    torch_clf = PostClassifier.shared(backend="torch")
    texts = ["路灯坏了三个月没人修", "县里举办火把节，欢迎游客", "征地补偿款被村干部扣了一半"]
    for a, b in zip(onnx.predict(texts), torch_clf.predict(texts), strict=True):
        assert a.label("topic") == b.label("topic")
        assert float(np.dot(a.embedding, b.embedding)) > 0.97


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_a_post_scores_the_same_alone_or_in_a_batch(clf, precision) -> None:
    """A post's grade must not depend on which other posts arrived with it (the streaming
    path scores one post, a backfill many): the float32 graph guarantees it, and the int8
    graph (whose activation scale is per batch tensor) runs one post per batch for it."""
    from analysis.model.onnx_export import find_export

    if find_export(precision=precision) is None:
        pytest.skip("无 ONNX 导出（python -m analysis.model.onnx_export）")
    onnx = PostClassifier.shared(backend="onnx", precision=precision)
    assert onnx.backend.name == f"onnx-{precision}"
    texts = [
        "石门煤矿透水，井下还有十几个人没上来，家属都在井口等着",
        "感谢消防队连夜把被困老人背出来，辛苦了！",
        "县防汛指挥部启动Ⅳ级应急响应，请沿河群众注意安全。",
        "路灯坏了三个月，真是好样的👍",
        "请问新生儿医保怎么办理？需要带哪些材料",
        "东坝化工厂又在半夜排污，河水发黑发臭",
    ] * 3
    together = onnx.predict(texts)
    for text, a in zip(texts, together, strict=True):
        alone = onnx.predict([text])[0]
        for task in ("sentiment", "topic", "severity", "disposition"):
            assert a.label(task) == alone.label(task), (task, text)
            np.testing.assert_allclose(
                list(getattr(a, task).values()), list(getattr(alone, task).values()), atol=1e-4
            )


def test_the_hybrid_explains_which_sentence_carried_its_judgement(spec_dir) -> None:
    from datetime import UTC, datetime

    from analysis.hybrid import HybridAnalyzer
    from kernel.config import load_reference
    from kernel.domain.posts import Post
    from kernel.services.scoring import to_item

    if not available():
        pytest.skip("转换后的基础模型不存在（运行 make model）")
    an = HybridAnalyzer(load_reference(spec_dir), PostClassifier.shared())
    post = Post(id="x", platform="weibo", published_at=datetime(2026, 11, 20, tzinfo=UTC),
                text="今天是周六。城关镇新华路的路灯坏了三个月，晚上一片漆黑，老人摔了好几次，到底有没有人管！")
    d = an.explain(to_item(post), level="sentence")
    assert d["labels"]["sentiment"] == "negative" and 0.5 < d["confidence"]["sentiment"] <= 1.0
    by_text = {s["text"]: s["scores"]["sentiment"] for s in d["sentences"]}
    calm = next(v for t, v in by_text.items() if t.startswith("今天是周六"))
    angry = next(v for t, v in by_text.items() if "路灯坏了" in t)
    assert angry > calm  # removing the complaint costs the negative label far more
    for s in d["sentences"]:
        assert d["text"][s["start"]:s["end"]] == s["text"]
